// The raft log's record framing, `len u32 LE | crc32 u32 LE | msgpack([index, term, data])`, and
// the scan that tells a torn tail (a crash mid-append: cut it) from damage inside the log (refuse:
// cutting there could drop entries that were fsynced, acknowledged and committed).
import { crc32 } from "node:zlib";
import { pack, unpack } from "msgpackr";
import { RAFT_LOG_RECORD_BYTES_MAX } from "../lib/limits.ts";
import type { LogDamageReason, StoredEntry } from "./raft-storage.ts";

export const RECORD_HEADER_BYTES = 8;

export function encodeRecord(e: StoredEntry): Uint8Array {
  const body = pack([e.index, e.term, e.data]);
  const out = new Uint8Array(RECORD_HEADER_BYTES + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, crc32(body) >>> 0, true);
  out.set(body, RECORD_HEADER_BYTES);
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

type Read = { entry: StoredEntry; next: number } | { damage: Exclude<LogDamageReason, "out-of-order"> };

/** The record starting at `at`, or why there is no intact one there. */
function readRecord(bytes: Uint8Array, view: DataView, at: number): Read {
  if (at + RECORD_HEADER_BYTES > bytes.length) return { damage: "short-header" };
  const len = view.getUint32(at, true);
  if (len === 0 || len > RAFT_LOG_RECORD_BYTES_MAX) return { damage: "bad-record" };
  const end = at + RECORD_HEADER_BYTES + len;
  if (end > bytes.length) return { damage: "short-body" };
  const body = bytes.subarray(at + RECORD_HEADER_BYTES, end);
  if (crc32(body) >>> 0 !== view.getUint32(at + 4, true)) return { damage: "bad-crc" };
  const entry = decodeBody(body);
  return entry === null ? { damage: "bad-record" } : { entry, next: end };
}

export interface Scan {
  entries: StoredEntry[];
  offsets: number[];
  /** Bytes of the intact, in-sequence prefix. */
  validBytes: number;
  /** Null when the whole file is intact. */
  damage: {
    reason: LogDamageReason;
    /** Where the first untrusted byte is (= validBytes). */
    offset: number;
    /** An intact record at or after the damage (not its own header): proof that this is not a
     *  torn tail. Null when nothing intact follows. */
    intactAt: number | null;
  } | null;
}

/** The first offset after `from` where an intact record starts, or null. Slow (tries every byte),
 *  but it only runs on a damaged file. */
function intactRecordAfter(bytes: Uint8Array, view: DataView, from: number): number | null {
  for (let at = from + 1; at + RECORD_HEADER_BYTES < bytes.length; at++) {
    if ("entry" in readRecord(bytes, view, at)) return at;
  }
  return null;
}

/** Reads records until the first one that can't be trusted, then looks past it for intact ones. */
export function scanRecords(bytes: Uint8Array): Scan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: StoredEntry[] = [];
  const offsets: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const r = readRecord(bytes, view, at);
    if ("damage" in r) {
      const intactAt = intactRecordAfter(bytes, view, at);
      return { entries, offsets, validBytes: at, damage: { reason: r.damage, offset: at, intactAt } };
    }
    const prev = entries.at(-1);
    // An intact record in the wrong place was written whole: no crash mid-append makes one.
    if (prev !== undefined && r.entry.index !== prev.index + 1)
      return {
        entries,
        offsets,
        validBytes: at,
        damage: { reason: "out-of-order", offset: at, intactAt: at },
      };
    entries.push(r.entry);
    offsets.push(at);
    at = r.next;
  }
  return { entries, offsets, validBytes: at, damage: null };
}
