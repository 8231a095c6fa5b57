// Invariants of gossip membership, checked over a simulated GossipCluster. Each returns the
// violations it found (empty = holds), worded for a failing test's output.
import type { GossipCluster } from "../gossip-cluster.ts";

/** Members declared dead while they were running (false positives of the failure detector). */
export function falseDeaths(cluster: GossipCluster, sinceMs = 0): string[] {
  const out: string[] = [];
  for (const { atMs, node, event } of cluster.events) {
    if (atMs < sinceMs || event.type !== "member-dead") continue;
    if (cluster.wasUpThroughout(event.id, atMs - 1, atMs))
      out.push(`${atMs} ms: ${node} declared ${event.id} dead (by ${event.by}) but it was running`);
  }
  return out;
}

/** Live nodes that do not yet hold `id`'s record at `version` or newer. */
export function missingRecord(cluster: GossipCluster, id: string, version: number): string[] {
  return cluster.liveIds().filter((n) => n !== id && cluster.node(n).recordVersionOf(id) < version);
}

/** Live nodes that do not see `id` as dead or left (or forgotten). */
export function notYetDead(cluster: GossipCluster, id: string): string[] {
  return cluster.liveIds().filter((n) => {
    const m = cluster.node(n).member(id, cluster.nowMs);
    return m !== null && (m.status === "alive" || m.status === "suspect");
  });
}

/** Every live node sees every live node alive and every stopped node not alive. */
export function viewDisagreements(cluster: GossipCluster): string[] {
  const live = new Set(cluster.liveIds());
  const out: string[] = [];
  for (const n of live) {
    const node = cluster.node(n);
    for (const id of cluster.ids()) {
      if (id === n) continue;
      const status = node.member(id, cluster.nowMs)?.status ?? "unknown";
      const want = live.has(id) ? status === "alive" : status !== "alive" && status !== "suspect";
      if (!want) out.push(`${n} sees ${id} as ${status}, but it is ${live.has(id) ? "running" : "stopped"}`);
    }
  }
  return out;
}

/** Messages that would not fit a datagram with the envelope around them. */
export function oversizedMessages(cluster: GossipCluster, limitBytes: number): string[] {
  return cluster.maxMessageBytes > limitBytes
    ? [`largest message ${cluster.maxMessageBytes} B exceeds ${limitBytes} B`]
    : [];
}
