// Joins the gossip as an OBSERVER: a member that hears everything and is probed by no one, used
// by the read commands and the console. It binds an ephemeral UDP port on the config's gossip
// address, seals with the config's keyring, joins through the local agent and the seeds, waits
// until the membership looks settled, and leaves gracefully when closed.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Config } from "../config/config.ts";
import { decodeGossipMessage, type GossipDecodeError } from "../gossip/codec.ts";
import { gossipConfig } from "../gossip/config.ts";
import type { MemberView } from "../gossip/events.ts";
import { GossipNode } from "../gossip/gossip-node.ts";
import type { GossipMessage } from "../gossip/messages.ts";
import { OBSERVER_LEAVE_FLUSH_MS, OBSERVER_SETTLE_MS_DEFAULT, OBSERVER_TICK_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { seededRng } from "../lib/rng.ts";
import { createKeyring, type Keyring, type KeyringConfig as NetKeyringConfig } from "../net/keyring.ts";
import type { KeyringError, TransportError } from "../net/net-error.ts";
import { ReplayWindow } from "../net/replay-window.ts";
import { openUdpTransport, type UdpTransport } from "../net/udp-transport.ts";
import { decodeAgentRecord } from "./agent-record-codec.ts";
import { Channels } from "./channels.ts";
import { type RuntimeClock, systemClock } from "./clock.ts";
import { GOSSIP_CHANNEL } from "./gossip-host.ts";
import type { MemberInput } from "./member-facts.ts";

export type ObserverError =
  | KeyringError
  | TransportError
  | { code: "observer.no-seeds"; configPath: string }
  | { code: "observer.nobody-answered"; seeds: string[]; waitedMs: number };

export interface ObserverOptions {
  clock?: RuntimeClock;
  /** Joined through instead of the config's own gossip address and seeds. */
  seeds?: readonly string[];
}

export interface Observation {
  /** The observer's own member id (it is among members, as an observer). */
  selfId: string;
  members: MemberInput[];
  /** The observer's monotonic now the ages are relative to, and its wall clock. */
  nowMs: number;
  nowWallMs: number;
  /** False when the deadline passed before every live member's record had arrived. */
  settled: boolean;
  /** Records that arrived but could not be decoded (a newer or broken peer), by member id. */
  undecodable: { id: string; code: string }[];
}

function keyringOf(config: Config): Result<Keyring, KeyringError> {
  const cfg: NetKeyringConfig = {
    primary: config.keyring.primary.reveal(),
    keys: config.keyring.keys.map((k) => k.reveal()),
  };
  return createKeyring(cfg);
}

/** Where to join: the local agent (this config's own gossip address) first, then its seeds. */
export function seedsOf(config: Config): string[] {
  const own = `${config.gossip.advertise}:${config.gossip.port}`;
  // Bracketless "host:port": the transport splits at the last colon.
  return [...new Set([own, ...config.gossip.seeds.map((e) => `${e.host}:${e.port}`)])];
}

function observerId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 40);
  return `observer-${host}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

function memberInputOf(m: MemberView, undecodable: Observation["undecodable"]): MemberInput {
  let record: MemberInput["record"] = null;
  if (m.record !== null && m.kind !== "observer") {
    const decoded = decodeAgentRecord(m.record.data);
    if (decoded.ok) record = decoded.value;
    else undecodable.push({ id: m.id, code: decoded.error.code });
  }
  return {
    id: m.id,
    addr: m.addr,
    kind: m.kind,
    cluster: m.cluster,
    status: m.status,
    lastHeardAgeMs: m.lastHeardAgeMs,
    record,
    recordAgeMs: record === null ? null : (m.record?.ageMs ?? null),
  };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * decodeGossipMessage, tolerating one quirk of agents on a real clock: a relayed record chunk's
 * age can be fractional milliseconds, which the strict codec refuses. Rounded here, so an
 * observer still gets every record; everything else is checked exactly as the codec does.
 */
export function decodeObservedGossip(msg: unknown): Result<GossipMessage, GossipDecodeError> {
  if (isObj(msg) && Array.isArray(msg.updates)) {
    const updates = msg.updates.map((u) =>
      isObj(u) && u.t === "rec" && typeof u.ageMs === "number" && Number.isFinite(u.ageMs) && u.ageMs >= 0
        ? { ...u, ageMs: Math.round(u.ageMs) }
        : u,
    );
    return decodeGossipMessage({ ...msg, updates });
  }
  return decodeGossipMessage(msg);
}

/** Settled: someone answered and every live agent or witness has its record here. */
export function looksSettled(members: readonly MemberView[], selfId: string): boolean {
  const others = members.filter((m) => m.id !== selfId && m.kind !== "observer");
  if (others.length === 0) return false;
  return others.every((m) => m.record !== null || m.status === "dead" || m.status === "left");
}

/** The observer's gossip node on channel "g" of its own socket; ready() is drained after every input. */
class ObserverNode {
  constructor(
    readonly node: GossipNode,
    private readonly channels: Channels,
  ) {
    channels.register<GossipMessage>(GOSSIP_CHANNEL, {
      decode: decodeObservedGossip,
      onMessage: (from, msg, nowMs) => {
        node.step(from, msg, nowMs);
        this.flush();
      },
    });
  }

  run(act: (node: GossipNode) => void): void {
    act(this.node);
    this.flush();
  }

  private flush(): void {
    const { messages } = this.node.ready();
    this.node.advance();
    for (const { to, msg } of messages) this.channels.send(to, GOSSIP_CHANNEL, msg);
  }
}

export class GossipObserver {
  private closed: Promise<void> | null = null;

  private constructor(
    readonly id: string,
    readonly seeds: readonly string[],
    private readonly gossip: ObserverNode,
    private readonly transport: UdpTransport,
    private readonly clock: RuntimeClock,
    private readonly timer: ReturnType<typeof setInterval>,
  ) {}

  static async open(config: Config, o: ObserverOptions = {}): Promise<Result<GossipObserver, ObserverError>> {
    const clock = o.clock ?? systemClock;
    const seeds = o.seeds ?? seedsOf(config);
    if (seeds.length === 0) return err({ code: "observer.no-seeds", configPath: config.sourcePath });
    const keyring = keyringOf(config);
    if (!keyring.ok) return keyring;
    const opened = await openUdpTransport({ host: config.gossip.bind, port: 0 });
    if (!opened.ok) return opened;
    const transport = opened.value;
    const id = observerId();
    const addr = `${config.gossip.advertise}:${transport.localAddress().port}`;
    const nowMs = clock.monoMs();
    const node = new GossipNode(
      gossipConfig({ id, addr, kind: "observer", cluster: config.cluster }),
      seededRng(randomBytes(4).readUInt32LE(0)),
      nowMs,
    );
    const channels = new Channels({
      transport,
      keyring: keyring.value,
      replayWindow: new ReplayWindow(),
      selfId: id,
      incarnation: Math.floor(clock.wallMs()),
      clock,
      resolve: (nodeId) => node.addressOf(nodeId),
    });
    const gossip = new ObserverNode(node, channels);
    gossip.run((n) => n.join(seeds, nowMs));
    const timer = setInterval(() => gossip.run((n) => n.tick(clock.monoMs())), OBSERVER_TICK_MS);
    return ok(new GossipObserver(id, seeds, gossip, transport, clock, timer));
  }

  /** Everything known right now, records decoded. */
  observe(): Observation {
    const nowMs = this.clock.monoMs();
    const undecodable: Observation["undecodable"] = [];
    const views = this.gossip.node.members(nowMs);
    const members = views.map((m) => memberInputOf(m, undecodable));
    return {
      selfId: this.id,
      members,
      nowMs,
      nowWallMs: this.clock.wallMs(),
      settled: looksSettled(views, this.id),
      undecodable,
    };
  }

  /** Resolves once settled or at the deadline; the observation says which. */
  async waitSettled(deadlineMs: number = OBSERVER_SETTLE_MS_DEFAULT): Promise<Observation> {
    const until = this.clock.monoMs() + deadlineMs;
    for (;;) {
      const seen = this.observe();
      if (seen.settled || this.clock.monoMs() >= until) return seen;
      await new Promise((r) => setTimeout(r, OBSERVER_TICK_MS));
    }
  }

  /** Announces the leave, lets gossip carry it briefly, then releases the socket. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.gossip.run((n) => n.leave(this.clock.monoMs()));
      await new Promise((r) => setTimeout(r, OBSERVER_LEAVE_FLUSH_MS));
      clearInterval(this.timer);
      await this.transport.close();
    })();
    return this.closed;
  }
}

/** Join, wait until settled (or the deadline), collect, leave, close. */
export async function observeOnce(
  config: Config,
  settleMs: number = OBSERVER_SETTLE_MS_DEFAULT,
  o: ObserverOptions = {},
): Promise<Result<Observation, ObserverError>> {
  const opened = await GossipObserver.open(config, o);
  if (!opened.ok) return opened;
  const observer = opened.value;
  try {
    const seen = await observer.waitSettled(settleMs);
    const heard = seen.members.some((m) => m.id !== observer.id && m.kind !== "observer");
    if (!heard)
      return err({ code: "observer.nobody-answered", seeds: [...observer.seeds], waitedMs: settleMs });
    return ok(seen);
  } finally {
    await observer.close();
  }
}
