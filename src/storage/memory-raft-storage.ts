// RaftStorage in memory: for unit tests and the simulator. A MemoryDisk outlives the storage
// object, so "reopen" after a simulated crash is a new MemoryRaftStorage on the same disk.
// Everything is copied in and out, as a real disk would.
import { ok, type Result } from "../lib/result.ts";
import { checkAppend } from "./append-rules.ts";
import { EMPTY_HARD_STATE } from "./hard-state.ts";
import type {
  LoadedRaftState,
  RaftStorage,
  StorageError,
  StorageWarning,
  StoredEntry,
  StoredHardState,
  StoredSnapshot,
} from "./raft-storage.ts";

export interface MemoryDisk {
  hardState: StoredHardState;
  snapshot: StoredSnapshot | null;
  entries: StoredEntry[];
}

export function emptyMemoryDisk(): MemoryDisk {
  return { hardState: { ...EMPTY_HARD_STATE }, snapshot: null, entries: [] };
}

const copyEntry = (e: StoredEntry): StoredEntry => ({ index: e.index, term: e.term, data: e.data.slice() });

export class MemoryRaftStorage implements RaftStorage {
  constructor(readonly disk: MemoryDisk = emptyMemoryDisk()) {}

  load(): LoadedRaftState {
    const s = this.disk.snapshot;
    return {
      hardState: { ...this.disk.hardState },
      snapshot: s ? { index: s.index, term: s.term, data: s.data.slice() } : null,
      entries: this.disk.entries.map(copyEntry),
    };
  }

  openWarnings(): readonly StorageWarning[] {
    return [];
  }

  saveHardState(hs: StoredHardState): Result<void, StorageError> {
    this.disk.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
    return ok(undefined);
  }

  private snapshotIndex(): number {
    return this.disk.snapshot?.index ?? 0;
  }

  private lastIndex(): number {
    return this.disk.entries.at(-1)?.index ?? this.snapshotIndex();
  }

  append(entries: readonly StoredEntry[]): Result<void, StorageError> {
    const check = checkAppend(entries, this.snapshotIndex(), this.lastIndex());
    if (!check.ok || entries.length === 0) return check;
    const head = (entries[0] as StoredEntry).index;
    this.disk.entries = this.disk.entries.filter((e) => e.index < head).concat(entries.map(copyEntry));
    return ok(undefined);
  }

  truncateSuffix(fromIndex: number): Result<void, StorageError> {
    this.disk.entries = this.disk.entries.filter((e) => e.index < fromIndex);
    return ok(undefined);
  }

  saveSnapshot(snap: StoredSnapshot): Result<void, StorageError> {
    const holds = this.disk.entries.some((e) => e.index === snap.index && e.term === snap.term);
    this.disk.snapshot = { index: snap.index, term: snap.term, data: snap.data.slice() };
    this.disk.entries = holds ? this.disk.entries.filter((e) => e.index > snap.index) : [];
    return ok(undefined);
  }

  close(): void {}
}
