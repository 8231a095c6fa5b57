// Many real GossipNodes on one seeded simulated network and clock: crash, restart, partition,
// leave and publish, with every event and every byte recorded for the checkers and the bench.
import { GossipNode } from "../gossip/gossip-node.ts";
import { decodeGossipMessage } from "../gossip/codec.ts";
import { type GossipConfig, gossipConfig } from "../gossip/config.ts";
import type { GossipEvent } from "../gossip/events.ts";
import type { GossipMessage, MemberKind, SyncEntry } from "../gossip/messages.ts";
import { msgpackSize } from "../gossip/wire-size.ts";
import type { Rng } from "../lib/rng.ts";
import { pack, unpack } from "msgpackr";
import { SimClock } from "./sim-clock.ts";
import { type LinkFaults, SimNetwork } from "./sim-network.ts";

/** What the authenticated envelope adds around each gossip message (DESIGN, wire formats). */
export const ENVELOPE_OVERHEAD_BYTES = 50;

export interface GossipClusterOptions {
  rng: Rng;
  faults?: LinkFaults;
  config?: Partial<GossipConfig>;
  /** How often every node's tick runs (its timers are checked at this granularity). */
  tickEveryMs?: number;
  /** Round-trip every message through msgpack and the codec, as the real shell does (slower). */
  wire?: boolean;
}

export interface NodeSpec {
  kind?: MemberKind;
  cluster?: string;
}

export interface RecordedEvent {
  atMs: number;
  node: string;
  event: GossipEvent;
}

export interface NodeTraffic {
  messagesSent: number;
  bytesSent: number;
}

export class GossipCluster {
  readonly clock = new SimClock(0);
  readonly net: SimNetwork<GossipMessage>;
  readonly events: RecordedEvent[] = [];
  readonly traffic = new Map<string, NodeTraffic>();
  /** Largest encoded message seen, envelope excluded. */
  maxMessageBytes = 0;
  decodeFailures = 0;
  private readonly nodes = new Map<string, GossipNode>();
  private readonly specs = new Map<string, Required<NodeSpec>>();
  private readonly down = new Set<string>();
  private readonly leftIds = new Set<string>();
  /** When each node stopped running (crash or leave) and started again, in order. */
  private readonly lifecycle: { atMs: number; id: string; up: boolean }[] = [];
  private readonly rng: Rng;
  private readonly tickEveryMs: number;
  private nextTickAtMs = 0;
  private counter = 0;

  constructor(private readonly options: GossipClusterOptions) {
    this.rng = options.rng;
    this.net = new SimNetwork<GossipMessage>(this.rng.fork(), options.faults);
    this.tickEveryMs = options.tickEveryMs ?? 5;
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  ids(): string[] {
    return [...this.specs.keys()];
  }

  /** Running members that have not left. */
  liveIds(): string[] {
    return this.ids().filter((id) => this.nodes.has(id) && !this.down.has(id) && !this.leftIds.has(id));
  }

  node(id: string): GossipNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`no running node ${id}`);
    return n;
  }

  isUp(id: string): boolean {
    return this.nodes.has(id) && !this.down.has(id);
  }

  /** Adds `count` nodes named n<k>; each joins through the first node of the cluster. */
  addNodes(count: number, spec: NodeSpec = {}): string[] {
    const added: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `n${++this.counter}`;
      this.specs.set(id, { kind: spec.kind ?? "agent", cluster: spec.cluster ?? "c1" });
      this.start(id);
      added.push(id);
    }
    return added;
  }

  /** Adds `count` nodes that start already knowing each other (as from a membership snapshot),
   *  so big-cluster tests measure dissemination, not a thousand simultaneous joins. */
  bootstrap(count: number, spec: NodeSpec & { clusterSize?: number } = {}): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `n${++this.counter}`;
      const cluster = spec.cluster ?? (spec.clusterSize ? `c${Math.floor(i / spec.clusterSize) + 1}` : "c1");
      this.specs.set(id, { kind: spec.kind ?? "agent", cluster });
      ids.push(id);
    }
    const entries: SyncEntry[] = ids.map((id) => {
      const s = this.specs.get(id) as Required<NodeSpec>;
      return [id, 0, "alive", addressOf(id), s.kind, s.cluster, 0];
    });
    for (const id of ids) {
      this.start(id, false);
      this.node(id).restore(entries, this.nowMs);
    }
    return ids;
  }

  /** True when `id` ran without a crash or leave over the whole of [fromMs, toMs]. */
  wasUpThroughout(id: string, fromMs: number, toMs: number): boolean {
    let up = this.specs.has(id);
    for (const e of this.lifecycle) {
      if (e.id !== id) continue;
      if (e.atMs <= fromMs) up = e.up;
      else if (e.atMs <= toMs && !e.up) return false;
    }
    return up;
  }

  crash(id: string): void {
    this.lifecycle.push({ atMs: this.nowMs, id, up: false });
    this.nodes.delete(id);
    this.down.add(id);
    this.net.dropInFlight(id);
  }

  /** A fresh process under the same id: no memory of its previous life but its seeds. */
  restart(id: string): void {
    this.lifecycle.push({ atMs: this.nowMs, id, up: true });
    this.down.delete(id);
    this.leftIds.delete(id);
    this.start(id);
  }

  /** Graceful leave; the node keeps running (to flush its farewell) but counts as stopped. */
  leave(id: string): void {
    this.lifecycle.push({ atMs: this.nowMs, id, up: false });
    this.node(id).leave(this.nowMs);
    this.flush(id);
    this.leftIds.add(id);
  }

  publish(id: string, record: Uint8Array): number {
    const r = this.node(id).publish(record, this.nowMs);
    this.flush(id);
    if (!r.ok) throw new RangeError(r.error.code);
    return r.value;
  }

  /** Runs the simulation for `ms` of virtual time. */
  run(ms: number): void {
    this.runUntil(() => false, ms);
  }

  /** Runs until `done()` holds (checked after each tick round) or `maxMs` passes; true if done. */
  runUntil(done: () => boolean, maxMs: number): boolean {
    const endMs = this.nowMs + maxMs;
    for (;;) {
      const nextDelivery = this.net.nextDeliveryAtMs() ?? Number.POSITIVE_INFINITY;
      const nextMs = Math.min(nextDelivery, this.nextTickAtMs);
      if (nextMs > endMs) {
        this.clock.advanceTo(endMs);
        return done();
      }
      this.clock.advanceTo(Math.max(nextMs, this.nowMs));
      for (const d of this.net.deliverDue(this.nowMs)) this.deliver(d.from, d.to, d.msg);
      if (this.nowMs >= this.nextTickAtMs) {
        this.nextTickAtMs = this.nowMs + this.tickEveryMs;
        for (const [id, n] of this.nodes) {
          n.tick(this.nowMs);
          this.flush(id);
        }
        if (done()) return true;
      }
    }
  }

  private start(id: string, join = true): void {
    const spec = this.specs.get(id) as Required<NodeSpec>;
    const config = gossipConfig(
      { id, addr: addressOf(id), kind: spec.kind, cluster: spec.cluster },
      this.options.config ?? {},
    );
    const node = new GossipNode(config, this.rng.fork(), this.nowMs);
    this.nodes.set(id, node);
    const seed = this.ids().find((other) => other !== id && this.isUp(other));
    if (seed !== undefined && join) node.join([seed], this.nowMs);
    this.flush(id);
  }

  private deliver(from: string, to: string, msg: GossipMessage): void {
    const node = this.nodes.get(to);
    if (node === undefined || this.down.has(to)) return;
    let typed = msg;
    if (this.options.wire === true) {
      const decoded = decodeGossipMessage(unpack(pack(msg)));
      if (!decoded.ok) {
        this.decodeFailures++;
        return;
      }
      typed = decoded.value;
    }
    node.step(from, typed, this.nowMs);
    this.flush(to);
  }

  private flush(id: string): void {
    const node = this.nodes.get(id);
    if (node === undefined) return;
    const { messages, events } = node.ready();
    for (const event of events) this.events.push({ atMs: this.nowMs, node: id, event });
    const t = this.traffic.get(id) ?? { messagesSent: 0, bytesSent: 0 };
    for (const { to, msg } of messages) {
      const size = msgpackSize(msg);
      if (size > this.maxMessageBytes) this.maxMessageBytes = size;
      t.messagesSent++;
      t.bytesSent += size + ENVELOPE_OVERHEAD_BYTES;
      this.net.send(id, to, msg, this.nowMs);
    }
    this.traffic.set(id, t);
    node.advance();
  }
}

export function addressOf(id: string): string {
  const n = Number.parseInt(id.replace(/\D/g, ""), 10) || 0;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:7946`;
}
