// RaftStorage on disk, in one directory: `hard-state`, `raft.log`, `snapshot`.
// Order of writes on compaction: snapshot file first, then the rewritten log; a crash in between
// leaves log entries the snapshot already covers, which open() drops.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { checkAppend } from "./append-rules.ts";
import { ioError } from "./durable-file.ts";
import { readHardState, writeHardState } from "./hard-state.ts";
import { RaftLogFile } from "./raft-log-file.ts";
import type {
  LoadedRaftState,
  RaftStorage,
  StorageError,
  StorageWarning,
  StoredEntry,
  StoredHardState,
  StoredSnapshot,
} from "./raft-storage.ts";
import { readSnapshot, writeSnapshot } from "./snapshot-file.ts";

export const RAFT_LOG_FILE = "raft.log";

/** A log that doesn't continue right after the snapshot, or ends before the stored commit, has
 *  lost entries that were durable: starting on it (clamping commit) could let a new majority
 *  overwrite committed entries, so the open fails instead. */
function missingEntries(
  path: string,
  snapshotIndex: number,
  commit: number,
  log: RaftLogFile,
): StorageError | null {
  const firstIndex = log.firstIndex();
  const lastIndex = log.lastIndex() ?? snapshotIndex;
  if ((firstIndex === null || firstIndex === snapshotIndex + 1) && lastIndex >= commit) return null;
  return { code: "storage.log-missing-entries", path, snapshotIndex, commit, firstIndex, lastIndex };
}

export class FileRaftStorage implements RaftStorage {
  private constructor(
    readonly dir: string,
    private hardState: StoredHardState,
    private snapshot: StoredSnapshot | null,
    private readonly log: RaftLogFile,
    private readonly warnings: StorageWarning[],
  ) {}

  static open(dir: string): Result<FileRaftStorage, StorageError> {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      return err(ioError("mkdir", dir, e));
    }
    const hs = readHardState(dir);
    if (!hs.ok) return hs;
    const snap = readSnapshot(dir);
    if (!snap.ok) return snap;
    const opened = RaftLogFile.open(join(dir, RAFT_LOG_FILE));
    if (!opened.ok) return opened;
    const { log, warning } = opened.value;
    const storage = new FileRaftStorage(dir, hs.value, snap.value, log, warning ? [warning] : []);
    // A crash between writing the snapshot and rewriting the log leaves a covered prefix.
    const s = snap.value;
    const first = log.firstIndex();
    if (s !== null && first !== null && first <= s.index) {
      const compacted = storage.compactTo(s);
      if (!compacted.ok) {
        storage.close();
        return compacted;
      }
    }
    const missing = missingEntries(join(dir, RAFT_LOG_FILE), s?.index ?? 0, hs.value.commit, log);
    if (missing !== null) {
      storage.close();
      return err(missing);
    }
    return ok(storage);
  }

  load(): LoadedRaftState {
    const s = this.snapshot;
    return {
      hardState: { ...this.hardState },
      snapshot: s ? { index: s.index, term: s.term, data: s.data.slice() } : null,
      entries: this.log.all(),
    };
  }

  openWarnings(): readonly StorageWarning[] {
    return this.warnings;
  }

  saveHardState(hs: StoredHardState): Result<void, StorageError> {
    const r = writeHardState(this.dir, hs);
    if (r.ok) this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
    return r;
  }

  append(entries: readonly StoredEntry[]): Result<void, StorageError> {
    const snapshotIndex = this.snapshot?.index ?? 0;
    const check = checkAppend(entries, snapshotIndex, this.log.lastIndex() ?? snapshotIndex);
    if (!check.ok) return check;
    return this.log.append(entries);
  }

  truncateSuffix(fromIndex: number): Result<void, StorageError> {
    return this.log.truncateSuffix(fromIndex);
  }

  saveSnapshot(snap: StoredSnapshot): Result<void, StorageError> {
    const written = writeSnapshot(this.dir, snap);
    if (!written.ok) return written;
    this.snapshot = { index: snap.index, term: snap.term, data: snap.data.slice() };
    return this.compactTo(snap);
  }

  private compactTo(snap: StoredSnapshot): Result<void, StorageError> {
    const holds = this.log.termAt(snap.index) === snap.term;
    return this.log.rewrite(holds ? this.log.all().filter((e) => e.index > snap.index) : []);
  }

  close(): void {
    this.log.close();
  }
}
