import { describe, expect, test } from "bun:test";
import { pack } from "msgpackr";
import type { GossipNode } from "../../../src/gossip/gossip-node.ts";
import type { GossipMessage, SyncMessage } from "../../../src/gossip/messages.ts";
import {
  GOSSIP_CLUSTER_PUSH_MAX,
  GOSSIP_MESSAGE_BYTES_MAX,
  GOSSIP_RECORD_BYTES_MAX,
  GOSSIP_SYNC_PAGES_MAX,
} from "../../../src/lib/limits.ts";
import { drain, entry, makeNode, tickThrough } from "./harness.ts";

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

function deliverAll(from: GossipNode, to: GossipNode, nowMs: number): GossipMessage[] {
  const sent = drain(from).messages.filter((m) => m.to === to.id);
  for (const m of sent) to.step(from.id, m.msg, nowMs);
  return sent.map((m) => m.msg);
}

describe("publishing a record", () => {
  test("versions count up and the record is pushed at once to same-cluster agents only", () => {
    const a = makeNode("a", { cluster: "c1" });
    a.restore([entry("b"), entry("c"), entry("x", { cluster: "c2" }), entry("o", { kind: "observer" })], 0);
    expect(a.publish(bytes(10), 0)).toEqual({ ok: true, value: 1 });
    const pushed = drain(a).messages;
    expect(pushed.map((m) => m.to).sort()).toEqual(["b", "c"]);
    expect(pushed[0]?.msg).toMatchObject({
      type: "gossip",
      updates: [{ t: "rec", id: "a", ver: 1, idx: 0, cnt: 1 }],
    });
    expect(a.publish(bytes(10, 2), 5)).toEqual({ ok: true, value: 2 });
  });

  test(`direct pushes are bounded by GOSSIP_CLUSTER_PUSH_MAX (${GOSSIP_CLUSTER_PUSH_MAX})`, () => {
    const a = makeNode("a");
    a.restore(
      Array.from({ length: GOSSIP_CLUSTER_PUSH_MAX + 5 }, (_, i) => entry(`m${i}`)),
      0,
    );
    a.publish(bytes(10), 0);
    expect(drain(a).messages).toHaveLength(GOSSIP_CLUSTER_PUSH_MAX);
  });

  test("a large record travels in chunks, each message under the datagram budget, and is reassembled", () => {
    const a = makeNode("a");
    const b = makeNode("b");
    a.restore([entry("b")], 0);
    b.restore([entry("a")], 0);
    const data = bytes(GOSSIP_RECORD_BYTES_MAX);
    a.publish(data, 0);
    const sent = deliverAll(a, b, 2);
    expect(sent.length).toBeGreaterThan(1);
    for (const m of sent) expect(pack(m).length).toBeLessThanOrEqual(GOSSIP_MESSAGE_BYTES_MAX);
    expect(drain(b).events).toContainEqual({ type: "record-updated", id: "a", version: 1 });
    expect([...(b.member("a", 2)?.record?.data ?? [])]).toEqual([...data]);
  });

  test(`a record over GOSSIP_RECORD_BYTES_MAX (${GOSSIP_RECORD_BYTES_MAX}) is refused with a typed error`, () => {
    const a = makeNode("a");
    expect(a.publish(new Uint8Array(GOSSIP_RECORD_BYTES_MAX + 1), 0)).toEqual({
      ok: false,
      error: {
        code: "gossip.record-too-large",
        sizeBytes: GOSSIP_RECORD_BYTES_MAX + 1,
        maxBytes: GOSSIP_RECORD_BYTES_MAX,
      },
    });
    expect(a.member("a", 0)?.record).toBeNull();
  });

  test("newer version wins; an older one arriving late changes nothing", () => {
    const b = makeNode("b");
    b.restore([entry("a")], 0);
    const rec = (ver: number, v: number) => ({
      t: "rec" as const,
      id: "a",
      ver,
      idx: 0,
      cnt: 1,
      ageMs: 0,
      data: new Uint8Array([v]),
    });
    b.step("a", { type: "gossip", updates: [rec(2, 22)] }, 1);
    b.step("a", { type: "gossip", updates: [rec(1, 11)] }, 2);
    expect(b.member("a", 3)?.record).toMatchObject({ version: 2, data: new Uint8Array([22]) });
  });

  test("a restarted node whose old life published higher versions jumps past them", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    a.publish(new Uint8Array([1]), 0);
    drain(a);
    a.step(
      "b",
      {
        type: "gossip",
        updates: [{ t: "rec", id: "a", ver: 40, idx: 0, cnt: 1, ageMs: 0, data: new Uint8Array([0]) }],
      },
      5,
    );
    expect(a.member("a", 5)?.record).toMatchObject({ version: 41, data: new Uint8Array([1]) });
    expect(a.publish(new Uint8Array([2]), 6)).toEqual({ ok: true, value: 42 });
  });

  test("records spread onward by gossip, not only by the direct push", () => {
    const b = makeNode("b");
    b.restore([entry("a"), entry("c", { cluster: "c2" })], 0);
    b.step(
      "a",
      {
        type: "gossip",
        updates: [{ t: "rec", id: "a", ver: 3, idx: 0, cnt: 1, ageMs: 0, data: new Uint8Array([5]) }],
      },
      0,
    );
    drain(b);
    const { messages } = tickThrough(b, 1, 400, 1);
    const toC = messages.filter((m) => m.to === "c" && m.msg.type !== "ping");
    expect(
      toC.some((m) => "updates" in m.msg && m.msg.updates.some((u) => u.t === "rec" && u.id === "a")),
    ).toBe(true);
  });
});

describe("push-pull anti-entropy and joining", () => {
  test("join: the seed answers with its table and the joiner learns everyone", () => {
    const seed = makeNode("s");
    seed.restore(
      ["p", "q", "r"].map((id) => entry(id)),
      0,
    );
    const joiner = makeNode("j");
    joiner.join(["s"], 0);
    const hello = drain(joiner).messages;
    expect(hello).toHaveLength(1);
    expect(hello[0]).toMatchObject({ to: "s", msg: { type: "sync", wantReply: true } });
    seed.step("j", hello[0]!.msg, 1);
    expect(seed.member("j", 1)?.status).toBe("alive");
    deliverAll(seed, joiner, 2);
    expect(joiner.members(2).map((m) => m.id)).toEqual(["j", "p", "q", "r", "s"]);
  });

  test("digests bring missing records: request, then the records", () => {
    const a = makeNode("a");
    const b = makeNode("b");
    a.restore([entry("b"), entry("c")], 0);
    b.restore([entry("a"), entry("c")], 0);
    a.step(
      "c",
      {
        type: "gossip",
        updates: [{ t: "rec", id: "c", ver: 4, idx: 0, cnt: 1, ageMs: 0, data: new Uint8Array([4]) }],
      },
      0,
    );
    drain(a);
    a.step("b", { type: "sync", wantReply: true, entries: [entry("b"), entry("c"), entry("a")] }, 10);
    const reply = drain(a).messages;
    for (const m of reply) b.step("a", m.msg, 11);
    const request = drain(b).messages.find((m) => m.msg.type === "rec-req");
    expect(request).toEqual({ to: "a", msg: { type: "rec-req", ids: ["c"] } });
    a.step("b", request!.msg, 12);
    deliverAll(a, b, 13);
    expect(b.recordVersionOf("c")).toBe(4);
  });

  test("a peer whose digest shows an older record gets ours without asking", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    a.publish(new Uint8Array([1, 2, 3]), 0);
    drain(a);
    a.step("b", { type: "sync", wantReply: false, entries: [entry("b"), entry("a")] }, 10);
    const out = drain(a).messages;
    expect(out).toHaveLength(1);
    expect(out[0]?.msg).toMatchObject({ type: "gossip", updates: [{ t: "rec", id: "a", ver: 1 }] });
  });

  test("a peer's 'dead' only makes us suspect; 'left' is taken as final", () => {
    const a = makeNode("a");
    a.restore([entry("b"), entry("c")], 0);
    a.step(
      "x",
      {
        type: "sync",
        wantReply: false,
        entries: [
          ["b", 0, "dead", "b:7946", "agent", "c1", 0],
          ["c", 0, "left", "c:7946", "agent", "c1", 0],
        ],
      },
      0,
    );
    expect(a.member("b", 0)?.status).toBe("suspect");
    expect(a.member("c", 0)?.status).toBe("left");
  });

  test(`a big table goes in at most GOSSIP_SYNC_PAGES_MAX (${GOSSIP_SYNC_PAGES_MAX}) pages, each under budget, self first`, () => {
    const a = makeNode("a");
    a.restore(
      Array.from({ length: 2_000 }, (_, i) => entry(`member-${i}`, { cluster: `cluster-${i % 300}` })),
      0,
    );
    a.join(["s"], 0);
    const pages = drain(a).messages.map((m) => m.msg as SyncMessage);
    expect(pages).toHaveLength(GOSSIP_SYNC_PAGES_MAX);
    for (const p of pages) expect(pack(p).length).toBeLessThanOrEqual(GOSSIP_MESSAGE_BYTES_MAX);
    expect(pages[0]?.entries[0]?.[0]).toBe("a");
  });

  test("piggybacked messages stay under budget with a long update queue", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    for (let i = 0; i < 500; i++)
      a.step(
        "b",
        {
          type: "gossip",
          updates: [
            {
              t: "alive",
              id: `m-${i}-${"x".repeat(i % 40)}`,
              inc: i,
              addr: "10.0.0.1:7946",
              kind: "agent",
              cluster: "c",
            },
          ],
        },
        0,
      );
    drain(a);
    const { messages } = tickThrough(a, 1, 2_000, 5);
    expect(messages.length).toBeGreaterThan(10);
    for (const m of messages) expect(pack(m.msg).length).toBeLessThanOrEqual(GOSSIP_MESSAGE_BYTES_MAX);
  });
});
