// Records larger than a datagram travel as numbered chunks and are put back together here, in
// bounded memory: few partial records at once, each dropped when a newer version starts or when
// it has waited too long.
import { GOSSIP_CHUNK_BUFFERS_MAX, GOSSIP_CHUNK_BYTES_MAX, GOSSIP_CHUNK_TTL_MS } from "../lib/limits.ts";
import type { RecordUpdate } from "./messages.ts";

/** Splits `data` into chunks of at most `chunkBytes` (an empty record is one empty chunk). */
export function splitRecord(
  id: string,
  ver: number,
  data: Uint8Array,
  chunkBytes: number = GOSSIP_CHUNK_BYTES_MAX,
): RecordUpdate[] {
  const cnt = Math.max(1, Math.ceil(data.length / chunkBytes));
  const out: RecordUpdate[] = [];
  for (let idx = 0; idx < cnt; idx++) {
    out.push({
      t: "rec",
      id,
      ver,
      idx,
      cnt,
      ageMs: 0,
      data: data.subarray(idx * chunkBytes, (idx + 1) * chunkBytes),
    });
  }
  return out;
}

export interface AssembledRecord {
  id: string;
  ver: number;
  data: Uint8Array;
  ageMs: number;
}

interface Partial {
  ver: number;
  cnt: number;
  parts: (Uint8Array | undefined)[];
  received: number;
  startedAtMs: number;
  ageMs: number;
}

export class ChunkAssembler {
  private readonly partials = new Map<string, Partial>();

  constructor(
    private readonly buffersMax: number = GOSSIP_CHUNK_BUFFERS_MAX,
    private readonly ttlMs: number = GOSSIP_CHUNK_TTL_MS,
  ) {}

  get pendingCount(): number {
    return this.partials.size;
  }

  /** Adds a chunk; returns the whole record once its last chunk arrives. Chunks of a version at
   *  or below `knownVer` (already have it) are ignored. */
  add(chunk: RecordUpdate, knownVer: number, nowMs: number): AssembledRecord | null {
    if (chunk.ver <= knownVer) return null;
    if (chunk.cnt === 1) {
      this.partials.delete(chunk.id);
      return { id: chunk.id, ver: chunk.ver, data: chunk.data.slice(), ageMs: chunk.ageMs };
    }
    let p = this.partials.get(chunk.id);
    if (p !== undefined && (chunk.ver < p.ver || (chunk.ver === p.ver && chunk.cnt !== p.cnt))) return null;
    if (p === undefined || chunk.ver > p.ver) {
      p = {
        ver: chunk.ver,
        cnt: chunk.cnt,
        parts: new Array(chunk.cnt),
        received: 0,
        startedAtMs: nowMs,
        ageMs: 0,
      };
      this.partials.delete(chunk.id);
      this.partials.set(chunk.id, p);
      this.evictBeyondCapacity();
    }
    if (p.parts[chunk.idx] !== undefined) return null;
    p.parts[chunk.idx] = chunk.data.slice();
    p.received++;
    p.ageMs = Math.max(p.ageMs, chunk.ageMs);
    if (p.received < p.cnt) return null;
    this.partials.delete(chunk.id);
    return { id: chunk.id, ver: p.ver, data: concat(p.parts as Uint8Array[]), ageMs: p.ageMs };
  }

  /** Drops partial records older than the time-to-live. */
  expire(nowMs: number): void {
    for (const [id, p] of this.partials) if (nowMs - p.startedAtMs >= this.ttlMs) this.partials.delete(id);
  }

  private evictBeyondCapacity(): void {
    while (this.partials.size > this.buffersMax) {
      const oldest = this.partials.keys().next().value;
      if (oldest === undefined) return;
      this.partials.delete(oldest);
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
