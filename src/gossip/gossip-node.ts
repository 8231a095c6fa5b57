// One member's gossip state machine: SWIM failure detection with Lifeguard's refinements, and
// dissemination of each member's opaque record. Pure: time arrives as nowMs, randomness through
// the injected Rng, and all work comes back from ready() as messages and events.
import {
  GOSSIP_CLUSTER_PUSH_MAX,
  GOSSIP_PIGGYBACK_MAX,
  GOSSIP_RECORD_BYTES_MAX,
  GOSSIP_SYNC_PAGES_MAX,
  GOSSIP_SYNC_RECORDS_MAX,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Rng } from "../lib/rng.ts";
import { recordChunksFor, syncEntries } from "./anti-entropy.ts";
import { BroadcastQueue } from "./broadcast-queue.ts";
import { ChunkAssembler, splitRecord } from "./chunking.ts";
import type { GossipConfig } from "./config.ts";
import { type GossipEvent, type MemberView, viewOf } from "./events.ts";
import { type Member, MemberTable } from "./member-table.ts";
import { Membership } from "./membership.ts";
import type {
  DeadUpdate,
  GossipMessage,
  GossipUpdate,
  RecordUpdate,
  SyncEntry,
  SyncMessage,
} from "./messages.ts";
import { packSyncPages, packUpdates, piggybackBudget } from "./packing.ts";
import { PeerSetCache, type PeerSets, sampleDistinct } from "./peer-sets.ts";
import { ProbeCycle } from "./probe-cycle.ts";
import { Awareness, pushPullIntervalMs, retransmitLimit } from "./suspicion.ts";
import { msgpackSize } from "./wire-size.ts";

export interface Outgoing {
  /** A member id, or for join() a seed exactly as given. */
  to: string;
  msg: GossipMessage;
}

export interface GossipReady {
  messages: Outgoing[];
  events: GossipEvent[];
}

export type GossipPublishError = { code: "gossip.record-too-large"; sizeBytes: number; maxBytes: number };

export class GossipNode {
  readonly id: string;
  // Shared with Membership and ProbeCycle (the node's parts); shells use the queries below.
  readonly table = new MemberTable();
  readonly queue = new BroadcastQueue();
  readonly awareness: Awareness;
  private readonly assembler = new ChunkAssembler();
  private readonly membership: Membership;
  private readonly peerCache: PeerSetCache;
  private readonly probes: ProbeCycle;
  private outbox: Outgoing[] = [];
  private eventLog: GossipEvent[] = [];
  private nextGossipAtMs: number;
  private nextPushPullAtMs: number;
  private seeds: string[] = [];
  private nextJoinAtMs = Number.POSITIVE_INFINITY;
  private leftAtMs: number | null = null;
  /** Highest version of our own record seen anywhere: a previous life of this node may have
   *  published higher versions, and newer-version-wins would otherwise ignore us. */
  private ownVersionFloor = 0;

  constructor(
    readonly config: GossipConfig,
    private readonly rng: Rng,
    nowMs: number,
  ) {
    this.id = config.id;
    this.awareness = new Awareness(config.awarenessMax);
    this.peerCache = new PeerSetCache(config.id, config.cluster);
    this.membership = new Membership(this);
    this.table.applyAlive(this.membership.selfAlive(0), nowMs);
    this.probes = new ProbeCycle(this, config, rng, this.awareness, nowMs);
    this.nextGossipAtMs = nowMs + rng.int(config.gossipIntervalMs);
    this.nextPushPullAtMs = nowMs + rng.int(config.pushPullIntervalMs);
  }

  // ---- the core interface ----

  tick(nowMs: number): void {
    if (this.leftAtMs === null) {
      if (this.config.kind !== "observer") this.probes.tick(nowMs);
      this.membership.checkSuspicions(nowMs);
      this.pushPullTick(nowMs);
      this.joinTick(nowMs);
      this.assembler.expire(nowMs);
    }
    this.gossipTick(nowMs);
  }

  step(from: string, msg: GossipMessage, nowMs: number): void {
    this.dispatch(from, msg, nowMs);
    // After dispatch: the message itself may be what introduced the sender (a joiner's sync).
    this.table.heardFrom(from, nowMs);
  }

  private dispatch(from: string, msg: GossipMessage, nowMs: number): void {
    if (this.leftAtMs !== null) {
      if (msg.type === "ping" && msg.target === this.id)
        this.send(from, { type: "ack", seq: msg.seq, updates: [] });
      return;
    }
    switch (msg.type) {
      case "ping":
        if (msg.target !== this.id) return;
        this.applyUpdates(msg.updates, from, nowMs);
        this.send(from, this.withPiggyback({ type: "ack", seq: msg.seq, updates: [] }, [], nowMs));
        return;
      case "ack":
        this.applyUpdates(msg.updates, from, nowMs);
        this.probes.onAck(msg.seq, nowMs);
        return;
      case "ping-req":
        this.applyUpdates(msg.updates, from, nowMs);
        if (this.config.kind !== "observer") this.probes.onPingReq(from, msg.seq, msg.target, nowMs);
        return;
      case "nack":
        this.probes.onNack(msg.seq);
        return;
      case "gossip":
        this.applyUpdates(msg.updates, from, nowMs);
        return;
      case "sync":
        this.onSync(from, msg, nowMs);
        return;
      case "rec-req":
        this.sendRecords(from, msg.ids.slice(0, GOSSIP_SYNC_RECORDS_MAX), nowMs);
        return;
    }
  }

  /** Publishes this node's record; returns the version assigned. */
  publish(record: Uint8Array, nowMs: number): Result<number, GossipPublishError> {
    if (record.length > GOSSIP_RECORD_BYTES_MAX)
      return err({
        code: "gossip.record-too-large",
        sizeBytes: record.length,
        maxBytes: GOSSIP_RECORD_BYTES_MAX,
      });
    const me = this.self();
    const version = Math.max(me.record?.version ?? 0, this.ownVersionFloor) + 1;
    me.record = { data: record.slice(), version, updatedAtMs: nowMs };
    const chunks = splitRecord(this.id, version, me.record.data);
    this.queue.queueRecord(this.id, chunks, nowMs);
    // Failover needs its cluster's fresh state within one probe period, not after gossip rounds.
    const targets = this.peers().sameCluster.slice(0, GOSSIP_CLUSTER_PUSH_MAX);
    for (const msg of packUpdates(chunks)) for (const to of targets) this.send(to, msg);
    return ok(version);
  }

  join(seeds: readonly string[], nowMs: number): void {
    this.seeds = seeds.filter((s) => s !== this.id);
    this.sendJoin(nowMs);
  }

  /** Loads a membership snapshot (a previous life's table, saved by the shell) so a restart
   *  knows its peers at once. Entries are taken as alive at their incarnation and are not
   *  re-gossiped: the cluster already knows them, and probing corrects anything out of date. */
  restore(entries: readonly SyncEntry[], nowMs: number): void {
    for (const [id, inc, status, addr, kind, cluster] of entries) {
      if (id === this.id || status === "left" || status === "dead") continue;
      this.table.applyAlive({ t: "alive", id, inc, addr, kind, cluster }, nowMs);
    }
  }

  /** This node's view as snapshot entries (what restore() takes). */
  snapshot(): SyncEntry[] {
    return syncEntries(this.table, this.id, this.rng);
  }

  /** Graceful leave: announced now, then only flushed by gossip; the shell may stop us soon after. */
  leave(nowMs: number): void {
    if (this.leftAtMs !== null) return;
    const me = this.self();
    const farewell: DeadUpdate = { t: "dead", id: this.id, inc: me.incarnation, by: this.id };
    me.status = "left";
    me.statusChangedAtMs = nowMs;
    this.leftAtMs = nowMs;
    this.queue.queueMembership(farewell);
    const peers = this.peers();
    const targets = [
      ...new Set([...peers.sameCluster, ...sampleDistinct(this.rng, peers.peers, this.config.gossipFanout)]),
    ];
    for (const to of targets.slice(0, GOSSIP_CLUSTER_PUSH_MAX))
      this.send(to, { type: "gossip", updates: [farewell] });
  }

  ready(): GossipReady {
    return { messages: this.outbox, events: this.eventLog };
  }

  advance(): void {
    this.outbox = [];
    this.eventLog = [];
  }

  // ---- queries ----

  members(nowMs: number): MemberView[] {
    return [...this.table.all()]
      .map((m) => viewOf(m, nowMs))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  member(id: string, nowMs: number): MemberView | null {
    const m = this.table.get(id);
    return m === undefined ? null : viewOf(m, nowMs);
  }

  /** Live members (alive or suspect), this node included. */
  liveCount(): number {
    return this.peers().liveCount;
  }

  /** Version of `id`'s record as this node holds it; 0 when it has none. */
  recordVersionOf(id: string): number {
    return this.table.get(id)?.record?.version ?? 0;
  }

  addressOf(id: string): string | null {
    return this.table.get(id)?.addr ?? null;
  }

  get incarnation(): number {
    return this.self().incarnation;
  }

  get healthScore(): number {
    return this.awareness.score;
  }

  get pendingBroadcasts(): number {
    return this.queue.size;
  }

  // ---- used by ProbeCycle ----

  peers(): PeerSets {
    return this.peerCache.get(this.table);
  }

  memberOf(id: string): Member | undefined {
    return this.table.get(id);
  }

  emit(event: GossipEvent): void {
    this.eventLog.push(event);
  }

  /** A probe of `id` at `incarnation` went unanswered, directly and through helpers. */
  suspect(id: string, incarnation: number, nowMs: number): void {
    this.membership.suspect(id, incarnation, nowMs);
  }

  send(to: string, msg: GossipMessage): void {
    this.outbox.push({ to, msg });
  }

  /** Fills `base` (a message with empty updates) with `first`, then pending updates that fit. */
  withPiggyback<M extends Extract<GossipMessage, { updates: GossipUpdate[] }>>(
    base: M,
    first: GossipUpdate[],
    nowMs: number,
  ): M {
    const budget = piggybackBudget(base) - first.reduce((n, u) => n + msgpackSize(u), 0);
    const limit = retransmitLimit(this.config.retransmitMult, this.peers().liveCount);
    const rest = this.queue.select(budget, GOSSIP_PIGGYBACK_MAX - first.length, limit, nowMs);
    return { ...base, updates: [...first, ...rest] };
  }

  // ---- applying what peers tell us ----

  private applyUpdates(updates: readonly GossipUpdate[], from: string, nowMs: number): void {
    for (const u of updates) {
      switch (u.t) {
        case "alive":
          this.membership.onAlive(u, nowMs);
          break;
        case "suspect":
          this.membership.onSuspect(u, nowMs, from);
          break;
        case "dead":
          this.membership.onDead(u, nowMs, from);
          break;
        case "rec":
          this.onRecordChunk(u, nowMs);
          break;
      }
    }
  }

  private onRecordChunk(u: RecordUpdate, nowMs: number): void {
    if (u.id === this.id) {
      this.raiseOwnVersionFloor(u.ver, nowMs);
      return;
    }
    const m = this.table.get(u.id);
    if (m === undefined) return;
    const whole = this.assembler.add(u, m.record?.version ?? 0, nowMs);
    if (whole === null) return;
    const updatedAtMs = nowMs - whole.ageMs;
    m.record = { data: whole.data, version: whole.ver, updatedAtMs };
    this.queue.queueRecord(u.id, splitRecord(u.id, whole.ver, whole.data), updatedAtMs);
    this.eventLog.push({ type: "record-updated", id: u.id, version: whole.ver });
  }

  private raiseOwnVersionFloor(seenVersion: number, nowMs: number): void {
    if (seenVersion <= this.ownVersionFloor) return;
    this.ownVersionFloor = seenVersion;
    const mine = this.self().record;
    if (mine !== null && mine.version < seenVersion) this.publish(mine.data, nowMs);
  }

  // ---- dissemination and anti-entropy ----

  private gossipTick(nowMs: number): void {
    if (nowMs < this.nextGossipAtMs) return;
    this.nextGossipAtMs = nowMs + this.config.gossipIntervalMs;
    if (this.queue.size === 0) return;
    for (const to of sampleDistinct(this.rng, this.peers().peers, this.config.gossipFanout)) {
      const msg = this.withPiggyback({ type: "gossip" as const, updates: [] }, [], nowMs);
      if (msg.updates.length === 0) return;
      this.send(to, msg);
    }
  }

  private pushPullTick(nowMs: number): void {
    if (nowMs < this.nextPushPullAtMs) return;
    const peers = this.peers();
    this.nextPushPullAtMs = nowMs + pushPullIntervalMs(this.config.pushPullIntervalMs, peers.liveCount);
    for (const id of this.table.reclaim(nowMs, this.config.deadReclaimMs))
      this.eventLog.push({ type: "member-reclaimed", id });
    // Half the time, try a member we think dead: after a partition heals this is how the two
    // sides find each other again (their probes no longer cross).
    const pool =
      peers.dead.length > 0 && (peers.peers.length === 0 || this.rng.chance(0.5)) ? peers.dead : peers.peers;
    if (pool.length === 0) return;
    this.sendSync(this.rng.pick(pool), true);
  }

  private joinTick(nowMs: number): void {
    if (nowMs < this.nextJoinAtMs) return;
    if (this.peers().peers.length > 0) {
      this.nextJoinAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    this.sendJoin(nowMs);
  }

  private sendJoin(nowMs: number): void {
    for (const seed of this.seeds) this.sendSync(seed, true);
    this.nextJoinAtMs =
      this.seeds.length > 0 ? nowMs + 5 * this.config.probeIntervalMs : Number.POSITIVE_INFINITY;
  }

  private sendSync(to: string, wantReply: boolean): void {
    const entries = syncEntries(this.table, this.id, this.rng);
    for (const page of packSyncPages(entries, wantReply, GOSSIP_SYNC_PAGES_MAX)) this.send(to, page);
  }

  private onSync(from: string, msg: SyncMessage, nowMs: number): void {
    const wanted: string[] = [];
    const theirsOlder: string[] = [];
    for (const [id, inc, status, addr, kind, cluster, version] of msg.entries) {
      const known = this.table.get(id);
      if (status === "alive" || (status === "suspect" && known === undefined))
        this.membership.onAlive({ t: "alive", id, inc, addr, kind, cluster }, nowMs);
      // Like memberlist, a peer's "dead" only makes us suspect: we may still reach it ourselves.
      if (status === "suspect" || status === "dead")
        this.membership.onSuspect({ t: "suspect", id, inc, by: from }, nowMs, from);
      if (status === "left") this.membership.onDead({ t: "dead", id, inc, by: id }, nowMs);
      if (id === this.id) this.raiseOwnVersionFloor(version, nowMs);
      const mine = this.table.get(id)?.record?.version ?? 0;
      if (version > mine && id !== this.id) wanted.push(id);
      else if (mine > version) theirsOlder.push(id);
    }
    if (msg.wantReply) this.sendSync(from, false);
    if (wanted.length > 0)
      this.send(from, { type: "rec-req", ids: wanted.slice(0, GOSSIP_SYNC_RECORDS_MAX) });
    this.sendRecords(from, theirsOlder.slice(0, GOSSIP_SYNC_RECORDS_MAX), nowMs);
  }

  private sendRecords(to: string, ids: readonly string[], nowMs: number): void {
    for (const msg of packUpdates(recordChunksFor(this.table, ids, nowMs))) this.send(to, msg);
  }

  private self(): Member {
    return this.table.get(this.id) as Member;
  }
}
