// The port Raft's durable state goes through (house rule 3): a file implementation for agents,
// a memory one for tests and the simulator, and one contract suite for both
// (test/contract/raft-storage.contract.ts). Shapes mirror src/raft/messages.ts structurally;
// storage is an edge and doesn't import the core.
import type { Result } from "../lib/result.ts";

export interface StoredEntry {
  index: number;
  term: number;
  data: Uint8Array;
}

export interface StoredHardState {
  term: number;
  vote: string | null;
  commit: number;
}

export interface StoredSnapshot {
  index: number;
  term: number;
  data: Uint8Array;
}

export interface LoadedRaftState {
  hardState: StoredHardState;
  snapshot: StoredSnapshot | null;
  /** Contiguous entries after the snapshot. */
  entries: StoredEntry[];
}

export type StorageError =
  | { code: "storage.io-failed"; op: string; path: string; detail: string }
  | { code: "storage.hard-state-corrupt"; path: string; detail: string }
  | { code: "storage.snapshot-corrupt"; path: string; detail: string }
  | { code: "storage.incarnation-corrupt"; path: string; detail: string }
  | { code: "storage.append-gap"; expectedIndex: number; gotIndex: number }
  | { code: "storage.entry-too-large"; index: number; bytes: number; maxBytes: number }
  /** Damage inside the log, not at its tail: intact records follow it, so it is not a torn write. */
  | { code: "storage.log-corrupt"; path: string; offset: number; reason: LogDamageReason; intactAt: number }
  /** The log doesn't hold what the snapshot and hard state say must be there. */
  | {
      code: "storage.log-missing-entries";
      path: string;
      snapshotIndex: number;
      commit: number;
      firstIndex: number | null;
      lastIndex: number;
    };

/** Why a record can't be trusted. Only the first four can be a torn tail (a crash mid-append). */
export type LogDamageReason = "short-header" | "short-body" | "bad-crc" | "bad-record" | "out-of-order";

/** Not an error: the shell logs it and carries on with the intact prefix. */
export type StorageWarning = {
  code: "storage.log-tail-truncated";
  path: string;
  keptBytes: number;
  droppedBytes: number;
  reason: Exclude<LogDamageReason, "out-of-order">;
};

export interface RaftStorage {
  /** Everything durable, as of the last successful call. */
  load(): LoadedRaftState;
  /** Torn tails found (and cut) when the storage was opened. Damage anywhere else, or a log
   *  missing committed entries, fails the open instead. */
  openWarnings(): readonly StorageWarning[];
  /** Durable when it returns ok (written, fsynced, atomically replaced). */
  saveHardState(hs: StoredHardState): Result<void, StorageError>;
  /** Appends contiguous entries; stored entries at or after entries[0].index are replaced first.
   *  Durable when it returns ok. */
  append(entries: readonly StoredEntry[]): Result<void, StorageError>;
  /** Drops every entry at or after `fromIndex`. */
  truncateSuffix(fromIndex: number): Result<void, StorageError>;
  /** Stores a snapshot and drops the log prefix it covers. Entries after it are kept only if the
   *  log holds the snapshot's own (index, term); otherwise the whole log is dropped. */
  saveSnapshot(snap: StoredSnapshot): Result<void, StorageError>;
  close(): void;
}
