// The append-only Raft log: records `len u32 LE | crc32 u32 LE | msgpack([index, term, data])`
// (log-records.ts). Appends are written in one batch and fsynced before returning. On open the
// file is scanned: a torn tail (a crash mid-append: damage with nothing intact after it) is cut
// off and reported as a warning; damage with intact records after it fails the open, since
// cutting there would drop entries that were durable and possibly committed.
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { fsyncDir, ioError } from "./durable-file.ts";
import { encodeRecord, scanRecords } from "./log-records.ts";
import type { StorageError, StorageWarning, StoredEntry } from "./raft-storage.ts";

export { encodeRecord } from "./log-records.ts";

export class RaftLogFile {
  private constructor(
    readonly path: string,
    private fd: number,
    private entries: StoredEntry[],
    private offsets: number[],
    private sizeBytes: number,
  ) {}

  /** Opens (creating if needed) and repairs a torn tail; the warning says what was cut. */
  static open(path: string): Result<{ log: RaftLogFile; warning: StorageWarning | null }, StorageError> {
    try {
      const fd = openSync(path, "a+");
      closeSync(fd);
      const bytes = readFileSync(path);
      const scan = scanRecords(bytes);
      const damage = scan.damage;
      if (damage !== null && (damage.reason === "out-of-order" || damage.intactAt !== null))
        return err({
          code: "storage.log-corrupt",
          path,
          offset: damage.offset,
          reason: damage.reason,
          intactAt: damage.intactAt ?? damage.offset,
        });
      const rw = openSync(path, "r+");
      let warning: StorageWarning | null = null;
      if (damage !== null && damage.reason !== "out-of-order") {
        ftruncateSync(rw, scan.validBytes);
        fsyncSync(rw);
        const droppedBytes = bytes.length - scan.validBytes;
        warning = {
          code: "storage.log-tail-truncated",
          path,
          keptBytes: scan.validBytes,
          droppedBytes,
          reason: damage.reason,
        };
      }
      return ok({ log: new RaftLogFile(path, rw, scan.entries, scan.offsets, scan.validBytes), warning });
    } catch (e) {
      return err(ioError("open", path, e));
    }
  }

  /** Copies, so callers can't change what the log believes is on disk. */
  all(): StoredEntry[] {
    return this.entries.map((e) => ({ index: e.index, term: e.term, data: e.data.slice() }));
  }

  firstIndex(): number | null {
    return this.entries[0]?.index ?? null;
  }

  lastIndex(): number | null {
    return this.entries.at(-1)?.index ?? null;
  }

  termAt(index: number): number | undefined {
    const first = this.firstIndex();
    if (first === null) return undefined;
    return this.entries[index - first]?.term;
  }

  /** Writes contiguous entries after cutting off any at or after entries[0].index; one fsync. */
  append(batch: readonly StoredEntry[]): Result<void, StorageError> {
    const head = batch[0];
    if (head === undefined) return ok(undefined);
    try {
      const first = this.firstIndex();
      if (first !== null && head.index <= (this.lastIndex() as number)) {
        this.cut(Math.max(0, head.index - first));
        // The cut must be durable before new bytes land where old records were: otherwise a
        // crash could leave old records behind a torn new one, which open() would rightly take
        // for damage inside the log.
        fsyncSync(this.fd);
      }
      const records = batch.map(encodeRecord);
      const total = records.reduce((n, r) => n + r.length, 0);
      const buf = new Uint8Array(total);
      let at = 0;
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as Uint8Array;
        buf.set(r, at);
        this.offsets.push(this.sizeBytes + at);
        const e = batch[i] as StoredEntry;
        this.entries.push({ index: e.index, term: e.term, data: e.data.slice() });
        at += r.length;
      }
      let written = 0;
      while (written < total)
        written += writeSync(this.fd, buf, written, total - written, this.sizeBytes + written);
      this.sizeBytes += total;
      fsyncSync(this.fd);
      return ok(undefined);
    } catch (e) {
      return err(ioError("append", this.path, e));
    }
  }

  truncateSuffix(fromIndex: number): Result<void, StorageError> {
    const first = this.firstIndex();
    const last = this.lastIndex();
    if (first === null || last === null || fromIndex > last) return ok(undefined);
    try {
      this.cut(Math.max(0, fromIndex - first));
      fsyncSync(this.fd);
      return ok(undefined);
    } catch (e) {
      return err(ioError("truncate", this.path, e));
    }
  }

  private cut(position: number): void {
    const offset = this.offsets[position] ?? this.sizeBytes;
    ftruncateSync(this.fd, offset);
    this.entries.length = position;
    this.offsets.length = position;
    this.sizeBytes = offset;
  }

  /** Replaces the file with only `keep` (compaction): new file, fsync, rename, fsync dir. */
  rewrite(keep: readonly StoredEntry[]): Result<void, StorageError> {
    const tmp = `${this.path}.compact`;
    try {
      const fd = openSync(tmp, "w");
      const records = keep.map(encodeRecord);
      const offsets: number[] = [];
      let at = 0;
      for (const r of records) {
        offsets.push(at);
        let w = 0;
        while (w < r.length) w += writeSync(fd, r, w, r.length - w, at + w);
        at += r.length;
      }
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, this.path);
      fsyncDir(dirname(this.path));
      closeSync(this.fd);
      this.fd = openSync(this.path, "r+");
      this.entries = keep.map((e) => ({ index: e.index, term: e.term, data: e.data.slice() }));
      this.offsets = offsets;
      this.sizeBytes = at;
      return ok(undefined);
    } catch (e) {
      return err(ioError("compact", this.path, e));
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed: nothing left to release.
    }
  }
}
