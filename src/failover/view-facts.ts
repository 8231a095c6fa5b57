// Small questions analysis and candidate choice both ask of a ClusterView: is an agent's state
// fresh, which addresses name its server, which channel of a replica points at a given server.
import type { AgentView, ClusterView } from "../model/cluster-view.ts";
import type { InstanceKey, ReachableInstance, ReplicationChannel } from "../model/instance-state.ts";

/** Agents running next to a database that are still members (witnesses and leavers excluded). */
export function dbAgents(view: ClusterView): AgentView[] {
  return view.agents.filter((a) => a.kind === "agent" && a.memberStatus !== "left");
}

export function findAgent(view: ClusterView, nodeId: string): AgentView | undefined {
  return view.agents.find((a) => a.nodeId === nodeId);
}

/**
 * Fresh: gossip does not consider the agent dead and its state is recent. "suspect" alone does not
 * make it stale: SWIM suspicion is slower and noisier than the record's own age.
 */
export function isAgentFresh(agent: AgentView, staleAfterMs: number): boolean {
  if (agent.memberStatus === "dead" || agent.memberStatus === "left") return false;
  return agent.recordAgeMs <= staleAfterMs;
}

export function reachableInstance(agent: AgentView): ReachableInstance | null {
  return agent.instance?.reachable ? agent.instance : null;
}

/** The agent's server, but only when its agent is fresh and the server answered. */
export function liveInstance(agent: AgentView, staleAfterMs: number): ReachableInstance | null {
  return isAgentFresh(agent, staleAfterMs) ? reachableInstance(agent) : null;
}

function sameKey(a: InstanceKey, b: InstanceKey): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}

/**
 * Every address known to name the agent's server: the advertised key, the address its own probe
 * used and its report_host. Replicas may have been pointed at any of them.
 */
export function addressesOf(agent: AgentView): InstanceKey[] {
  const out: InstanceKey[] = [];
  if (agent.key !== null) out.push(agent.key);
  if (agent.instance !== null) out.push(agent.instance.key);
  const inst = reachableInstance(agent);
  if (inst !== null && inst.reportHost !== null && inst.reportHost !== "") {
    out.push({ host: inst.reportHost, port: inst.reportPort ?? inst.key.port });
  }
  return out;
}

export function channelSourceIn(channel: ReplicationChannel, addresses: readonly InstanceKey[]): boolean {
  const source = { host: channel.sourceHost, port: channel.sourcePort };
  return addresses.some((k) => sameKey(k, source));
}

/** The replica's channel whose source is one of the addresses, if any. */
export function channelTo(
  instance: ReachableInstance,
  addresses: readonly InstanceKey[],
): ReplicationChannel | undefined {
  return instance.channels.find((c) => channelSourceIn(c, addresses));
}

/** The agent whose server one of its addresses names (for following a channel to its source). */
export function agentAt(agents: readonly AgentView[], key: InstanceKey): AgentView | undefined {
  return agents.find((a) => addressesOf(a).some((k) => sameKey(k, key)));
}

/**
 * Refuses writes from every client: read_only, plus super_read_only where the server has it
 * (MySQL 5.7.8+), since read_only alone still lets SUPER users write.
 */
export function isFenced(instance: ReachableInstance): boolean {
  return instance.readOnly && instance.superReadOnly !== false;
}

/** A channel is replicating when both threads run: orchestrator counts only IO "Yes" as running. */
export function isReplicating(channel: ReplicationChannel): boolean {
  return channel.ioState === "yes" && channel.sqlRunning;
}

/** Strict majority of n voters. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

export function formatAgeMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
