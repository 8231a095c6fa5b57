// One Raft voter as a pure state machine (Ongaro & Ousterhout; pre-vote and check-quorum from
// Ongaro's thesis, 9.6). The shell calls tick/step/propose, then ready() for the work to do:
// persist hardState+entries with fsync, send messages, apply committed entries, advance().
// Time is the `nowMs` argument; randomness is the injected Rng. Nothing here blocks or waits.
import { RAFT_ENTRY_DATA_BYTES_MAX, RAFT_UNCOMMITTED_ENTRIES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Rng } from "../lib/rng.ts";
import type { RaftConfig } from "./config.ts";
import { Leadership } from "./leader.ts";
import { RaftLog } from "./log.ts";
import type {
  AppendRequest,
  Entry,
  HardState,
  Heartbeat,
  RaftEvent,
  RaftMessage,
  RaftRole,
  Ready,
  Snapshot,
  SnapshotChunk,
  VoteRequest,
  VoteResponse,
} from "./messages.ts";
import { isQuorum, voteOutcome } from "./quorum.ts";
import { answerAppend, answerSnapshotChunk } from "./follower.ts";
import { ReadyTracker } from "./ready-tracker.ts";
import { SnapshotReceiver } from "./snapshot-receiver.ts";

export type ProposeError =
  | { code: "raft.not-leader"; leader: string | null; term: number }
  | { code: "raft.entry-too-large"; bytes: number; maxBytes: number }
  | { code: "raft.proposal-backlog"; uncommitted: number; max: number };

export type CompactError = {
  code: "raft.compact-invalid";
  index: number;
  applied: number;
  snapshotIndex: number;
};

export interface RaftNodeInit {
  config: Readonly<RaftConfig>;
  rng: Rng;
  nowMs: number;
  /** What storage returned on start; all empty for a brand-new node. */
  hardState?: HardState;
  snapshot?: Snapshot | null;
  entries?: readonly Entry[];
}

export interface RaftStatus {
  id: string;
  role: RaftRole;
  term: number;
  vote: string | null;
  leader: string | null;
  commit: number;
  applied: number;
  firstIndex: number;
  lastIndex: number;
  lastTerm: number;
}

export class RaftNode {
  readonly id: string;
  readonly log: RaftLog;
  private readonly cfg: Readonly<RaftConfig>;
  private readonly rng: Rng;
  private term: number;
  private vote: string | null;
  private role: RaftRole = "follower";
  private leader: string | null = null;
  private leadership: Leadership | null = null;
  private votes = new Map<string, boolean>();
  private electionDeadlineMs = 0;
  private heartbeatDueMs = 0;
  private quorumCheckDueMs = 0;
  private leaderContactMs: number | null = null;
  private readonly receiver = new SnapshotReceiver();
  private outbox: RaftMessage[] = [];
  private events: RaftEvent[] = [];
  private readonly tracker: ReadyTracker;

  constructor(init: RaftNodeInit) {
    this.cfg = init.config;
    this.id = init.config.id;
    this.rng = init.rng;
    const hs = init.hardState ?? { term: 0, vote: null, commit: 0 };
    this.log = new RaftLog(init.snapshot ?? null, init.entries ?? [], hs.commit);
    // The shell writes entries before hard state, so a crash between them can leave entries of
    // a newer term. The node never voted in that term (its vote would be on disk), so it simply
    // resumes in it.
    this.term = Math.max(hs.term, this.log.lastTerm());
    this.vote = this.term === hs.term ? hs.vote : null;
    this.tracker = new ReadyTracker(this.log, { term: hs.term, vote: hs.vote, commit: this.log.committed });
    this.resetElectionTimer(init.nowMs);
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leader: this.leader,
      commit: this.log.committed,
      applied: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      lastTerm: this.log.lastTerm(),
    };
  }

  /** Per-follower replication state, for status views (leader only). */
  progressOf(voter: string): { match: number; next: number; state: string } | null {
    const pr = this.leadership?.progress.get(voter);
    return pr ? { match: pr.match, next: pr.next, state: pr.state } : null;
  }

  tick(nowMs: number): void {
    if (this.role === "leader") {
      this.tickLeader(nowMs);
      return;
    }
    if (nowMs >= this.electionDeadlineMs) this.campaign(nowMs);
  }

  private tickLeader(nowMs: number): void {
    const lead = this.leadership as Leadership;
    if (nowMs >= this.quorumCheckDueMs) {
      this.quorumCheckDueMs = nowMs + this.cfg.electionTimeoutMinMs;
      if (!isQuorum(this.cfg.voters, lead.takeRecentlyActive())) {
        this.events.push({ type: "stepped-down", term: this.term, reason: "check-quorum" });
        this.becomeFollower(this.term, null, nowMs);
        return;
      }
    }
    if (nowMs >= this.heartbeatDueMs) {
      this.heartbeatDueMs = nowMs + this.cfg.heartbeatIntervalMs;
      lead.broadcastHeartbeat();
    }
  }

  /** Starts an election now (pre-vote first), as if the election timeout had elapsed. */
  campaign(nowMs: number): void {
    if (this.role === "leader") return;
    this.setRole("pre-candidate", null);
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer(nowMs);
    if (voteOutcome(this.cfg.voters, this.votes) === "won") {
      this.becomeCandidate(nowMs);
      return;
    }
    this.requestVotes(true, this.term + 1);
  }

  private becomeCandidate(nowMs: number): void {
    this.term += 1;
    this.vote = this.id;
    this.setRole("candidate", null);
    this.votes = new Map([[this.id, true]]);
    this.resetElectionTimer(nowMs);
    if (voteOutcome(this.cfg.voters, this.votes) === "won") {
      this.becomeLeader(nowMs);
      return;
    }
    this.requestVotes(false, this.term);
  }

  private requestVotes(preVote: boolean, term: number): void {
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const to of this.cfg.voters) {
      if (to !== this.id)
        this.outbox.push({ type: "vote", from: this.id, to, term, preVote, lastIndex, lastTerm });
    }
  }

  private becomeLeader(nowMs: number): void {
    this.setRole("leader", this.id);
    const lead = new Leadership(this.id, this.term, this.cfg.voters, this.log, (m) => this.outbox.push(m));
    this.leadership = lead;
    // A no-op in the new term lets earlier-term entries commit (Raft 5.4.2).
    lead.appendOwn([{ index: this.log.lastIndex() + 1, term: this.term, data: new Uint8Array(0) }]);
    lead.maybeCommit();
    lead.broadcastAppend("empty-ok");
    this.heartbeatDueMs = nowMs + this.cfg.heartbeatIntervalMs;
    this.quorumCheckDueMs = nowMs + this.cfg.electionTimeoutMinMs;
  }

  private becomeFollower(term: number, leader: string | null, nowMs: number): void {
    if (term > this.term) {
      this.term = term;
      this.vote = null;
    }
    this.setRole("follower", leader);
    this.resetElectionTimer(nowMs);
  }

  private setRole(role: RaftRole, leader: string | null): void {
    const roleChanged = role !== this.role;
    const leaderChanged = leader !== this.leader;
    this.role = role;
    this.leader = leader;
    if (role !== "leader") this.leadership = null;
    if (roleChanged) this.events.push({ type: "role-changed", role, term: this.term, leader });
    else if (leaderChanged) this.events.push({ type: "leader-changed", term: this.term, leader });
  }

  private resetElectionTimer(nowMs: number): void {
    const spanMs = this.cfg.electionTimeoutMaxMs - this.cfg.electionTimeoutMinMs;
    this.electionDeadlineMs = nowMs + this.cfg.electionTimeoutMinMs + this.rng.int(spanMs);
  }

  /** Within a leader's lease, this node refuses to help depose it (thesis 9.6, check-quorum). */
  private inLease(nowMs: number): boolean {
    if (this.role === "leader") return true;
    return (
      this.leader !== null &&
      this.leaderContactMs !== null &&
      nowMs - this.leaderContactMs < this.cfg.electionTimeoutMinMs
    );
  }

  step(m: RaftMessage, nowMs: number): void {
    if (m.to !== this.id || !this.cfg.voters.includes(m.from) || m.from === this.id) return;
    if (m.term > this.term) {
      if (m.type === "vote") {
        if (this.inLease(nowMs)) return;
        if (!m.preVote) this.stepDownTo(m.term, null, nowMs);
      } else if (m.type === "vote-response" && m.preVote && m.granted) {
        // A granted pre-vote carries the term we would campaign in; ours doesn't change yet.
      } else {
        const fromLeader = m.type === "append" || m.type === "heartbeat" || m.type === "snapshot";
        this.stepDownTo(m.term, fromLeader ? m.from : null, nowMs);
      }
    } else if (m.term < this.term) {
      this.answerStale(m);
      return;
    }
    this.dispatch(m, nowMs);
  }

  private stepDownTo(term: number, leader: string | null, nowMs: number): void {
    if (this.role === "leader")
      this.events.push({ type: "stepped-down", term: this.term, reason: "higher-term" });
    this.becomeFollower(term, leader, nowMs);
  }

  /** A stale leader or candidate learns our term from the reply and steps down. */
  private answerStale(m: RaftMessage): void {
    const base = { from: this.id, to: m.from, term: this.term };
    if (m.type === "append" || m.type === "heartbeat" || m.type === "snapshot") {
      this.outbox.push({ ...base, type: "heartbeat-response" });
    } else if (m.type === "vote") {
      this.outbox.push({ ...base, type: "vote-response", preVote: m.preVote, granted: false });
    }
  }

  private dispatch(m: RaftMessage, nowMs: number): void {
    switch (m.type) {
      case "vote":
        this.onVote(m, nowMs);
        break;
      case "vote-response":
        this.onVoteResponse(m, nowMs);
        break;
      case "append":
      case "heartbeat":
      case "snapshot":
        this.fromLeader(m, nowMs);
        break;
      case "append-response":
        if (this.leadership?.onAppendResponse(m)) this.heartbeatDueMs = nowMs + this.cfg.heartbeatIntervalMs;
        break;
      case "heartbeat-response":
        this.leadership?.onHeartbeatResponse(m.from);
        break;
      case "snapshot-response":
        this.leadership?.onSnapshotResponse(m);
        break;
    }
  }

  private fromLeader(m: AppendRequest | Heartbeat | SnapshotChunk, nowMs: number): void {
    if (this.role === "leader") return; // a second leader in our term can't exist; ignore
    if (this.role !== "follower" || this.leader !== m.from) this.becomeFollower(m.term, m.from, nowMs);
    this.leaderContactMs = nowMs;
    this.resetElectionTimer(nowMs);
    if (m.type === "append") this.onAppend(m);
    else if (m.type === "heartbeat") this.onHeartbeat(m);
    else this.onSnapshotChunk(m);
  }

  private onVote(m: VoteRequest, nowMs: number): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.preVote && m.term > this.term);
    const granted = canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm);
    const term = granted ? m.term : this.term;
    this.outbox.push({ type: "vote-response", from: this.id, to: m.from, term, preVote: m.preVote, granted });
    if (granted && !m.preVote) {
      this.vote = m.from;
      this.resetElectionTimer(nowMs);
    }
  }

  private onVoteResponse(m: VoteResponse, nowMs: number): void {
    const waiting = m.preVote ? this.role === "pre-candidate" : this.role === "candidate";
    if (!waiting) return;
    // A late grant from an earlier pre-vote round must not count toward this one.
    if (m.preVote && m.granted && m.term !== this.term + 1) return;
    this.votes.set(m.from, m.granted);
    const outcome = voteOutcome(this.cfg.voters, this.votes);
    if (outcome === "won") {
      if (m.preVote) this.becomeCandidate(nowMs);
      else this.becomeLeader(nowMs);
    } else if (outcome === "lost") {
      this.becomeFollower(this.term, null, nowMs);
    }
  }

  private onAppend(m: AppendRequest): void {
    this.outbox.push(answerAppend(this.log, m, this.term));
  }

  private onHeartbeat(m: Heartbeat): void {
    this.log.commitTo(m.commit);
    this.outbox.push({ type: "heartbeat-response", from: this.id, to: m.from, term: this.term });
  }

  private onSnapshotChunk(m: SnapshotChunk): void {
    const { reply, restored } = answerSnapshotChunk(this.log, this.receiver, m, this.term);
    if (restored) this.events.push({ type: "snapshot-restored", index: restored.index, term: restored.term });
    this.outbox.push(reply);
  }

  propose(data: Uint8Array): Result<{ index: number; term: number }, ProposeError> {
    if (this.role !== "leader" || this.leadership === null)
      return err({ code: "raft.not-leader", leader: this.leader, term: this.term });
    if (data.length > RAFT_ENTRY_DATA_BYTES_MAX)
      return err({ code: "raft.entry-too-large", bytes: data.length, maxBytes: RAFT_ENTRY_DATA_BYTES_MAX });
    const uncommitted = this.log.lastIndex() - this.log.committed;
    if (uncommitted >= RAFT_UNCOMMITTED_ENTRIES_MAX)
      return err({ code: "raft.proposal-backlog", uncommitted, max: RAFT_UNCOMMITTED_ENTRIES_MAX });
    const entry = { index: this.log.lastIndex() + 1, term: this.term, data };
    this.leadership.appendOwn([entry]);
    if (!this.leadership.maybeCommit()) this.leadership.broadcastAppend("new");
    return ok({ index: entry.index, term: entry.term });
  }

  /** Replaces the applied log prefix up to `index` with the state machine's snapshot `data`.
   *  The shell persists the returned snapshot (which compacts the stored log). */
  compact(index: number, data: Uint8Array): Result<Snapshot, CompactError> {
    const snap = this.log.compact(index, data);
    if (snap === null) {
      const snapshotIndex = this.log.firstIndex() - 1;
      return err({ code: "raft.compact-invalid", index, applied: this.log.applied, snapshotIndex });
    }
    return ok(snap);
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  hasReady(): boolean {
    return this.tracker.pending(this.hardState(), this.outbox.length, this.events.length);
  }

  /** The work accumulated since the last advance(). Call advance() once it is done, before the
   *  next tick/step/propose. */
  ready(): Ready {
    const rd = this.tracker.take(this.hardState(), this.outbox, this.events);
    this.outbox = [];
    this.events = [];
    return rd;
  }

  advance(): void {
    this.tracker.advance();
  }
}
