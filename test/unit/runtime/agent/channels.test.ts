import { describe, expect, test } from "bun:test";
import { err, ok } from "../../../../src/lib/result.ts";
import { seal } from "../../../../src/net/envelope.ts";
import { ReplayWindow } from "../../../../src/net/replay-window.ts";
import type { Address, ReceiveHandler, Transport } from "../../../../src/net/transport.ts";
import { Channels, type DropNotice } from "../../../../src/runtime/channels.ts";
import type { RuntimeClock } from "../../../../src/runtime/clock.ts";
import { keyringOf, testKey } from "../../net/keys.fixture.ts";

/** Records what is sent; tests hand datagrams to Channels.receive themselves. */
class CapturingTransport implements Transport {
  readonly sent: { to: Address; bytes: Uint8Array }[] = [];
  send(to: Address, bytes: Uint8Array): void {
    this.sent.push({ to, bytes });
  }
  onReceive(_handler: ReceiveHandler): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
  localAddress(): Address {
    return { host: "127.0.0.1", port: 1 };
  }
}

const clock: RuntimeClock = { monoMs: () => 1_000, wallMs: () => 1_764_000_000_000 };
const key = testKey("channels");
const keyring = keyringOf({ primary: key, keys: [key] });
const peer: Address = { host: "127.0.0.1", port: 28999 };

function makeChannels(selfId: string, known: Record<string, string> = {}) {
  const transport = new CapturingTransport();
  const drops: DropNotice[] = [];
  const channels = new Channels({
    transport,
    keyring,
    replayWindow: new ReplayWindow(),
    selfId,
    incarnation: 7,
    clock,
    resolve: (id) => known[id] ?? null,
    onDrop: (n) => drops.push(n),
  });
  return { channels, transport, drops };
}

let seq = 0;
function datagram(sender: string, msg: unknown): Uint8Array {
  const r = seal({ sender, incarnation: 1, seq: seq++, sentAtWallMs: 0, msg }, keyring);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

describe("channel demux", () => {
  test("a message reaches its channel's handler with the authenticated sender id", () => {
    const { channels } = makeChannels("a");
    const got: unknown[] = [];
    channels.register("g", { onMessage: (from, msg, nowMs) => got.push([from, msg, nowMs]) });
    channels.register("r", { onMessage: () => got.push("wrong channel") });
    channels.receive(peer, datagram("b", { c: "g", m: { type: "x" } }));
    expect(got).toEqual([["b", { type: "x" }, 1_000]]);
    expect(channels.stats()).toMatchObject({
      datagramsIn: 1,
      perChannel: { g: { in: 1, out: 0 }, r: { in: 0 } },
    });
  });

  test("send seals {c, m} to the member's address, and the other side opens it", () => {
    const a = makeChannels("a", { b: "127.0.0.1:28002" });
    const b = makeChannels("b");
    const got: unknown[] = [];
    b.channels.register("g", { onMessage: (from, msg) => got.push([from, msg]) });
    expect(a.channels.send("b", "g", { hello: 1 })).toBe(true);
    expect(a.channels.send("127.0.0.1:28003", "g", { seed: true })).toBe(true);
    expect(a.transport.sent.map((s) => s.to)).toEqual([
      { host: "127.0.0.1", port: 28002 },
      { host: "127.0.0.1", port: 28003 },
    ]);
    for (const s of a.transport.sent) b.channels.receive(peer, s.bytes);
    expect(got).toEqual([
      ["a", { hello: 1 }],
      ["a", { seed: true }],
    ]);
  });

  test("a reply to a sender membership doesn't know yet goes back where it came from", () => {
    const { channels, transport } = makeChannels("a");
    channels.register("g", { onMessage: () => {} });
    expect(channels.send("newcomer", "g", 1)).toBe(false);
    channels.receive(peer, datagram("newcomer", { c: "g", m: 0 }));
    expect(channels.send("newcomer", "g", 1)).toBe(true);
    expect(transport.sent.at(-1)?.to).toEqual(peer);
    expect(channels.channelDropCounts()["unknown-peer"]).toBe(1);
  });

  test("an unknown channel, a frame that isn't {c, m}, a body the decoder refuses are dropped and counted", () => {
    const { channels, drops } = makeChannels("a");
    const got: unknown[] = [];
    channels.register<number>("g", {
      decode: (m) => (typeof m === "number" ? ok(m) : err({ code: "gossip.not-an-object" })),
      onMessage: (_from, msg) => got.push(msg),
    });
    channels.receive(peer, datagram("b", { c: "zz", m: 1 }));
    channels.receive(peer, datagram("b", [1, 2, 3]));
    channels.receive(peer, datagram("b", { c: "g" }));
    channels.receive(peer, datagram("b", { c: "g", m: "garbage" }));
    channels.receive(peer, datagram("b", { c: "g", m: 5 }));
    expect(got).toEqual([5]);
    expect(channels.channelDropCounts()).toMatchObject({
      "unknown-channel": 1,
      "bad-frame": 2,
      "bad-message": 1,
    });
    expect(drops.map((d) => d.reason)).toEqual(["unknown-channel", "bad-frame", "bad-frame", "bad-message"]);
    expect(drops[3]).toMatchObject({
      layer: "channel",
      channel: "g",
      detail: '{"code":"gossip.not-an-object"}',
    });
  });

  test("a handler that throws is counted, and the next message is still delivered", () => {
    const { channels } = makeChannels("a");
    let calls = 0;
    channels.register("g", {
      onMessage: () => {
        calls++;
        if (calls === 1) throw new Error("bug");
      },
    });
    channels.receive(peer, datagram("b", { c: "g", m: 1 }));
    channels.receive(peer, datagram("b", { c: "g", m: 2 }));
    expect(calls).toBe(2);
    expect(channels.channelDropCounts()["handler-failed"]).toBe(1);
  });

  test("wrong key, truncated and replayed datagrams are dropped at the envelope and counted", () => {
    const { channels, drops } = makeChannels("a");
    const got: unknown[] = [];
    channels.register("g", { onMessage: (_f, m) => got.push(m) });
    const other = testKey("someone else");
    const forged = seal(
      { sender: "b", incarnation: 1, seq: 999_999, sentAtWallMs: 0, msg: { c: "g", m: "forged" } },
      keyringOf({ primary: other, keys: [other] }),
    );
    if (!forged.ok) throw new Error("seal");
    const good = datagram("b", { c: "g", m: "good" });
    channels.receive(peer, forged.value);
    channels.receive(peer, good.subarray(0, 20));
    channels.receive(peer, good);
    channels.receive(peer, good);
    expect(got).toEqual(["good"]);
    expect(channels.envelopeDrops.snapshot()).toMatchObject({ "unknown-key": 1, truncated: 1, replayed: 1 });
    expect(drops.every((d) => d.layer === "envelope")).toBe(true);
  });

  test("a datagram carrying our own node id is refused (two processes share an id)", () => {
    const { channels } = makeChannels("a");
    const got: unknown[] = [];
    channels.register("g", { onMessage: (_f, m) => got.push(m) });
    channels.receive(peer, datagram("a", { c: "g", m: 1 }));
    expect(got).toEqual([]);
    expect(channels.channelDropCounts()["own-id"]).toBe(1);
  });

  test("a message too large to seal is counted, not sent", () => {
    const { channels, transport } = makeChannels("a", { b: "127.0.0.1:2" });
    expect(channels.send("b", "g", "x".repeat(2_000))).toBe(false);
    expect(transport.sent).toEqual([]);
    expect(channels.channelDropCounts().unsendable).toBe(1);
  });

  test("registering a channel twice is a wiring bug", () => {
    const { channels } = makeChannels("a");
    channels.register("g", { onMessage: () => {} });
    expect(() => channels.register("g", { onMessage: () => {} })).toThrow("registered twice");
  });
});
