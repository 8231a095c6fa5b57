// One UDP socket, several protocols: every datagram's authenticated body carries
// { c: channel, m: message }. This file owns that demux. Channels in use: "g" gossip
// (gossip-host.ts), "r" raft (raft-host.ts), "p" proposal forwarding. A host plugs in with
// register(name, handler) and talks with send(toNodeIdOrAddress, name, msg).
import { GOSSIP_MEMBERS_MAX } from "../lib/limits.ts";
import { ok, type Result } from "../lib/result.ts";
import { acceptDatagram } from "../net/accept-datagram.ts";
import { DropCounters } from "../net/drop-counters.ts";
import type { DropReason } from "../net/drop-reason.ts";
import { seal } from "../net/envelope.ts";
import type { Keyring } from "../net/keyring.ts";
import type { ReplayWindow } from "../net/replay-window.ts";
import { type Address, addressKey, parseAddressKey, type Transport } from "../net/transport.ts";
import type { RuntimeClock } from "./clock.ts";

export interface ChannelHandler<T = unknown> {
  /** Turns decoded msgpack into the channel's typed message; an error drops and counts it.
   *  Optional: without it onMessage receives the raw value. */
  decode?(msg: unknown): Result<T, { code: string }>;
  /** `from` is the authenticated sender's node id; nowMs is the monotonic clock. */
  onMessage(from: string, msg: T, nowMs: number): void;
}

/** Why an authenticated datagram, or an outgoing message, went nowhere. */
export const CHANNEL_DROP_REASONS = [
  "bad-frame", // the body's msg is not { c, m }
  "unknown-channel", // no handler registered under c
  "bad-message", // the handler's decode refused m
  "handler-failed", // the handler threw (a bug; the agent carries on)
  "own-id", // a datagram signed with our own node id: another process runs under our id
  "unknown-peer", // send() to a node id with no known address
  "unsendable", // seal refused the message (too large or not encodable)
] as const;
export type ChannelDropReason = (typeof CHANNEL_DROP_REASONS)[number];

export type DropNotice =
  | { layer: "envelope"; reason: DropReason; from: string }
  | { layer: "channel"; reason: ChannelDropReason; peer: string; channel: string | null; detail: string };

interface IncomingProblem {
  reason: ChannelDropReason;
  channel: string | null;
  detail: string;
}

export interface ChannelTraffic {
  datagramsIn: number;
  datagramsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Sent and received per channel name. */
  perChannel: Record<string, { in: number; out: number }>;
}

export interface ChannelsOptions {
  transport: Transport;
  keyring: Keyring;
  replayWindow: ReplayWindow;
  selfId: string;
  /** Envelope incarnation: must grow across restarts (incarnation.ts persists and raises it)
   *  so peers' replay windows accept the new life's sequence numbers. */
  incarnation: number;
  clock: RuntimeClock;
  /** A node id's "host:port" as membership knows it (GossipNode.addressOf), or null. */
  resolve(nodeId: string): string | null;
  onDrop?(notice: DropNotice): void;
}

export class Channels {
  readonly envelopeDrops = new DropCounters();
  private readonly channelDrops = Object.fromEntries(CHANNEL_DROP_REASONS.map((r) => [r, 0])) as Record<
    ChannelDropReason,
    number
  >;
  private readonly handlers = new Map<string, ChannelHandler>();
  /** Where each authenticated sender was last heard from: replies to a peer membership does not
   *  know yet go back where it came from. Bounded like the member table; the entry least
   *  recently changed is forgotten first. */
  private readonly lastSource = new Map<string, Address>();
  private readonly traffic: ChannelTraffic = {
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    perChannel: {},
  };
  private seq = 0;

  constructor(private readonly o: ChannelsOptions) {
    o.transport.onReceive((from, bytes) => this.receive(from, bytes));
  }

  /** One handler per channel; registering a name twice is a wiring bug. */
  register<T>(channel: string, handler: ChannelHandler<T>): void {
    if (this.handlers.has(channel)) throw new Error(`channel "${channel}" registered twice`);
    this.handlers.set(channel, handler as ChannelHandler);
    this.traffic.perChannel[channel] ??= { in: 0, out: 0 };
  }

  /** Seals and sends; `to` is a node id or a "host:port" (seeds). False when it went nowhere
   *  (counted as unknown-peer or unsendable). */
  send(to: string, channel: string, msg: unknown): boolean {
    const address = this.addressFor(to);
    if (address === null) return this.dropOutgoing("unknown-peer", to, channel, "no known address");
    const sealed = seal(
      {
        sender: this.o.selfId,
        incarnation: this.o.incarnation,
        seq: this.seq++,
        sentAtWallMs: this.o.clock.wallMs(),
        msg: { c: channel, m: msg },
      },
      this.o.keyring,
    );
    if (!sealed.ok) return this.dropOutgoing("unsendable", to, channel, sealed.error.code);
    this.o.transport.send(address, sealed.value);
    this.traffic.datagramsOut++;
    this.traffic.bytesOut += sealed.value.length;
    const c = this.traffic.perChannel[channel];
    if (c !== undefined) c.out++;
    return true;
  }

  /** The receive pipeline; wired to the transport by the constructor, public for tests. */
  receive(from: Address, bytes: Uint8Array): void {
    this.traffic.datagramsIn++;
    this.traffic.bytesIn += bytes.length;
    const accepted = acceptDatagram(bytes, this.o.keyring, this.o.replayWindow);
    if (!accepted.ok) {
      this.envelopeDrops.record(accepted.error);
      this.o.onDrop?.({ layer: "envelope", reason: accepted.error, from: addressKey(from) });
      return;
    }
    const { sender, msg } = accepted.value;
    const problem = this.dispatch(sender, from, msg);
    if (problem !== null) {
      this.channelDrops[problem.reason]++;
      this.o.onDrop?.({ layer: "channel", peer: `${sender}@${addressKey(from)}`, ...problem });
    }
  }

  /** Hands an authenticated body to its channel; what went wrong, or null. */
  private dispatch(sender: string, from: Address, msg: unknown): IncomingProblem | null {
    if (sender === this.o.selfId) return { reason: "own-id", channel: null, detail: "sender id is ours" };
    this.rememberSource(sender, from);
    if (!isFrame(msg)) return { reason: "bad-frame", channel: null, detail: "body is not {c, m}" };
    const handler = this.handlers.get(msg.c);
    if (handler === undefined) return { reason: "unknown-channel", channel: msg.c.slice(0, 16), detail: "" };
    const decoded = handler.decode ? handler.decode(msg.m) : ok(msg.m);
    if (!decoded.ok)
      return { reason: "bad-message", channel: msg.c, detail: JSON.stringify(decoded.error).slice(0, 200) };
    const c = this.traffic.perChannel[msg.c];
    if (c !== undefined) c.in++;
    try {
      handler.onMessage(sender, decoded.value, this.o.clock.monoMs());
    } catch (e) {
      return { reason: "handler-failed", channel: msg.c, detail: e instanceof Error ? e.message : String(e) };
    }
    return null;
  }

  stats(): ChannelTraffic {
    const perChannel: ChannelTraffic["perChannel"] = {};
    for (const [name, c] of Object.entries(this.traffic.perChannel)) perChannel[name] = { ...c };
    return { ...this.traffic, perChannel };
  }

  channelDropCounts(): Record<ChannelDropReason, number> {
    return { ...this.channelDrops };
  }

  private addressFor(to: string): Address | null {
    // Node ids can't hold ':' (config schema), addresses always do.
    if (to.includes(":")) return parseAddressKey(to);
    const known = this.o.resolve(to);
    if (known !== null) return parseAddressKey(known);
    return this.lastSource.get(to) ?? null;
  }

  private rememberSource(sender: string, from: Address): void {
    const known = this.lastSource.get(sender);
    if (known !== undefined && known.port === from.port && known.host === from.host) return;
    this.lastSource.delete(sender);
    if (this.lastSource.size >= GOSSIP_MEMBERS_MAX) {
      const oldest = this.lastSource.keys().next().value;
      if (oldest !== undefined) this.lastSource.delete(oldest);
    }
    this.lastSource.set(sender, from);
  }

  private dropOutgoing(reason: ChannelDropReason, peer: string, channel: string, detail: string): false {
    this.channelDrops[reason]++;
    this.o.onDrop?.({ layer: "channel", reason, peer, channel, detail });
    return false;
  }
}

function isFrame(v: unknown): v is { c: string; m: unknown } {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { c?: unknown }).c === "string" &&
    "m" in v
  );
}
