import { describe, expect, test } from "bun:test";
import type { GossipNode, Outgoing } from "../../../src/gossip/gossip-node.ts";
import type { PingMessage } from "../../../src/gossip/messages.ts";
import { drain, entry, makeNode } from "./harness.ts";

/** Ticks 1 ms at a time until the node sends a ping; returns it and when. */
function firstPing(
  node: GossipNode,
  fromMs = 0,
): { atMs: number; to: string; ping: PingMessage; rest: Outgoing[] } {
  for (let t = fromMs; t < fromMs + 10_000; t++) {
    node.tick(t);
    const { messages } = drain(node);
    const i = messages.findIndex((m) => m.msg.type === "ping");
    if (i >= 0) {
      const m = messages[i] as Outgoing;
      return { atMs: t, to: m.to, ping: m.msg as PingMessage, rest: messages };
    }
  }
  throw new Error("no ping");
}

function withPeers(ids: string[]): GossipNode {
  const node = makeNode("a");
  node.restore(
    ids.map((id) => entry(id)),
    0,
  );
  return node;
}

describe("answering probes", () => {
  test("a ping gets an ack with the same seq, sent back to the prober", () => {
    const b = makeNode("b");
    b.step("a", { type: "ping", seq: 42, target: "b", updates: [] }, 5);
    expect(drain(b).messages).toEqual([{ to: "a", msg: { type: "ack", seq: 42, updates: [] } }]);
  });

  test("a ping meant for another id (a restarted process) is ignored", () => {
    const b = makeNode("b");
    b.step("a", { type: "ping", seq: 1, target: "old-b", updates: [] }, 5);
    expect(drain(b).messages).toEqual([]);
  });
});

describe("the probe cycle", () => {
  test("one member per period, each peer once per round", () => {
    const a = withPeers(["b", "c", "d"]);
    const { atMs } = firstPing(a);
    const targets: string[] = [];
    for (let t = atMs; t < atMs + 3 * 200; t++) {
      a.tick(t);
      for (const m of drain(a).messages) {
        if (m.msg.type === "ping") {
          targets.push(m.to);
          a.step(m.to, { type: "ack", seq: m.msg.seq, updates: [] }, t);
        }
      }
    }
    expect(targets.sort()).toEqual(["b", "c", "d"]);
  });

  test("an acked probe raises no suspicion", () => {
    const a = withPeers(["b", "c"]);
    const p = firstPing(a);
    a.step(p.to, { type: "ack", seq: p.ping.seq, updates: [] }, p.atMs + 3);
    for (let t = p.atMs + 3; t < p.atMs + 400; t++) {
      a.tick(t);
      const out = drain(a);
      expect(out.events).toEqual([]);
      expect(out.messages.filter((m) => m.msg.type === "ping-req")).toEqual([]);
      for (const m of out.messages)
        if (m.msg.type === "ping") a.step(m.to, { type: "ack", seq: m.msg.seq, updates: [] }, t);
    }
  });

  test("silence: ping-req to k helpers plus a direct retry at the timeout, suspicion at period end", () => {
    const a = withPeers(["b", "c", "d", "e", "f"]);
    const p = firstPing(a);
    let indirect: Outgoing[] = [];
    for (let t = p.atMs + 1; t < p.atMs + 80; t++) {
      a.tick(t);
      expect(drain(a).messages).toEqual([]);
    }
    a.tick(p.atMs + 80);
    indirect = drain(a).messages;
    const reqs = indirect.filter((m) => m.msg.type === "ping-req");
    expect(reqs).toHaveLength(3);
    for (const r of reqs) {
      expect(r.to).not.toBe(p.to);
      expect(r.msg).toMatchObject({ type: "ping-req", seq: p.ping.seq, target: p.to });
    }
    expect(indirect.filter((m) => m.msg.type === "ping" && m.to === p.to)).toHaveLength(1);
    a.tick(p.atMs + 199);
    expect(drain(a).events).toEqual([]);
    a.tick(p.atMs + 200);
    const end = drain(a);
    expect(end.events).toContainEqual({ type: "member-suspected", id: p.to, by: "a" });
    // The suspect hears of it at once, so it can refute.
    expect(end.messages).toContainEqual({
      to: p.to,
      msg: { type: "gossip", updates: [{ t: "suspect", id: p.to, inc: 0, by: "a" }] },
    });
  });

  test("an ack relayed through a helper within the period counts", () => {
    const a = withPeers(["b", "c", "d"]);
    const p = firstPing(a);
    a.tick(p.atMs + 80);
    drain(a);
    a.step("c", { type: "ack", seq: p.ping.seq, updates: [] }, p.atMs + 90);
    a.tick(p.atMs + 200);
    expect(drain(a).events).toEqual([]);
    expect(a.member(p.to, p.atMs + 200)?.status).toBe("alive");
  });

  test("Lifeguard: missing nacks raise the local health score; all nacks in, it stays", () => {
    const a = withPeers(["b", "c", "d", "e"]);
    const p = firstPing(a);
    a.tick(p.atMs + 80);
    const reqs = drain(a).messages.filter((m) => m.msg.type === "ping-req");
    expect(reqs).toHaveLength(3);
    for (const r of reqs) a.step(r.to, { type: "nack", seq: p.ping.seq }, p.atMs + 150);
    a.tick(p.atMs + 200);
    drain(a);
    expect(a.healthScore).toBe(0);

    // The next probe started in the same tick as the last one ended.
    const qAtMs = p.atMs + 200;
    a.tick(qAtMs + 80);
    drain(a);
    a.tick(qAtMs + 200);
    drain(a);
    expect(a.healthScore).toBe(3);
  });

  test("Lifeguard: a worse health score stretches the probe period", () => {
    const a = withPeers(["b", "c", "d", "e"]);
    const p = firstPing(a);
    a.tick(p.atMs + 80);
    drain(a);
    a.tick(p.atMs + 200);
    // The failed period ends and the next probe starts in the same tick, already stretched.
    const q = drain(a).messages.find((m) => m.msg.type === "ping") as Outgoing;
    expect(a.healthScore).toBe(3);
    a.step(q.to, { type: "ack", seq: (q.msg as PingMessage).seq, updates: [] }, p.atMs + 201);
    expect(a.healthScore).toBe(2);
    const r = firstPing(a, p.atMs + 201);
    expect(r.atMs - (p.atMs + 200)).toBe(4 * 200);
  });

  test("buddy system: a ping to a suspect carries the suspicion first", () => {
    const a = withPeers(["b"]);
    a.step("c", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "c" }] }, 0);
    drain(a);
    const p = firstPing(a);
    expect(p.to).toBe("b");
    expect(p.ping.updates[0]).toEqual({ t: "suspect", id: "b", inc: 0, by: "a" });
  });
});

describe("helping others probe", () => {
  test("relays the target's ack to the asker under the asker's seq", () => {
    const h = withPeers(["b", "c"]);
    h.step("b", { type: "ping-req", seq: 7, target: "c", updates: [] }, 100);
    const [ping] = drain(h).messages;
    expect(ping?.to).toBe("c");
    expect(ping?.msg.type).toBe("ping");
    const seq = (ping!.msg as PingMessage).seq;
    h.step("c", { type: "ack", seq, updates: [] }, 105);
    expect(drain(h).messages).toEqual([{ to: "b", msg: { type: "ack", seq: 7, updates: [] } }]);
  });

  test("sends a nack before the asker's deadline when the target stays silent", () => {
    const h = withPeers(["b", "c"]);
    h.step("b", { type: "ping-req", seq: 7, target: "c", updates: [] }, 100);
    drain(h);
    h.tick(163);
    expect(drain(h).messages.filter((m) => m.msg.type === "nack")).toEqual([]);
    h.tick(164);
    expect(drain(h).messages).toContainEqual({ to: "b", msg: { type: "nack", seq: 7 } });
  });

  test("observers never probe and never help, but answer pings", () => {
    const o = makeNode("o", { kind: "observer" });
    o.restore([entry("b"), entry("c")], 0);
    for (let t = 0; t < 2_000; t += 5) {
      o.tick(t);
      for (const m of drain(o).messages) expect(["ping", "ping-req"]).not.toContain(m.msg.type);
    }
    o.step("b", { type: "ping-req", seq: 1, target: "c", updates: [] }, 2_000);
    expect(drain(o).messages).toEqual([]);
    o.step("b", { type: "ping", seq: 2, target: "o", updates: [] }, 2_000);
    expect(drain(o).messages).toEqual([{ to: "b", msg: { type: "ack", seq: 2, updates: [] } }]);
  });
});
