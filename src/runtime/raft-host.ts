// The imperative shell around one RaftNode: it owns the node, its durable storage and the
// cluster Ledger the committed entries build. Every tick, message or proposal is followed by a
// drain of the node's Ready in the one safe order: persist (snapshot, entries, hard state, each
// fsynced) → send → apply → advance. A message never leaves before the state it depends on is
// on disk; if the disk refuses a write the host halts rather than run ahead of its storage.
import { RAFT_COMPACT_EVERY_ENTRIES } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Rng } from "../lib/rng.ts";
import { decodeRaftMessage, encodeRaftMessage } from "../raft/codec.ts";
import type { RaftConfig } from "../raft/config.ts";
import { Ledger, type LedgerOutcome, type LedgerRejection, type LedgerState } from "../raft/ledger.ts";
import { encodeLedgerCommand, type LedgerCommand } from "../raft/ledger-commands.ts";
import type { Entry, RaftEvent, RaftMessage, Ready } from "../raft/messages.ts";
import { type ProposeError, RaftNode, type RaftStatus } from "../raft/raft-node.ts";
import type { LoadedRaftState, RaftStorage, StorageError, StorageWarning } from "../storage/raft-storage.ts";

export type RaftHostError = StorageError | { code: "ledger.snapshot-malformed" };

/** What the host reports for logs, metrics and the console's event log. */
export type RaftHostEvent =
  | { type: "became-leader"; term: number }
  | { type: "lost-leadership"; term: number; reason: "check-quorum" | "higher-term" }
  | { type: "leader-changed"; term: number; leader: string | null }
  | { type: "ledger-applied"; index: number; command: LedgerOutcome["applied"] }
  | { type: "ledger-rejected"; index: number; rejection: LedgerRejection }
  | { type: "snapshot-restored"; index: number }
  | { type: "compacted"; index: number }
  | { type: "storage-warning"; warning: StorageWarning }
  | { type: "message-dropped"; from: string; reason: string }
  | { type: "halted"; error: RaftHostError };

/** One committed entry as the ledger took it (rejections are outcomes, identical everywhere). */
export interface AppliedEntry {
  index: number;
  term: number;
  result: Result<LedgerOutcome, LedgerRejection>;
}

export type HostProposeError = ProposeError | { code: "raft.host-halted"; detail: string };

export interface RaftHostDeps {
  /** Sends a raft message (already plain data) to a voter over channel "r". */
  send(toNodeId: string, msg: unknown): void;
  rng: Rng;
  onEvent?(e: RaftHostEvent): void;
  /** Applied entries kept in the log before compaction; 0 never compacts. */
  compactEveryEntries?: number;
}

export interface RaftHostInit {
  config: Readonly<RaftConfig>;
  storage: RaftStorage;
  nowMs: number;
  deps: RaftHostDeps;
}

/**
 * One stretch of unbroken contact with a leader. A heartbeat's commit is capped at what the
 * leader believes this follower holds, so only an append tells the leader's real commit: the
 * highest one announced in this stretch must be applied here before the ledger counts as current.
 */
interface LeaderContact {
  leader: string;
  term: number;
  sinceMs: number;
  announcedCommit: number;
  /** The latest append did not match this log (or a snapshot is still arriving): they differ. */
  lastAppendRejected: boolean;
}

export class RaftHost {
  readonly node: RaftNode;
  readonly config: Readonly<RaftConfig>;
  private ledger: Ledger;
  private readonly storage: RaftStorage;
  private readonly deps: RaftHostDeps;
  private readonly compactEvery: number;
  private readonly appliedListeners = new Set<(a: AppliedEntry) => void>();
  /** Monotonic ms of the last valid raft message from each peer. */
  private readonly heardAtMs = new Map<string, number>();
  private knownLeader: string | null = null;
  private haltedBy: RaftHostError | null = null;
  /** Term of the last entry applied to the ledger (0 before any). */
  private appliedTerm = 0;
  /** The current stretch of unbroken contact with the leader, as ledgerCurrent() judges it. */
  private contact: LeaderContact | null = null;

  private constructor(init: RaftHostInit, loaded: LoadedRaftState, ledger: Ledger) {
    this.config = init.config;
    this.storage = init.storage;
    this.deps = init.deps;
    this.ledger = ledger;
    this.compactEvery = init.deps.compactEveryEntries ?? RAFT_COMPACT_EVERY_ENTRIES;
    this.node = new RaftNode({ config: init.config, rng: init.deps.rng, nowMs: init.nowMs, ...loaded });
  }

  /** Builds the host from what storage holds: the ledger restarts from the stored snapshot and
   *  the node re-applies the committed entries after it. */
  static create(init: RaftHostInit): Result<RaftHost, RaftHostError> {
    const loaded = init.storage.load();
    let ledger = new Ledger();
    if (loaded.snapshot !== null) {
      const restored = Ledger.restore(loaded.snapshot.data);
      if (!restored.ok) return restored;
      ledger = restored.value;
    }
    const host = new RaftHost(init, loaded, ledger);
    for (const warning of init.storage.openWarnings()) host.emit({ type: "storage-warning", warning });
    return ok(host);
  }

  get halted(): RaftHostError | null {
    return this.haltedBy;
  }

  get ledgerState(): Readonly<LedgerState> {
    return this.ledger.state;
  }

  status(): RaftStatus {
    return this.node.status();
  }

  /**
   * The term this node leads in, once its ledger holds everything committed before that term;
   * null otherwise. A new leader learns the commit point only when its term's first entry (the
   * no-op) applies: until then its ledger may lag what the last leader recorded, and acting on
   * it would redo or contradict recorded decisions.
   */
  leaderTerm(): number | null {
    const st = this.node.status();
    if (this.haltedBy !== null || st.role !== "leader") return null;
    return this.appliedTerm === st.term ? st.term : null;
  }

  /** Monotonic ms this host last heard from `peer`, or null if never. */
  lastHeardAtMs(peer: string): number | null {
    return this.heardAtMs.get(peer) ?? null;
  }

  onApplied(listener: (a: AppliedEntry) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  tick(nowMs: number): void {
    if (this.haltedBy) return;
    this.node.tick(nowMs);
    this.drain();
  }

  /** Channel "r" handler: `from` is the authenticated envelope sender. */
  onMessage(from: string, raw: unknown, nowMs: number): void {
    if (this.haltedBy) return;
    const decoded = decodeRaftMessage(raw);
    if (!decoded.ok) {
      this.emit({ type: "message-dropped", from, reason: decoded.error.code });
      return;
    }
    // A peer may only speak for itself: the envelope authenticated the sender, not the body.
    if (decoded.value.from !== from) {
      this.emit({ type: "message-dropped", from, reason: "sender-mismatch" });
      return;
    }
    const previouslyHeardMs = this.heardAtMs.get(from) ?? null;
    if (this.config.voters.includes(from)) this.heardAtMs.set(from, nowMs);
    this.node.step(decoded.value, nowMs);
    this.drain();
    this.noteLeaderContact(decoded.value, previouslyHeardMs, nowMs);
  }

  /**
   * Whether this node's ledger provably holds what the leader of its current term has committed,
   * so that acting on it cannot redo or contradict a newer decision: it leads and has applied its
   * own term's no-op, or it follows a leader heard from within the election timeout, has applied
   * an entry of that leader's term, has applied everything the leader announced in an append
   * during the current stretch of contact, and that stretch has lasted long enough
   * (electionTimeoutMinMs, several heartbeat rounds) for the leader to have sent any entries
   * this node missed while cut off. Cheap: no I/O.
   */
  ledgerCurrent(nowMs: number): boolean {
    if (this.haltedBy !== null) return false;
    const st = this.node.status();
    if (st.role === "leader") return this.leaderTerm() !== null;
    if (st.role !== "follower" || st.leader === null) return false;
    if (this.appliedTerm !== st.term || st.applied !== st.commit) return false;
    const c = this.contact;
    if (c === null || c.leader !== st.leader || c.term !== st.term) return false;
    const heardMs = this.heardAtMs.get(st.leader);
    if (heardMs === undefined || nowMs - heardMs >= this.config.electionTimeoutMaxMs) return false;
    return (
      !c.lastAppendRejected &&
      st.commit >= c.announcedCommit &&
      nowMs - c.sinceMs >= this.config.electionTimeoutMinMs
    );
  }

  private noteLeaderContact(m: RaftMessage, previouslyHeardMs: number | null, nowMs: number): void {
    if (m.type !== "append" && m.type !== "heartbeat" && m.type !== "snapshot") return;
    const st = this.node.status();
    if (st.role !== "follower" || st.leader !== m.from || st.term !== m.term) return;
    // Silence longer than two heartbeats: appends may have been lost meanwhile, start over.
    const gap = previouslyHeardMs === null || nowMs - previouslyHeardMs > 2 * this.config.heartbeatIntervalMs;
    let c = this.contact;
    if (c === null || c.leader !== m.from || c.term !== m.term || gap) {
      c = { leader: m.from, term: m.term, sinceMs: nowMs, announcedCommit: 0, lastAppendRejected: false };
      this.contact = c;
    }
    if (m.type === "append") {
      c.announcedCommit = Math.max(c.announcedCommit, m.commit);
      // Logs that hold the same term at an index agree up to it (Raft's log matching), and
      // committed entries always match.
      const end = m.prevIndex + m.entries.length;
      const lastTerm = m.entries.at(-1)?.term ?? m.prevTerm;
      c.lastAppendRejected = end > st.commit && this.node.log.term(end) !== lastTerm;
    } else if (m.type === "snapshot") {
      c.announcedCommit = Math.max(c.announcedCommit, m.index);
      c.lastAppendRejected = st.commit < m.index;
    } else {
      c.announcedCommit = Math.max(c.announcedCommit, m.leaderCommit);
    }
  }

  /** Appends a command on this node if it leads; the entry is durable and sent when this returns.
   *  `appended` runs before the drain: on a single voter the entry commits and applies inside
   *  it, so a caller waiting for the apply must be listening by then. */
  propose(
    cmd: LedgerCommand,
    appended?: (at: { index: number; term: number }) => void,
  ): Result<{ index: number; term: number }, HostProposeError> {
    if (this.haltedBy) return err({ code: "raft.host-halted", detail: this.haltedBy.code });
    const r = this.node.propose(encodeLedgerCommand(cmd));
    if (r.ok) appended?.(r.value);
    this.drain();
    return r;
  }

  /** Runs the node's Ready until nothing is pending. */
  drain(): void {
    while (this.haltedBy === null && this.node.hasReady()) {
      const rd = this.node.ready();
      const persisted = this.persist(rd);
      if (!persisted.ok) {
        this.halt(persisted.error);
        return;
      }
      for (const m of rd.messages) this.deps.send(m.to, encodeRaftMessage(m));
      this.applyCommitted(rd.committed);
      this.node.advance();
      this.report(rd.events);
      this.maybeCompact();
    }
  }

  private persist(rd: Ready): Result<void, RaftHostError> {
    if (rd.snapshot) {
      // Validate before persisting: a snapshot the ledger can't read must not replace the log on
      // disk, or every restart would fail on it too. The host halts with its disk untouched.
      const restored = Ledger.restore(rd.snapshot.data);
      if (!restored.ok) return restored;
      const saved = this.storage.saveSnapshot(rd.snapshot);
      if (!saved.ok) return saved;
      this.ledger = restored.value;
      this.appliedTerm = rd.snapshot.term;
      this.emit({ type: "snapshot-restored", index: rd.snapshot.index });
    }
    if (rd.entries.length > 0) {
      const appended = this.storage.append(rd.entries);
      if (!appended.ok) return appended;
    }
    if (rd.hardState) {
      const saved = this.storage.saveHardState(rd.hardState);
      if (!saved.ok) return saved;
    }
    return ok(undefined);
  }

  private applyCommitted(committed: readonly Entry[]): void {
    for (const entry of committed) {
      this.appliedTerm = entry.term;
      const result = this.ledger.apply(entry);
      if (!result.ok) this.emit({ type: "ledger-rejected", index: entry.index, rejection: result.error });
      else if (result.value.applied !== "no-op")
        this.emit({ type: "ledger-applied", index: entry.index, command: result.value.applied });
      const applied: AppliedEntry = { index: entry.index, term: entry.term, result };
      for (const listener of this.appliedListeners) listener(applied);
    }
  }

  private report(events: readonly RaftEvent[]): void {
    for (const e of events) {
      if (e.type === "role-changed" && e.role === "leader")
        this.emit({ type: "became-leader", term: e.term });
      else if (e.type === "stepped-down")
        this.emit({ type: "lost-leadership", term: e.term, reason: e.reason });
    }
    const { leader, term } = this.node.status();
    if (leader !== this.knownLeader) {
      this.knownLeader = leader;
      this.contact = null;
      this.emit({ type: "leader-changed", term, leader });
    }
  }

  private maybeCompact(): void {
    if (this.compactEvery <= 0) return;
    const applied = this.ledger.state.index;
    if (applied - (this.node.log.firstIndex() - 1) < this.compactEvery) return;
    const snap = this.node.compact(applied, this.ledger.snapshot());
    if (!snap.ok) return; // nothing new to compact; the next apply tries again
    const saved = this.storage.saveSnapshot(snap.value);
    if (!saved.ok) {
      this.halt(saved.error);
      return;
    }
    this.emit({ type: "compacted", index: applied });
  }

  private halt(error: RaftHostError): void {
    this.haltedBy = error;
    this.emit({ type: "halted", error });
  }

  private emit(e: RaftHostEvent): void {
    this.deps.onEvent?.(e);
  }

  /** Writes the commit index on a clean stop (best effort; it is only ever written with term and
   *  vote while running), so a normal restart re-applies the whole ledger at once instead of
   *  waiting to relearn the commit from the leader. */
  close(): void {
    const st = this.node.status();
    if (this.haltedBy === null && !this.node.hasReady() && st.commit > this.storage.load().hardState.commit)
      this.storage.saveHardState({ term: st.term, vote: st.vote, commit: st.commit });
    this.storage.close();
  }
}
