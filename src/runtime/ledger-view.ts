// What GET /api/raft, the "raft" field of /api/state and `keel raft status` show: the node's
// raft status, every voter with its last contact and match index, quorum OK/LOST, and a summary
// of the ledger. Plain JSON data; ages come from this agent's monotonic clock.
import { RAFT_STATUS_RECOVERIES_SHOWN } from "../lib/limits.ts";
import type { LedgerState, Recovery } from "../raft/ledger.ts";
import type { RaftRole } from "../raft/messages.ts";
import type { RaftHost } from "./raft-host.ts";

export interface RaftMemberView {
  id: string;
  voter: boolean;
  witness: boolean;
  /** Known for this node and for the leader; null for the others. */
  role: RaftRole | null;
  /** Since this node last heard from the member over raft; 0 for itself, null if never. */
  lastContactAgeMs: number | null;
  /** The leader's replication progress for the member; null when this node doesn't lead. */
  matchIndex: number | null;
}

export interface LedgerSummary {
  index: number;
  primary: string | null;
  epoch: number;
  paused: LedgerState["paused"];
  downtimes: LedgerState["downtimes"];
  /** The most recent few, newest last. */
  recoveries: Recovery[];
  switchover: LedgerState["switchover"];
}

export interface RaftView {
  nodeId: string;
  term: number;
  leader: string | null;
  role: RaftRole;
  commitIndex: number;
  appliedIndex: number;
  members: RaftMemberView[];
  quorum: "OK" | "LOST";
  ledger: LedgerSummary;
  /** Set when the host stopped because its storage failed. */
  halted: string | null;
}

export type MemberKind = "agent" | "witness";

export function summarizeLedger(s: Readonly<LedgerState>): LedgerSummary {
  // A deep copy: the view is serialized later, the ledger keeps changing.
  const copy = JSON.parse(JSON.stringify(s)) as LedgerState;
  return {
    index: copy.index,
    primary: copy.primary,
    epoch: copy.epoch,
    paused: copy.paused,
    downtimes: copy.downtimes,
    recoveries: copy.recoveries.slice(-RAFT_STATUS_RECOVERIES_SHOWN),
    switchover: copy.switchover,
  };
}

/** A member counts as in contact if heard within the longest election timeout: past that a
 *  follower would already have started an election. */
function inContact(ageMs: number | null, windowMs: number): boolean {
  return ageMs !== null && ageMs < windowMs;
}

export function buildRaftView(
  host: RaftHost,
  nowMs: number,
  kindOf: (id: string) => MemberKind | null,
): RaftView {
  const st = host.status();
  const windowMs = host.config.electionTimeoutMaxMs;
  const members = host.config.voters.map((id): RaftMemberView => {
    const self = id === st.id;
    const heard = host.lastHeardAtMs(id);
    const lastContactAgeMs = self ? 0 : heard === null ? null : Math.max(0, Math.round(nowMs - heard));
    const progress = st.role === "leader" ? host.node.progressOf(id) : null;
    const matchIndex = self && st.role === "leader" ? st.lastIndex : (progress?.match ?? null);
    const role: RaftRole | null = self ? st.role : id === st.leader ? "leader" : null;
    return { id, voter: true, witness: kindOf(id) === "witness", role, lastContactAgeMs, matchIndex };
  });
  let quorum: RaftView["quorum"] = "LOST";
  if (st.role === "leader") {
    const reachable = members.filter((m) => inContact(m.lastContactAgeMs, windowMs)).length;
    quorum = reachable * 2 > members.length ? "OK" : "LOST";
  } else if (st.leader !== null) {
    const leader = members.find((m) => m.id === st.leader);
    quorum = leader !== undefined && inContact(leader.lastContactAgeMs, windowMs) ? "OK" : "LOST";
  }
  return {
    nodeId: st.id,
    term: st.term,
    leader: st.leader,
    role: st.role,
    commitIndex: st.commit,
    appliedIndex: st.applied,
    members,
    quorum,
    ledger: summarizeLedger(host.ledgerState),
    halted: host.halted?.code ?? null,
  };
}
