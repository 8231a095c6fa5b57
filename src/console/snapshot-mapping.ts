// From the read side's picture (assembled clusters, gossip members, the agent's raft status) to a
// console snapshot. Pure. The raft status only exists for the agent's own cluster; elsewhere the
// quorum panel is pieced together from what each agent's record says about its raft role.
import type { MemberInput } from "../runtime/member-facts.ts";
import type { AssembledCluster } from "../runtime/view-assembly.ts";
import type { QuorumMemberView, QuorumRole, QuorumView } from "../model/topology-view.ts";
import type { ConsoleCluster } from "./console-source.ts";

/** The parts of GET /api/raft (runtime/ledger-view.ts RaftView) the console reads, checked at the edge. */
export interface RaftFacts {
  nodeId: string;
  term: number;
  leader: string | null;
  commitIndex: number;
  appliedIndex: number;
  quorumOk: boolean;
  members: {
    id: string;
    voter: boolean;
    witness: boolean;
    role: QuorumRole;
    lastContactAgeMs: number | null;
    matchIndex: number | null;
  }[];
  ledger: LedgerFacts;
}

export interface RecoveryFacts {
  id: string;
  analysis: string;
  failedInstance: string;
  detectedWallMs: number;
  state: string;
  steps: { name: string; status: string; detail: string }[];
  successor: string | null;
  finishedWallMs: number | null;
  detail: string;
  acknowledged: boolean;
}

export interface LedgerFacts {
  primary: string | null;
  epoch: number;
  paused: boolean;
  downtimes: string[];
  recoveries: RecoveryFacts[];
  switchover: { id: string; from: string; to: string; by: string } | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const ROLES: readonly QuorumRole[] = ["leader", "follower", "candidate", "pre-candidate"];

function recoveryOf(v: unknown): RecoveryFacts | null {
  if (!isObj(v) || typeof v.id !== "string") return null;
  const steps = Array.isArray(v.steps) ? v.steps.filter(isObj) : [];
  return {
    id: v.id,
    analysis: str(v.analysis),
    failedInstance: str(v.failedInstance),
    detectedWallMs: num(v.detectedWallMs) ?? 0,
    state: str(v.state),
    steps: steps.map((s) => ({ name: str(s.name), status: str(s.status), detail: str(s.detail) })),
    successor: typeof v.successor === "string" ? v.successor : null,
    finishedWallMs: num(v.finishedWallMs),
    detail: str(v.detail),
    acknowledged: isObj(v.acknowledged),
  };
}

function ledgerOf(v: unknown): LedgerFacts {
  const l = isObj(v) ? v : {};
  const sw = isObj(l.switchover) ? l.switchover : null;
  return {
    primary: typeof l.primary === "string" ? l.primary : null,
    epoch: num(l.epoch) ?? 0,
    paused: isObj(l.paused),
    downtimes: isObj(l.downtimes) ? Object.keys(l.downtimes).sort() : [],
    recoveries: (Array.isArray(l.recoveries) ? l.recoveries : []).flatMap((r) => recoveryOf(r) ?? []),
    switchover: sw ? { id: str(sw.id), from: str(sw.from), to: str(sw.to), by: str(sw.by) } : null,
  };
}

/** Reads the `raft` field of /api/state (or GET /api/raft); null when absent or not a raft status. */
export function readRaftFacts(v: unknown): RaftFacts | null {
  if (!isObj(v) || num(v.term) === null || !Array.isArray(v.members)) return null;
  const members = v.members.filter(isObj).map((m) => ({
    id: str(m.id),
    voter: m.voter !== false,
    witness: m.witness === true,
    role: ROLES.includes(m.role as QuorumRole) ? (m.role as QuorumRole) : ("unknown" as const),
    lastContactAgeMs: num(m.lastContactAgeMs),
    matchIndex: num(m.matchIndex),
  }));
  return {
    nodeId: str(v.nodeId),
    term: num(v.term) ?? 0,
    leader: typeof v.leader === "string" ? v.leader : null,
    commitIndex: num(v.commitIndex) ?? 0,
    appliedIndex: num(v.appliedIndex) ?? 0,
    quorumOk: v.quorum === "OK",
    members,
    ledger: ledgerOf(v.ledger),
  };
}

export function quorumFromRaft(r: RaftFacts): QuorumView {
  return {
    term: r.term,
    leader: r.leader,
    commitIndex: r.commitIndex,
    appliedIndex: r.appliedIndex,
    quorumOk: r.quorumOk,
    members: r.members.map(
      (m): QuorumMemberView => ({
        nodeId: m.id,
        role: m.role,
        // The agent reports 0 for itself; the panel reads null as "the leader or never".
        lastContactAgeMs: m.id === r.leader ? null : m.lastContactAgeMs,
        matchIndex: m.matchIndex,
        voter: m.voter,
        witness: m.witness,
      }),
    ),
  };
}

/**
 * Without a raft status (an observer), each agent's record says its term, role and leader. The
 * quorum counts as OK when a majority of the cluster's voters are alive and agree on one leader in
 * the highest term; log positions are unknown from records.
 */
export function quorumFromRecords(cluster: string, members: readonly MemberInput[]): QuorumView | null {
  const voters = members.filter((m) => m.kind !== "observer" && (m.record?.cluster ?? m.cluster) === cluster);
  const withRaft = voters.filter((m) => m.record?.raft);
  if (withRaft.length === 0) return null;
  const term = Math.max(...withRaft.map((m) => m.record?.raft?.term ?? 0));
  const current = withRaft.filter((m) => m.status === "alive" && m.record?.raft?.term === term);
  const leader = current.find((m) => m.record?.raft?.leader)?.record?.raft?.leader ?? null;
  const agreeing = current.filter((m) => m.record?.raft?.leader === leader).length;
  return {
    term,
    leader,
    commitIndex: 0,
    appliedIndex: 0,
    quorumOk: leader !== null && agreeing * 2 > voters.length,
    members: voters.map((m) => ({
      nodeId: m.id,
      role:
        m.status === "alive" && m.record?.raft?.term === term
          ? (m.record.raft.role as QuorumRole)
          : "unknown",
      lastContactAgeMs: m.id === leader ? null : m.lastHeardAgeMs,
      matchIndex: null,
      voter: true,
      witness: m.kind === "witness",
    })),
  };
}

export function consoleClusterOf(
  a: AssembledCluster,
  members: readonly MemberInput[],
  raft: RaftFacts | null,
): ConsoleCluster {
  const own = raft?.members.some((m) => a.instances.some((i) => i.nodeId === m.id)) ? raft : null;
  const { primaryNodeId: _n, primaryInferred: _i, ...summary } = a.summary;
  return {
    summary,
    instances: a.instances,
    quorum: own ? quorumFromRaft(own) : quorumFromRecords(a.cluster, members),
    paused: own ? own.ledger.paused : a.view.paused.cluster || a.view.paused.global ? true : null,
  };
}
