// A seeded packet simulator: loss, duplication, delay (and so reordering), partitions and
// crashes. Deterministic: every random draw comes from the injected Rng and time only enters
// as `nowMs`, so one seed replays one exact delivery trace.
import type { Rng } from "../lib/rng.ts";

export interface LinkFaults {
  /** Probability in [0, 1] that a datagram is lost. */
  lossRate: number;
  /** Probability in [0, 1] that a delivered datagram arrives twice. */
  duplicateRate: number;
  /** Delay is minDelayMs plus a uniform whole number of ms up to the spread; the spread is what
   *  reorders. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const PERFECT_LINK: LinkFaults = Object.freeze({
  lossRate: 0,
  duplicateRate: 0,
  minDelayMs: 1,
  maxDelayMs: 1,
});

export interface Delivery<M> {
  from: string;
  to: string;
  msg: M;
  atMs: number;
}

export interface SimNetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

interface InFlight<M> extends Delivery<M> {
  /** Tie-breaker so equal delivery times come out in send order, identically on every run. */
  seq: number;
}

function assertFaults(f: LinkFaults): void {
  const rate = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
  if (!rate(f.lossRate) || !rate(f.duplicateRate)) throw new RangeError("link fault rates must be in [0, 1]");
  if (!(f.minDelayMs >= 0 && f.maxDelayMs >= f.minDelayMs && Number.isFinite(f.maxDelayMs)))
    throw new RangeError("link delays need 0 <= minDelayMs <= maxDelayMs");
}

function linkKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

function earlier<M>(a: InFlight<M>, b: InFlight<M>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

export class SimNetwork<M> {
  private readonly heap: InFlight<M>[] = [];
  private nextSeq = 0;
  private faults: LinkFaults;
  private readonly linkFaults = new Map<string, LinkFaults>();
  /** node → group index while a partition is in force; null means fully connected. */
  private groups: Map<string, number> | null = null;
  private readonly isolated = new Set<string>();
  private readonly counters: SimNetworkStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };

  constructor(
    private readonly rng: Rng,
    faults: LinkFaults = PERFECT_LINK,
  ) {
    assertFaults(faults);
    this.faults = { ...faults };
  }

  send(from: string, to: string, msg: M, nowMs: number): void {
    this.counters.sent++;
    if (!this.canReach(from, to)) {
      this.counters.dropped++;
      return;
    }
    const f = this.linkFaults.get(linkKey(from, to)) ?? this.faults;
    if (this.rng.chance(f.lossRate)) {
      this.counters.dropped++;
      return;
    }
    this.schedule(from, to, msg, nowMs + this.drawDelayMs(f));
    if (this.rng.chance(f.duplicateRate)) {
      this.counters.duplicated++;
      this.schedule(from, to, msg, nowMs + this.drawDelayMs(f));
    }
  }

  /** Everything due by `nowMs`, earliest first (send order on ties). A link cut while a datagram
   *  was in flight loses it, as a real partition would. */
  deliverDue(nowMs: number): Delivery<M>[] {
    const out: Delivery<M>[] = [];
    for (let top = this.heap[0]; top !== undefined && top.atMs <= nowMs; top = this.heap[0]) {
      this.pop();
      if (!this.canReach(top.from, top.to)) {
        this.counters.dropped++;
        continue;
      }
      this.counters.delivered++;
      out.push({ from: top.from, to: top.to, msg: top.msg, atMs: top.atMs });
    }
    return out;
  }

  nextDeliveryAtMs(): number | null {
    return this.heap[0]?.atMs ?? null;
  }

  /** Datagrams scheduled but not yet delivered (or dropped at delivery). */
  inFlightCount(): number {
    return this.heap.length;
  }

  setFaults(f: LinkFaults): void {
    assertFaults(f);
    this.faults = { ...f };
  }

  /** Faults for one direction of one link; null returns it to the network-wide faults. */
  setLinkFaults(from: string, to: string, f: LinkFaults | null): void {
    if (f === null) {
      this.linkFaults.delete(linkKey(from, to));
      return;
    }
    assertFaults(f);
    this.linkFaults.set(linkKey(from, to), { ...f });
  }

  /** Nodes in different groups can't exchange; nodes in no group are isolated. Replaces any
   *  previous partition; isolate() marks stay until heal(). */
  partition(groups: string[][]): void {
    const map = new Map<string, number>();
    groups.forEach((group, i) => {
      for (const node of group) map.set(node, i);
    });
    this.groups = map;
  }

  isolate(node: string): void {
    this.isolated.add(node);
  }

  /** Ends every partition and isolation (per-link faults stay). */
  heal(): void {
    this.groups = null;
    this.isolated.clear();
  }

  canReach(from: string, to: string): boolean {
    if (from === to) return true;
    if (this.isolated.has(from) || this.isolated.has(to)) return false;
    if (this.groups === null) return true;
    const a = this.groups.get(from);
    return a !== undefined && a === this.groups.get(to);
  }

  /** A crash loses everything queued to or from the node. Counted as dropped. */
  dropInFlight(node: string): void {
    const keep = this.heap.filter((d) => d.from !== node && d.to !== node);
    this.counters.dropped += this.heap.length - keep.length;
    this.heap.length = 0;
    for (const d of keep) this.push(d);
  }

  stats(): SimNetworkStats {
    return { ...this.counters };
  }

  private drawDelayMs(f: LinkFaults): number {
    const spread = f.maxDelayMs - f.minDelayMs;
    // Whole milliseconds keep traces and golden scenario output readable.
    return spread === 0 ? f.minDelayMs : f.minDelayMs + this.rng.int(Math.floor(spread) + 1);
  }

  private schedule(from: string, to: string, msg: M, atMs: number): void {
    this.push({ from, to, msg, atMs, seq: this.nextSeq++ });
  }

  private push(item: InFlight<M>): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as InFlight<M>;
      if (!earlier(item, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = item;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const left = h[l] as InFlight<M>;
      const right = h[r];
      const child = right !== undefined && earlier(right, left) ? r : l;
      const c = h[child] as InFlight<M>;
      if (!earlier(c, last)) break;
      h[i] = c;
      i = child;
    }
    h[i] = last;
  }
}
