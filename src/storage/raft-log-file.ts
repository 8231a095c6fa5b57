// The append-only Raft log: records `len u32 LE | crc32 u32 LE | msgpack([index, term, data])`.
// Appends are written in one batch and fsynced before returning. On open the file is scanned;
// the first short, corrupt or out-of-order record and everything after it is cut off (a torn
// tail from a crash mid-write) and reported as a warning.
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import { pack, unpack } from "msgpackr";
import { RAFT_LOG_RECORD_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { fsyncDir, ioError } from "./durable-file.ts";
import type { StorageError, StorageWarning, StoredEntry } from "./raft-storage.ts";

const HEADER_BYTES = 8;

type TailReason = StorageWarning extends { reason: infer R } ? R : never;

export function encodeRecord(e: StoredEntry): Uint8Array {
  const body = pack([e.index, e.term, e.data]);
  const out = new Uint8Array(HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, crc32(body) >>> 0, true);
  out.set(body, HEADER_BYTES);
  return out;
}

function decodeBody(body: Uint8Array): StoredEntry | null {
  let v: unknown;
  try {
    v = unpack(body);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 3) return null;
  const [index, term, data] = v as unknown[];
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term) || !(data instanceof Uint8Array))
    return null;
  return { index: index as number, term: term as number, data: new Uint8Array(data) };
}

interface Scan {
  entries: StoredEntry[];
  offsets: number[];
  validBytes: number;
  reason: TailReason | null;
}

/** Reads records until the first one that can't be trusted. */
export function scanRecords(bytes: Uint8Array): Scan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: StoredEntry[] = [];
  const offsets: number[] = [];
  let at = 0;
  let reason: TailReason | null = null;
  while (at < bytes.length) {
    if (at + HEADER_BYTES > bytes.length) {
      reason = "short-header";
      break;
    }
    const len = view.getUint32(at, true);
    if (len === 0 || len > RAFT_LOG_RECORD_BYTES_MAX) {
      reason = "bad-record";
      break;
    }
    if (at + HEADER_BYTES + len > bytes.length) {
      reason = "short-body";
      break;
    }
    const body = bytes.subarray(at + HEADER_BYTES, at + HEADER_BYTES + len);
    if (crc32(body) >>> 0 !== view.getUint32(at + 4, true)) {
      reason = "bad-crc";
      break;
    }
    const e = decodeBody(body);
    if (e === null) {
      reason = "bad-record";
      break;
    }
    const prev = entries.at(-1);
    if (prev !== undefined && e.index !== prev.index + 1) {
      reason = "out-of-order";
      break;
    }
    entries.push(e);
    offsets.push(at);
    at += HEADER_BYTES + len;
  }
  return { entries, offsets, validBytes: at, reason };
}

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
      const rw = openSync(path, "r+");
      let warning: StorageWarning | null = null;
      if (scan.reason !== null) {
        ftruncateSync(rw, scan.validBytes);
        fsyncSync(rw);
        const droppedBytes = bytes.length - scan.validBytes;
        warning = {
          code: "storage.log-tail-truncated",
          path,
          keptBytes: scan.validBytes,
          droppedBytes,
          reason: scan.reason,
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
      if (first !== null && head.index <= (this.lastIndex() as number))
        this.cut(Math.max(0, head.index - first));
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
