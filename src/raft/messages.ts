// The Raft vocabulary: log entries, durable state, and the messages voters exchange.
// Every message carries sender, recipient and the sender's term; unions on `type`.

/** One log entry. An empty `data` is the leader's no-op (appended on election); state machines skip it. */
export interface Entry {
  index: number;
  term: number;
  data: Uint8Array;
}

/** What must be on disk before any message that depends on it leaves the node. */
export interface HardState {
  term: number;
  /** Who this node voted for in `term`; null if nobody. */
  vote: string | null;
  commit: number;
}

/** A state-machine snapshot covering the log up to and including `index`. */
export interface Snapshot {
  index: number;
  term: number;
  data: Uint8Array;
}

interface Envelope {
  from: string;
  to: string;
  term: number;
}

/** Pre-vote (thesis 9.6) asks "would you vote for me at `term`?" without anyone changing term. */
export interface VoteRequest extends Envelope {
  type: "vote";
  preVote: boolean;
  lastIndex: number;
  lastTerm: number;
}

export interface VoteResponse extends Envelope {
  type: "vote-response";
  preVote: boolean;
  granted: boolean;
}

export interface AppendRequest extends Envelope {
  type: "append";
  prevIndex: number;
  prevTerm: number;
  entries: Entry[];
  commit: number;
}

/**
 * A rejection carries a hint so the leader can skip a whole conflicting term at once:
 * the follower's last index at or below `rejectedIndex` whose term is <= the leader's prevTerm.
 */
export interface AppendResponse extends Envelope {
  type: "append-response";
  success: boolean;
  /** On success, the highest index now known to match; on rejection, the prevIndex that failed. */
  index: number;
  hintIndex: number;
  hintTerm: number;
}

/** Heartbeats carry no entries; commit is capped at what the follower is known to hold. */
export interface Heartbeat extends Envelope {
  type: "heartbeat";
  commit: number;
  /**
   * The leader's own commit index, not capped: a follower whose ledger has committed this far
   * provably holds everything the leader had committed when it sent this (RaftHost.ledgerCurrent),
   * which the capped commit cannot tell while appends to it are being lost.
   */
  leaderCommit: number;
}

export interface HeartbeatResponse extends Envelope {
  type: "heartbeat-response";
}

/** One chunk of a snapshot; chunks are sent one at a time, each acknowledged. */
export interface SnapshotChunk extends Envelope {
  type: "snapshot";
  index: number;
  snapshotTerm: number;
  offset: number;
  totalBytes: number;
  chunk: Uint8Array;
}

export interface SnapshotResponse extends Envelope {
  type: "snapshot-response";
  index: number;
  /** Bytes the follower holds so far; equals totalBytes once it has taken the whole snapshot. */
  receivedBytes: number;
}

export type RaftMessage =
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | Heartbeat
  | HeartbeatResponse
  | SnapshotChunk
  | SnapshotResponse;

export type RaftRole = "follower" | "pre-candidate" | "candidate" | "leader";

/** What happened inside the node, for logs, metrics and narrated scenarios. */
export type RaftEvent =
  | { type: "role-changed"; role: RaftRole; term: number; leader: string | null }
  | { type: "leader-changed"; term: number; leader: string | null }
  | { type: "stepped-down"; term: number; reason: "check-quorum" | "higher-term" }
  | { type: "snapshot-restored"; index: number; term: number };

/** Work the shell must do, in order: persist the snapshot, then entries, then hardState (each
 *  fsynced), then send messages, then apply committed entries, then call advance(). */
export interface Ready {
  hardState?: HardState;
  /** Entries to append durably; any stored entries at or after entries[0].index are replaced. */
  entries: Entry[];
  /** A snapshot received from the leader: persist it and restore the state machine from it. */
  snapshot?: Snapshot;
  messages: RaftMessage[];
  /** Committed entries to apply, in index order, after any snapshot. */
  committed: Entry[];
  events: RaftEvent[];
}
