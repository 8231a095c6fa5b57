// SWIM's failure detector, one protocol period at a time: ping one member (round-robin over a
// shuffled list), on silence ask k helpers to ping it and retry directly, and if the period
// ends unanswered, suspect it. Also the helper side: probing for others, with Lifeguard's nack.
import { GOSSIP_PENDING_PROBES_MAX } from "../lib/limits.ts";
import type { Rng } from "../lib/rng.ts";
import type { GossipConfig } from "./config.ts";
import { isLive, type Member } from "./member-table.ts";
import type { GossipMessage, GossipUpdate, PingMessage } from "./messages.ts";
import { type PeerSets, sampleDistinct } from "./peer-sets.ts";
import type { Awareness } from "./suspicion.ts";

/** What the cycle needs from its node. */
export interface ProbeHost {
  readonly id: string;
  peers(): PeerSets;
  memberOf(id: string): Member | undefined;
  send(to: string, msg: GossipMessage): void;
  withPiggyback<M extends Extract<GossipMessage, { updates: GossipUpdate[] }>>(
    base: M,
    first: GossipUpdate[],
    nowMs: number,
  ): M;
  suspect(id: string, incarnation: number, nowMs: number): void;
}

interface OwnProbe {
  target: string;
  incarnation: number;
  seq: number;
  ackDeadlineMs: number;
  periodEndMs: number;
  acked: boolean;
  indirectSent: boolean;
  expectedNacks: number;
  nacks: number;
}

interface HelpedProbe {
  origin: string;
  originSeq: number;
  nackAtMs: number;
  nacked: boolean;
  expireAtMs: number;
}

/** A helper answers with a nack a little before the asker's own deadline, so it still counts. */
const NACK_FRACTION = 0.8;

export class ProbeCycle {
  private current: OwnProbe | null = null;
  private nextProbeAtMs: number;
  private order: string[] = [];
  private orderIndex = 0;
  private nextSeq = 0;
  private readonly helping = new Map<number, HelpedProbe>();

  constructor(
    private readonly host: ProbeHost,
    private readonly config: GossipConfig,
    private readonly rng: Rng,
    private readonly awareness: Awareness,
    nowMs: number,
  ) {
    // Staggered so nodes started together don't probe in lockstep.
    this.nextProbeAtMs = nowMs + rng.int(config.probeIntervalMs);
  }

  get pendingHelps(): number {
    return this.helping.size;
  }

  tick(nowMs: number): void {
    this.expireHelps(nowMs);
    const p = this.current;
    if (p !== null) {
      if (!p.acked && !p.indirectSent && nowMs >= p.ackDeadlineMs) this.probeIndirectly(p, nowMs);
      if (nowMs >= p.periodEndMs) {
        this.current = null;
        if (!p.acked) this.fail(p, nowMs);
      }
    }
    if (this.current === null && nowMs >= this.nextProbeAtMs) this.start(nowMs);
  }

  onAck(seq: number, nowMs: number): void {
    const p = this.current;
    if (p !== null && p.seq === seq) {
      if (!p.acked) this.awareness.apply(-1);
      p.acked = true;
      return;
    }
    const h = this.helping.get(seq);
    if (h === undefined) return;
    this.helping.delete(seq);
    this.host.send(
      h.origin,
      this.host.withPiggyback({ type: "ack", seq: h.originSeq, updates: [] }, [], nowMs),
    );
  }

  onNack(seq: number): void {
    const p = this.current;
    if (p !== null && p.seq === seq) p.nacks++;
  }

  onPingReq(from: string, originSeq: number, target: string, nowMs: number): void {
    const m = this.host.memberOf(target);
    if (m === undefined || target === this.host.id || this.helping.size >= GOSSIP_PENDING_PROBES_MAX) return;
    const seq = ++this.nextSeq;
    this.helping.set(seq, {
      origin: from,
      originSeq,
      nackAtMs: nowMs + Math.floor(this.config.probeTimeoutMs * NACK_FRACTION),
      nacked: false,
      expireAtMs: nowMs + this.config.probeIntervalMs * this.config.awarenessMax,
    });
    this.host.send(target, this.ping(seq, target, [], nowMs));
  }

  private start(nowMs: number): void {
    const target = this.nextTarget();
    const periodMs = this.awareness.scaleMs(this.config.probeIntervalMs);
    this.nextProbeAtMs = nowMs + periodMs;
    if (target === null) return;
    const seq = ++this.nextSeq;
    this.current = {
      target: target.id,
      incarnation: target.incarnation,
      seq,
      ackDeadlineMs: nowMs + this.config.probeTimeoutMs,
      periodEndMs: nowMs + periodMs,
      acked: false,
      indirectSent: false,
      expectedNacks: 0,
      nacks: 0,
    };
    this.host.send(target.id, this.ping(seq, target.id, this.buddy(target), nowMs));
  }

  /** Lifeguard's buddy system: a suspect learns of the suspicion from whoever probes it. */
  private buddy(target: Member): GossipUpdate[] {
    if (target.status !== "suspect") return [];
    return [{ t: "suspect", id: target.id, inc: target.incarnation, by: this.host.id }];
  }

  private ping(seq: number, target: string, first: GossipUpdate[], nowMs: number): PingMessage {
    return this.host.withPiggyback({ type: "ping", seq, target, updates: [] }, first, nowMs);
  }

  private probeIndirectly(p: OwnProbe, nowMs: number): void {
    p.indirectSent = true;
    const helpers = sampleDistinct(this.rng, this.host.peers().helpers, this.config.indirectChecks, p.target);
    p.expectedNacks = helpers.length;
    for (const h of helpers)
      this.host.send(
        h,
        this.host.withPiggyback({ type: "ping-req", seq: p.seq, target: p.target, updates: [] }, [], nowMs),
      );
    // A second direct try, standing in for memberlist's TCP fallback: one lost datagram should
    // not be enough to start a suspicion in a cluster too small to have helpers.
    const target = this.host.memberOf(p.target);
    if (target !== undefined) this.host.send(p.target, this.ping(p.seq, p.target, this.buddy(target), nowMs));
  }

  private fail(p: OwnProbe, nowMs: number): void {
    // Missing nacks mean our own links are failing, not the target: be slower to blame.
    this.awareness.apply(p.expectedNacks > 0 ? p.expectedNacks - p.nacks : 1);
    const m = this.host.memberOf(p.target);
    if (m !== undefined && isLive(m) && m.incarnation === p.incarnation)
      this.host.suspect(m.id, m.incarnation, nowMs);
  }

  private nextTarget(): Member | null {
    for (let tries = 0; tries < 2; tries++) {
      while (this.orderIndex < this.order.length) {
        const id = this.order[this.orderIndex++] as string;
        const m = this.host.memberOf(id);
        if (m !== undefined && isLive(m) && id !== this.host.id) return m;
      }
      this.order = this.rng.shuffle(this.host.peers().peers);
      this.orderIndex = 0;
    }
    return null;
  }

  private expireHelps(nowMs: number): void {
    for (const [seq, h] of this.helping) {
      if (!h.nacked && nowMs >= h.nackAtMs) {
        h.nacked = true;
        this.host.send(h.origin, { type: "nack", seq: h.originSeq });
      }
      if (nowMs >= h.expireAtMs) this.helping.delete(seq);
    }
  }
}
