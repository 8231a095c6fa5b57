// Replay protection for authenticated datagrams, as IPsec does it (RFC 4303 §3.4.3, with the
// ring-of-bits layout of RFC 6479): per sender and incarnation, remember the highest sequence
// number seen and which of the `windowBits` numbers below it arrived. Pure: no clock needed.
import { REPLAY_MAX_SENDERS, REPLAY_WINDOW_BITS } from "../lib/limits.ts";

export type ReplayVerdict = "accepted" | "duplicate" | "too-old" | "stale-incarnation";

interface SenderWindow {
  incarnation: number;
  /** Highest sequence number accepted in this incarnation. */
  topSeq: number;
  /** Bit (seq mod windowBits) is set when that seq inside the window has been accepted. */
  bits: Uint32Array;
}

export interface ReplayWindowOptions {
  /** A multiple of 32. */
  windowBits?: number;
  maxSenders?: number;
}

export class ReplayWindow {
  readonly windowBits: number;
  readonly maxSenders: number;
  /** Insertion order doubles as recency: a sender is moved to the end whenever it is seen. */
  private readonly senders = new Map<string, SenderWindow>();

  constructor(opts: ReplayWindowOptions = {}) {
    this.windowBits = opts.windowBits ?? REPLAY_WINDOW_BITS;
    this.maxSenders = opts.maxSenders ?? REPLAY_MAX_SENDERS;
    if (!(this.windowBits >= 32 && this.windowBits % 32 === 0))
      throw new RangeError("windowBits must be a positive multiple of 32");
    if (!(this.maxSenders >= 1)) throw new RangeError("maxSenders must be at least 1");
  }

  /** Accepts a datagram's (sender, incarnation, seq) once, and records it. Call only after the
   *  datagram authenticated, or a forger could advance the window. */
  check(sender: string, incarnation: number, seq: number): ReplayVerdict {
    const known = this.senders.get(sender);
    if (known === undefined || incarnation > known.incarnation) {
      this.remember(sender, { incarnation, topSeq: seq, bits: this.freshBits(seq) });
      return "accepted";
    }
    // A stale incarnation doesn't count as being seen: if a peer's stored incarnation is ever
    // above its new life's (say its counter was lost), the old window must still age out of
    // the LRU and let the new life in, not be kept alive by the very datagrams it refuses.
    if (incarnation < known.incarnation) return "stale-incarnation";
    this.senders.delete(sender);
    this.senders.set(sender, known);
    return this.checkSeq(known, seq);
  }

  /** Senders currently tracked, least recently seen first. */
  trackedSenders(): string[] {
    return [...this.senders.keys()];
  }

  /** Drops a sender's window (e.g. when membership declares it dead and gone). */
  forget(sender: string): void {
    this.senders.delete(sender);
  }

  private checkSeq(w: SenderWindow, seq: number): ReplayVerdict {
    if (seq > w.topSeq) {
      this.clearRange(w, w.topSeq + 1, seq);
      w.topSeq = seq;
      this.setBit(w.bits, seq);
      return "accepted";
    }
    if (w.topSeq - seq >= this.windowBits) return "too-old";
    if (this.hasBit(w.bits, seq)) return "duplicate";
    this.setBit(w.bits, seq);
    return "accepted";
  }

  private remember(sender: string, w: SenderWindow): void {
    this.senders.delete(sender);
    if (this.senders.size >= this.maxSenders) {
      const oldest = this.senders.keys().next().value;
      if (oldest !== undefined) this.senders.delete(oldest);
    }
    this.senders.set(sender, w);
  }

  private freshBits(seq: number): Uint32Array {
    const bits = new Uint32Array(this.windowBits / 32);
    this.setBit(bits, seq);
    return bits;
  }

  /** Clears the bits of seqs in [from, to]: they slide into the window unseen. */
  private clearRange(w: SenderWindow, from: number, to: number): void {
    if (to - from + 1 >= this.windowBits) {
      w.bits.fill(0);
      return;
    }
    for (let s = from; s <= to; s++) {
      const i = s % this.windowBits;
      w.bits[i >>> 5] = (w.bits[i >>> 5] as number) & ~(1 << (i & 31));
    }
  }

  private setBit(bits: Uint32Array, seq: number): void {
    const i = seq % this.windowBits;
    bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
  }

  private hasBit(bits: Uint32Array, seq: number): boolean {
    const i = seq % this.windowBits;
    return ((bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }
}
