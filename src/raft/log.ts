// The node's view of its log: a snapshot covering a compacted prefix, then entries in memory.
// `unstableFrom` splits the entries the shell has already made durable from those it hasn't,
// so ready() hands out exactly the part that still needs an fsync.
import type { Entry, Snapshot } from "./messages.ts";

export class RaftLog {
  private entries: Entry[];
  private snapshotIndex: number;
  private snapshotTerm: number;
  /** The newest snapshot, kept to send to followers behind the compacted prefix. */
  snapshot: Snapshot | null;
  /** A snapshot taken from the leader that the shell hasn't persisted yet. */
  pendingSnapshot: Snapshot | null = null;
  committed: number;
  applied: number;
  /** First index not yet handed to the shell for persistence. */
  unstableFrom: number;

  constructor(snapshot: Snapshot | null, stored: readonly Entry[], commit: number) {
    this.snapshot = snapshot;
    this.snapshotIndex = snapshot?.index ?? 0;
    this.snapshotTerm = snapshot?.term ?? 0;
    // Stored entries the snapshot already covers (a crash between snapshot and log rewrite) are dropped.
    this.entries = stored.filter((e) => e.index > this.snapshotIndex);
    this.unstableFrom = this.lastIndex() + 1;
    // The stored commit may lag (it is written only along with term and vote) and is relearned
    // from the leader. It can't lead the log: file storage refuses to open a log that ends before
    // it (storage.log-missing-entries), so the clamp only guards hand-built state.
    this.committed = Math.min(Math.max(commit, this.snapshotIndex), this.lastIndex());
    this.applied = this.snapshotIndex;
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term of the entry at `index`; undefined when compacted away or beyond the end. */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1]?.term;
  }

  entryAt(index: number): Entry | undefined {
    return this.entries[index - this.snapshotIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft's "at least as up-to-date" rule (5.4.1): later last term wins, then longer log. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Leader-side append of new entries at the end. */
  append(entries: readonly Entry[]): void {
    for (const e of entries) this.entries.push(e);
  }

  /**
   * Follower-side append after the consistency check. Returns the index of the last entry the
   * leader sent (now known to match), or null when prevIndex/prevTerm don't match. Entries that
   * already match are left alone so a stale or duplicated message can't truncate newer ones.
   */
  maybeAppend(prevIndex: number, prevTerm: number, entries: readonly Entry[]): number | null {
    if (prevIndex >= this.snapshotIndex && !this.matchTerm(prevIndex, prevTerm)) return null;
    // Below the snapshot everything is committed and therefore matches the leader.
    if (prevIndex < this.snapshotIndex && prevIndex + entries.length < this.snapshotIndex) {
      return prevIndex + entries.length;
    }
    for (const e of entries) {
      if (e.index <= this.snapshotIndex) continue;
      const mine = this.term(e.index);
      if (mine === e.term) continue;
      if (e.index <= this.committed) return null; // never rewrite a committed entry
      if (mine !== undefined) this.truncateFrom(e.index);
      this.entries.push(...entries.slice(entries.indexOf(e)));
      break;
    }
    return prevIndex + entries.length;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - this.snapshotIndex - 1;
    this.unstableFrom = Math.min(this.unstableFrom, index);
  }

  commitTo(index: number): boolean {
    const target = Math.min(index, this.lastIndex());
    if (target <= this.committed) return false;
    this.committed = target;
    return true;
  }

  /** Entries from `from` on, at most `maxCount` and `maxBytes` (by `sizeOf`), but always one. */
  entriesFrom(from: number, maxCount: number, maxBytes: number, sizeOf: (e: Entry) => number): Entry[] {
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= this.lastIndex() && out.length < maxCount; i++) {
      const e = this.entryAt(i) as Entry;
      bytes += sizeOf(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  unstableEntries(): Entry[] {
    if (this.unstableFrom > this.lastIndex()) return [];
    return this.entries.slice(Math.max(this.unstableFrom, this.firstIndex()) - this.snapshotIndex - 1);
  }

  /** Committed entries not yet applied, after any pending snapshot. */
  committedToApply(): Entry[] {
    const from = Math.max(this.applied, this.snapshotIndex) + 1;
    if (from > this.committed) return [];
    return this.entries.slice(from - this.snapshotIndex - 1, this.committed - this.snapshotIndex);
  }

  /** Largest index <= `index` whose term is <= `term`: where a conflicting run of terms ends. */
  lastIndexWithTermAtMost(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshotIndex && (this.term(i) ?? 0) > term) i--;
    return i;
  }

  /** Drops the prefix up to `index` (already applied) behind a snapshot of the state machine. */
  compact(index: number, data: Uint8Array): Snapshot | null {
    if (index <= this.snapshotIndex || index > this.applied) return null;
    const term = this.term(index) as number;
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.snapshot = { index, term, data };
    return this.snapshot;
  }

  /**
   * Installs a snapshot from the leader. A log that already holds the snapshot's last entry keeps
   * what follows it; any other log is discarded, since it can't be trusted past a gap.
   */
  restore(snap: Snapshot): void {
    if (this.matchTerm(snap.index, snap.term) && snap.index <= this.lastIndex()) {
      this.entries = this.entries.slice(snap.index - this.snapshotIndex);
    } else {
      this.entries = [];
    }
    this.snapshotIndex = snap.index;
    this.snapshotTerm = snap.term;
    this.snapshot = snap;
    this.pendingSnapshot = snap;
    this.committed = Math.max(this.committed, snap.index);
    this.unstableFrom = Math.max(this.unstableFrom, snap.index + 1);
    if (this.entries.length === 0) this.unstableFrom = snap.index + 1;
  }
}
