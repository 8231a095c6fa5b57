// One instant of the leader's knowledge of its cluster, in the shapes the pure failover code takes:
// the ClusterView (analysis, candidate choice), the StepFacts (is a plan step already done?), which
// agents are alive to perform steps themselves, and where each member's server is. Built from the
// gossip members and the ledger the leader holds; pure, so the runner's decisions can be tested.
import type { StepFacts } from "../failover/plan-done.ts";
import { isAgentFresh } from "../failover/view-facts.ts";
import type { MemberView } from "../gossip/events.ts";
import type { ClusterView } from "../model/cluster-view.ts";
import type { InstanceKey, InstanceState } from "../model/instance-state.ts";
import type { LedgerState } from "../raft/ledger.ts";
import { type FreshnessBounds, memberState, type RecordDecodeCache } from "./agent-state.ts";
import { factsOf, lastKnownPositionOf, type MemberFacts, type MemberInput } from "./member-facts.ts";
import { addressesOfFacts } from "./primary-inference.ts";
import { assembleClusterView, type LedgerSnapshot } from "./view-assembly.ts";

export interface SnapshotInput {
  cluster: string;
  selfId: string;
  nowMs: number;
  nowWallMs: number;
  members: readonly MemberView[];
  cache: RecordDecodeCache;
  ledger: Readonly<LedgerState>;
  quorumOk: boolean | null;
  /** Agent state older than this is not trusted (analysis staleAfterMs). */
  staleAfterMs: number;
}

export interface ClusterSnapshot {
  cluster: string;
  nowMs: number;
  nowWallMs: number;
  view: ClusterView;
  facts: MemberFacts[];
  ledger: Readonly<LedgerState>;
  stepFacts: StepFacts;
  /** DB agents (and witnesses) whose state is fresh: they perform steps on their own servers. */
  alive: ReadonlySet<string>;
}

const BOUNDS: FreshnessBounds = {
  recordFreshMs: Number.MAX_SAFE_INTEGER,
  heardFreshMs: Number.MAX_SAFE_INTEGER,
};

export function ledgerSnapshotOf(ledger: Readonly<LedgerState>, quorumOk: boolean | null): LedgerSnapshot {
  return {
    primary: ledger.primary,
    epoch: ledger.epoch,
    // One raft group per cluster: the ledger's pause is the cluster's.
    paused: { global: false, cluster: ledger.paused !== null },
    downtimes: Object.entries(ledger.downtimes).map(([instance, d]) => ({ instance, ...d })),
    recoveryActive: ledger.recoveries.some((r) => r.state === "detected" || r.state === "planned"),
    quorumOk,
  };
}

function memberInputsOf(input: SnapshotInput): MemberInput[] {
  return input.members.map((m) => memberState(m, input.selfId, input.cache, BOUNDS));
}

/**
 * How long a member's server has gone without answering its own agent, for a member whose fresh
 * probe failed: the age of its last successful probe (null when it never answered, or when the
 * probe answered or is stale). wait-fence-after counts on it to outwait a hung mysqld.
 */
export function unansweredForMsOf(f: MemberFacts, staleAfterMs: number): number | null {
  if (f.stateAgeMs > staleAfterMs || f.instance === null || f.instance.reachable) return null;
  return lastKnownPositionOf(f)?.ageMs ?? null;
}

export function stepFactsOf(
  facts: readonly MemberFacts[],
  ledger: Readonly<LedgerState>,
  staleAfterMs: number,
): StepFacts {
  const instances: Record<string, InstanceState | null> = {};
  const addresses: Record<string, InstanceKey[]> = {};
  const silentForMs: Record<string, number> = {};
  const unansweredForMs: Record<string, number> = {};
  for (const f of facts) {
    // A stale probe must not make a step look done: only fresh state counts as observed.
    instances[f.nodeId] = f.stateAgeMs <= staleAfterMs ? f.instance : null;
    addresses[f.nodeId] = addressesOfFacts(f);
    silentForMs[f.nodeId] = f.stateAgeMs;
    const unanswered = unansweredForMsOf(f, staleAfterMs);
    if (unanswered !== null) unansweredForMs[f.nodeId] = unanswered;
  }
  return {
    ledger: { primary: ledger.primary, epoch: ledger.epoch },
    instances,
    addresses,
    silentForMs,
    unansweredForMs,
  };
}

export function takeSnapshot(input: SnapshotInput): ClusterSnapshot {
  const inputs = memberInputsOf(input);
  const facts = inputs.flatMap((m) => {
    const f = factsOf(m);
    return f !== null && f.cluster === input.cluster ? [f] : [];
  });
  const ledgers = { [input.cluster]: ledgerSnapshotOf(input.ledger, input.quorumOk) };
  const assembled = assembleClusterView(input.cluster, {
    nowMs: input.nowMs,
    nowWallMs: input.nowWallMs,
    members: inputs,
    ledgers,
  });
  const view: ClusterView = assembled ?? {
    cluster: input.cluster,
    nowMs: input.nowMs,
    primary: null,
    agents: [],
    downtimes: [],
    paused: ledgers[input.cluster]?.paused ?? { global: false, cluster: false },
  };
  const alive = new Set(view.agents.filter((a) => isAgentFresh(a, input.staleAfterMs)).map((a) => a.nodeId));
  return {
    cluster: input.cluster,
    nowMs: input.nowMs,
    nowWallMs: input.nowWallMs,
    view,
    facts,
    ledger: input.ledger,
    stepFacts: stepFactsOf(facts, input.ledger, input.staleAfterMs),
    alive,
  };
}

/** Where a member's server is (its advertised address), or null when nothing is known. */
export function serverKeyOf(snapshot: ClusterSnapshot, nodeId: string): InstanceKey | null {
  return snapshot.facts.find((f) => f.nodeId === nodeId)?.key ?? null;
}

/** A member named by node id or by its server's "host:port", as a node id; null when unknown. */
export function resolveMember(snapshot: ClusterSnapshot, name: string): string | null {
  const f = snapshot.facts.find(
    (m) => m.nodeId === name || (m.key !== null && `${m.key.host}:${m.key.port}` === name),
  );
  return f?.nodeId ?? null;
}
