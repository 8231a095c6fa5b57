// Candidate choice must rank replicas by where they are now, not by their last gossiped probe (up
// to a probe interval old): a replica that received the primary's last transactions after its
// agent's probe would otherwise lose to a staler one, and those transactions with it. Right before
// planning, the leader probes every other member's server itself and puts the answers in the view.
// A member whose server answers its own agent but not the leader (twice) is named in
// `positionsUnknown`, and planning refuses a failover rather than rank it on its gossiped position.
import { liveInstance } from "../failover/view-facts.ts";
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

/** A snapshot after refreshPositions: planning reads positionsUnknown (recovery-planning.ts). */
export interface RefreshedSnapshot extends ClusterSnapshot {
  /**
   * Members whose agent is alive and whose server answered that agent's last probe, but not the
   * leader's probes now: where they stand is not known, so they may hold what the candidate lacks.
   */
  positionsUnknown: readonly string[];
  /**
   * Members whose server answered the leader just now, whatever gossip says of their agent (one
   * cut off a moment ago may still look dead): planning detaches and repoints them too.
   */
  answered: readonly string[];
}

/**
 * Whether the leader can read the member's server now: it answered the refresh, or (no refresh
 * taken) its fresh agent reports it answering. Planning and the ack-holder check share this.
 */
export function serverReadNow(
  snapshot: ClusterSnapshot & { answered?: readonly string[] },
  nodeId: string,
  staleAfterMs: number,
): boolean {
  if (snapshot.answered?.includes(nodeId)) return true;
  const agent = snapshot.view.agents.find((a) => a.nodeId === nodeId);
  return agent !== undefined && liveInstance(agent, staleAfterMs) !== null;
}

/** Probes a member's server once; null when it does not answer (or has no address). */
export type PositionProbe = (agent: AgentView) => Promise<InstanceState | null>;

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

/** Alive with an answering server in gossip: the leader must be able to read where it stands. */
function mustAnswer(snapshot: ClusterSnapshot, a: AgentView): boolean {
  return snapshot.alive.has(a.nodeId) && a.instance?.reachable === true;
}

/** Two attempts: one failed probe (a dropped connection, a busy server) is asked again. */
async function probeTwice(agent: AgentView, probe: PositionProbe): Promise<InstanceState | null> {
  return (await probe(agent)) ?? (await probe(agent));
}

/**
 * The snapshot with every answering member's instance replaced by a probe taken now, and the
 * members that should have answered but did not named in positionsUnknown.
 */
export async function refreshPositionsWith(
  snapshot: ClusterSnapshot,
  skipNodeId: string,
  probe: PositionProbe,
): Promise<RefreshedSnapshot> {
  const targets = snapshot.view.agents.filter(
    (a) => a.kind === "agent" && a.nodeId !== skipNodeId && a.memberStatus !== "left",
  );
  const fresh = new Map<string, InstanceState>();
  const unknown: string[] = [];
  await Promise.all(
    targets.map(async (a) => {
      const state = await probeTwice(a, probe);
      if (state !== null) fresh.set(a.nodeId, state);
      else if (mustAnswer(snapshot, a)) unknown.push(a.nodeId);
    }),
  );
  const positionsUnknown = unknown.sort();
  const answered = [...fresh.keys()].sort();
  if (fresh.size === 0) return { ...snapshot, positionsUnknown, answered };
  const agents = snapshot.view.agents.map((a) => {
    const inst = fresh.get(a.nodeId);
    return inst === undefined ? a : { ...a, instance: inst };
  });
  const facts = snapshot.facts.map((f) => {
    const inst = fresh.get(f.nodeId);
    return inst === undefined ? f : { ...f, instance: inst };
  });
  return { ...snapshot, view: { ...snapshot.view, agents }, facts, positionsUnknown, answered };
}

/** refreshPositionsWith over TCP with the leader's admin credentials. */
export function refreshPositions(
  snapshot: ClusterSnapshot,
  skipNodeId: string,
  o: RefreshOptions,
): Promise<RefreshedSnapshot> {
  return refreshPositionsWith(snapshot, skipNodeId, (a) => probeAt(a, o));
}
