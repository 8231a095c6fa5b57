// SWIM membership rules as this node applies them: alive/suspect/dead updates from peers,
// refuting suspicions of ourselves, and Lifeguard's confirmation-shortened suspicion timers.
import { type BroadcastQueue, membershipKey } from "./broadcast-queue.ts";
import type { GossipConfig } from "./config.ts";
import type { GossipEvent } from "./events.ts";
import type { Member, MemberTable } from "./member-table.ts";
import type { AliveUpdate, DeadUpdate, GossipMessage, SuspectUpdate } from "./messages.ts";
import type { PeerSets } from "./peer-sets.ts";
import { type Awareness, expectedConfirmations, Suspicion, suspicionMinMs } from "./suspicion.ts";

export interface MembershipHost {
  readonly id: string;
  readonly config: GossipConfig;
  readonly table: MemberTable;
  readonly queue: BroadcastQueue;
  readonly awareness: Awareness;
  peers(): PeerSets;
  send(to: string, msg: GossipMessage): void;
  emit(event: GossipEvent): void;
}

export class Membership {
  private readonly suspicions = new Map<string, Suspicion>();
  /** Suspicions this node raised or confirmed itself → when to remind the suspect next. */
  private readonly nudgeAtMs = new Map<string, number>();

  constructor(private readonly h: MembershipHost) {}

  get suspicionCount(): number {
    return this.suspicions.size;
  }

  /** A probe of `id` at `incarnation` went unanswered, directly and through helpers. */
  suspect(id: string, incarnation: number, nowMs: number): void {
    this.onSuspect({ t: "suspect", id, inc: incarnation, by: this.h.id }, nowMs);
  }

  onAlive(u: AliveUpdate, nowMs: number): void {
    if (u.id === this.h.id) {
      // An older life of ours at a higher incarnation is still being gossiped: outbid it.
      if (u.inc > this.self().incarnation) this.answerAccusation(u.inc, u.id, u.id);
      return;
    }
    const outcome = this.h.table.applyAlive(u, nowMs);
    if (outcome === "ignored") return;
    if (outcome === "full") {
      this.h.emit({ type: "member-refused", id: u.id });
      return;
    }
    this.h.queue.queueMembership(u);
    if (outcome === "joined")
      this.h.emit({ type: "member-joined", id: u.id, kind: u.kind, cluster: u.cluster });
    if (outcome === "revived") {
      this.dropSuspicion(u.id);
      this.h.emit({ type: "member-alive", id: u.id, incarnation: u.inc });
    }
  }

  /** `from` is the peer that passed the update on (the accuser may be someone else). */
  onSuspect(u: SuspectUpdate, nowMs: number, from: string = u.by): void {
    if (u.id === this.h.id) {
      this.answerAccusation(u.inc, u.by, from);
      return;
    }
    const outcome = this.h.table.applySuspect(u, nowMs);
    if (outcome === "ignored") {
      this.correctStale(u.id, u.inc, from);
      return;
    }
    if (outcome === "already-suspect") {
      // Lifeguard: each independent confirmation shortens the timeout and is passed on.
      if (this.suspicions.get(u.id)?.confirm(u.by) === true) this.h.queue.queueMembership(u);
      if (u.by === this.h.id && !this.nudgeAtMs.has(u.id)) this.nudgeAtMs.set(u.id, nowMs);
      return;
    }
    const n = this.h.peers().liveCount;
    const minMs = suspicionMinMs(this.h.config.suspicionMult, n, this.h.config.probeIntervalMs);
    const expected = expectedConfirmations(this.h.config.suspicionMult, n);
    const maxMs = minMs * this.h.config.suspicionMaxTimeoutMult;
    this.suspicions.set(u.id, new Suspicion(u.inc, nowMs, expected, minMs, maxMs, u.by));
    this.h.queue.queueMembership(u);
    this.h.emit({ type: "member-suspected", id: u.id, by: u.by });
    // Tell the suspect at once so it can refute before anyone's timer runs out.
    if (u.by === this.h.id) this.nudgeAtMs.set(u.id, nowMs);
    this.nudge(nowMs);
  }

  onDead(u: DeadUpdate, nowMs: number, from: string = u.by): void {
    if (u.id === this.h.id) {
      this.answerAccusation(u.inc, u.by, from);
      return;
    }
    const outcome = this.h.table.applyDead(u, nowMs);
    if (outcome === "ignored") {
      this.correctStale(u.id, u.inc, from);
      return;
    }
    this.dropSuspicion(u.id);
    this.h.queue.queueMembership(u);
    this.h.emit(
      outcome === "left" ? { type: "member-left", id: u.id } : { type: "member-dead", id: u.id, by: u.by },
    );
  }

  /** A current accusation is refuted with a higher incarnation. A stale one (we already
   *  refuted) still gets our current incarnation re-sent: whoever repeats it missed the
   *  refutation and would otherwise time us out. */
  private answerAccusation(accusedIncarnation: number, by: string, from: string): void {
    const me = this.self();
    const current = accusedIncarnation >= me.incarnation;
    if (current) {
      me.incarnation = accusedIncarnation + 1;
      this.h.awareness.apply(1);
      this.h.emit({ type: "self-refuted", incarnation: me.incarnation, accusedBy: by });
    }
    const alive = this.selfAlive(me.incarnation);
    if (current || !this.h.queue.has(membershipKey(this.h.id))) this.h.queue.queueMembership(alive);
    for (const to of new Set([by, from]))
      if (to !== this.h.id && this.h.table.get(to) !== undefined)
        this.h.send(to, { type: "gossip", updates: [alive] });
  }

  /** Whoever passes on an accusation we know was refuted (we hold a higher incarnation) missed
   *  the refutation; retransmit limits mean nobody may repeat it, so tell that peer directly
   *  rather than let its suspicion timer run out on a live member. */
  private correctStale(id: string, accusedIncarnation: number, from: string): void {
    const m = this.h.table.get(id);
    if (m === undefined || m.status !== "alive" || m.incarnation <= accusedIncarnation) return;
    if (from === this.h.id || from === id || this.h.table.get(from) === undefined) return;
    const alive: AliveUpdate = {
      t: "alive",
      id,
      inc: m.incarnation,
      addr: m.addr,
      kind: m.kind,
      cluster: m.cluster,
    };
    this.h.send(from, { type: "gossip", updates: [alive] });
  }

  private dropSuspicion(id: string): void {
    this.suspicions.delete(id);
    this.nudgeAtMs.delete(id);
  }

  /** Our own suspicions are repeated to the suspect once per probe period: if our first word
   *  and its gossip copies were all lost, a live member would time out without ever hearing it
   *  was suspected. Bounded by the few suspecters each suspicion counts. */
  private nudge(nowMs: number): void {
    for (const [id, atMs] of this.nudgeAtMs) {
      if (nowMs < atMs) continue;
      const m = this.h.table.get(id);
      if (m === undefined || m.status !== "suspect") {
        this.nudgeAtMs.delete(id);
        continue;
      }
      this.nudgeAtMs.set(id, nowMs + this.h.config.probeIntervalMs);
      this.h.send(id, { type: "gossip", updates: [{ t: "suspect", id, inc: m.incarnation, by: this.h.id }] });
    }
  }

  checkSuspicions(nowMs: number): void {
    this.nudge(nowMs);
    for (const [id, s] of this.suspicions) {
      if (nowMs < s.deadlineMs()) continue;
      this.dropSuspicion(id);
      const m = this.h.table.get(id);
      if (m?.status === "suspect") this.onDead({ t: "dead", id, inc: m.incarnation, by: this.h.id }, nowMs);
    }
  }

  private self(): Member {
    return this.h.table.get(this.h.id) as Member;
  }

  selfAlive(inc: number): AliveUpdate {
    const c = this.h.config;
    return { t: "alive", id: c.id, inc, addr: c.addr, kind: c.kind, cluster: c.cluster };
  }
}
