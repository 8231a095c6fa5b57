// The headless demo's topology prints: `keel topology`'s lines, read through the first agent like
// the console reads them. Gossip takes a moment to carry a change, so a print waits (bounded)
// until the agents' view has caught up with what the demo just saw on the servers.
import { setTimeout as sleep } from "node:timers/promises";
import type { CommandIo } from "../cli/command.ts";
import { pickCluster, topologyLines } from "../cli/topology.ts";
import { loadReadView } from "../cli/view-source.ts";
import { DEMO_POLL_MS, DEMO_TOPOLOGY_WAIT_MS } from "../lib/limits.ts";
import type { DemoCluster } from "../runtime/demo-cluster.ts";

/** The view has caught up: the primary heads the tree with `replicas` answering servers under it. */
export function topologySettled(lines: readonly string[], primaryPort: number, replicas: number): boolean {
  const root = `127.0.0.1:${primaryPort} `;
  const answering = lines.filter((l) => /^\s*\+ 127\.0\.0\.1:\d+ \[[^\]]*,ok,/.test(l));
  return (lines[0] ?? "").startsWith(root) && answering.length >= replicas;
}

async function readLines(cluster: DemoCluster): Promise<string[] | null> {
  const config = cluster.configs[0];
  if (config === undefined) return null;
  const view = await loadReadView(config, "agent");
  if (!view.ok) return null;
  const picked = pickCluster(view.value, {}, config.cluster);
  return picked.ok ? topologyLines(picked.value) : null;
}

/**
 * Prints "== topology (<title>)" and the tree. `settled` says when the view is the one to show;
 * after the bound the latest view is printed anyway, with a note.
 */
export async function printDemoTopology(
  io: Pick<CommandIo, "out">,
  cluster: DemoCluster,
  title: string,
  settled: (lines: readonly string[]) => boolean,
  monoMs: () => number,
): Promise<void> {
  const deadline = monoMs() + DEMO_TOPOLOGY_WAIT_MS;
  let lines = await readLines(cluster);
  while ((lines === null || !settled(lines)) && monoMs() < deadline) {
    await sleep(DEMO_POLL_MS);
    lines = (await readLines(cluster)) ?? lines;
  }
  io.out(`== topology (${title})`);
  if (lines === null) io.out("(no agent answered)");
  else for (const line of lines) io.out(line);
  if (lines !== null && !settled(lines))
    io.out(`(the agents' view had not caught up after ${DEMO_TOPOLOGY_WAIT_MS / 1000} s)`);
}
