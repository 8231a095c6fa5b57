// Candidate choice must rank replicas by where they are now, not by their last gossiped probe (up
// to a probe interval old): a replica that received the primary's last transactions after its
// agent's probe would otherwise lose to a staler one, and those transactions with it. Right before
// planning, the leader probes every other member's server itself and puts the answers in the view.
import { PROBE_DEADLINE_MS } from "../lib/limits.ts";
import type { AgentView } from "../model/cluster-view.ts";
import type { InstanceState } from "../model/instance-state.ts";
import { InstanceProber } from "../mysql/probe.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";

export interface RefreshOptions {
  /** Admin credentials of the leader's config, used against each member's advertised address. */
  user: string;
  password: string;
  deadlineMs?: number;
}

async function probeAt(agent: AgentView, o: RefreshOptions): Promise<InstanceState | null> {
  if (agent.key === null) return null;
  const prober = new InstanceProber(
    {
      address: { kind: "tcp", host: agent.key.host, port: agent.key.port },
      user: o.user,
      password: o.password,
    },
    { deadlineMs: o.deadlineMs ?? PROBE_DEADLINE_MS },
  );
  try {
    const state = await prober.probe();
    return state.reachable ? state : null;
  } catch {
    return null;
  } finally {
    await prober.close();
  }
}

/** The snapshot with every answering member's instance replaced by a probe taken now. */
export async function refreshPositions(
  snapshot: ClusterSnapshot,
  skipNodeId: string,
  o: RefreshOptions,
): Promise<ClusterSnapshot> {
  const targets = snapshot.view.agents.filter((a) => a.kind === "agent" && a.nodeId !== skipNodeId);
  const fresh = new Map<string, InstanceState>();
  await Promise.all(
    targets.map(async (a) => {
      const state = await probeAt(a, o);
      if (state !== null) fresh.set(a.nodeId, state);
    }),
  );
  if (fresh.size === 0) return snapshot;
  const agents = snapshot.view.agents.map((a) => {
    const inst = fresh.get(a.nodeId);
    return inst === undefined ? a : { ...a, instance: inst };
  });
  const facts = snapshot.facts.map((f) => {
    const inst = fresh.get(f.nodeId);
    return inst === undefined ? f : { ...f, instance: inst };
  });
  return { ...snapshot, view: { ...snapshot.view, agents }, facts };
}
