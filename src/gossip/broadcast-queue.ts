// Updates waiting to be piggybacked. Each is sent at most `retransmitLimit` times; the least
// sent (then the oldest) go first, and only what fits the byte budget goes at all. A newer
// update about the same subject replaces the older one rather than queueing behind it.
import { GOSSIP_QUEUE_MAX } from "../lib/limits.ts";
import type { GossipUpdate } from "./messages.ts";
import { msgpackSize } from "./wire-size.ts";

interface Entry {
  key: string;
  /** Records carry their age at send time, so the update is made when it is picked. */
  make: (nowMs: number) => GossipUpdate;
  /** Encoded size, with the largest age a record can claim, so budgets never overflow. */
  sizeBytes: number;
  transmits: number;
}

/** Age field sized as a 32-bit integer: what a record's age costs at most on the wire. */
const AGE_WORST_MS = 0xffffffff;
/** No update encodes smaller than this; with less room left, stop looking. */
const SMALLEST_UPDATE_BYTES = 16;
/** Updates skipped for size before the message counts as full: keeps a long queue cheap. */
const MISSES_MAX = 8;

export function membershipKey(id: string): string {
  return `m:${id}`;
}

export function recordKey(id: string, idx: number): string {
  return `r:${id}#${idx}`;
}

export class BroadcastQueue {
  private readonly entries = new Map<string, Entry>();
  /** Entries grouped by how often they were sent, oldest first within a group: picking the
   *  least-sent never needs a sort, however long the queue. */
  private readonly byTransmits: Set<Entry>[] = [];
  private readonly recordChunkKeys = new Map<string, string[]>();

  constructor(private readonly capacity: number = GOSSIP_QUEUE_MAX) {}

  get size(): number {
    return this.entries.size;
  }

  /** Queues a membership update, replacing any pending one about the same member. */
  queueMembership(update: GossipUpdate): void {
    this.put(membershipKey(update.id), () => update, msgpackSize(update));
  }

  /** Queues every chunk of a record version, dropping chunks of any older version. */
  queueRecord(id: string, chunks: readonly GossipUpdate[], publishedAtMs: number): void {
    for (const key of this.recordChunkKeys.get(id) ?? []) this.remove(key);
    const keys: string[] = [];
    for (const chunk of chunks) {
      if (chunk.t !== "rec") continue;
      const key = recordKey(id, chunk.idx);
      keys.push(key);
      const make = (nowMs: number): GossipUpdate => ({
        ...chunk,
        ageMs: Math.max(0, Math.round(nowMs - publishedAtMs)),
      });
      this.put(key, make, msgpackSize({ ...chunk, ageMs: AGE_WORST_MS }));
    }
    this.recordChunkKeys.set(id, keys);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Picks updates that fit `budgetBytes` (at most `countMax`), least-sent first, counting one
   *  transmit each and retiring those sent `retransmitLimit` times. */
  select(budgetBytes: number, countMax: number, retransmitLimit: number, nowMs: number): GossipUpdate[] {
    if (this.entries.size === 0 || budgetBytes <= 0 || countMax <= 0) return [];
    const picked: Entry[] = [];
    let left = budgetBytes;
    let misses = 0;
    outer: for (const level of this.byTransmits) {
      if (level === undefined) continue;
      for (const e of level) {
        if (picked.length >= countMax || left < SMALLEST_UPDATE_BYTES || misses >= MISSES_MAX) break outer;
        if (e.sizeBytes > left) {
          misses++;
          continue;
        }
        left -= e.sizeBytes;
        picked.push(e);
      }
    }
    const out: GossipUpdate[] = [];
    for (const e of picked) {
      out.push(e.make(nowMs));
      this.byTransmits[e.transmits]?.delete(e);
      e.transmits++;
      if (e.transmits >= retransmitLimit) this.entries.delete(e.key);
      else this.level(e.transmits).add(e);
    }
    return out;
  }

  private put(key: string, make: Entry["make"], sizeBytes: number): void {
    this.remove(key);
    const e: Entry = { key, make, sizeBytes, transmits: 0 };
    this.entries.set(key, e);
    this.level(0).add(e);
    if (this.entries.size > this.capacity) this.evictOne();
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.byTransmits[e.transmits]?.delete(e);
  }

  private level(transmits: number): Set<Entry> {
    let l = this.byTransmits[transmits];
    if (l === undefined) {
      l = new Set();
      this.byTransmits[transmits] = l;
    }
    return l;
  }

  /** Over capacity the most-sent (then oldest) update goes: it has had the most chances to spread. */
  private evictOne(): void {
    for (let t = this.byTransmits.length - 1; t >= 0; t--) {
      const oldest = this.byTransmits[t]?.values().next().value;
      if (oldest !== undefined) {
        this.remove(oldest.key);
        return;
      }
    }
  }
}
