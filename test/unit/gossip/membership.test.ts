import { describe, expect, test } from "bun:test";
import { drain, entry, makeNode, tickThrough } from "./harness.ts";

describe("refutation", () => {
  test("a current suspicion of ourselves: incarnation+1, alive sent to the accuser and whoever passed it on", () => {
    const b = makeNode("b");
    b.restore([entry("a"), entry("c")], 0);
    b.step("c", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "a" }] }, 10);
    const out = drain(b);
    expect(b.incarnation).toBe(1);
    expect(out.events).toEqual([{ type: "self-refuted", incarnation: 1, accusedBy: "a" }]);
    const alive = { t: "alive", id: "b", inc: 1, addr: "b:7946", kind: "agent", cluster: "c1" } as const;
    expect(out.messages).toEqual([
      { to: "a", msg: { type: "gossip", updates: [alive] } },
      { to: "c", msg: { type: "gossip", updates: [alive] } },
    ]);
    expect(b.healthScore).toBe(1);
  });

  test("a declaration of our death is refuted the same way", () => {
    const b = makeNode("b");
    b.restore([entry("a")], 0);
    b.step("a", { type: "gossip", updates: [{ t: "dead", id: "b", inc: 4, by: "a" }] }, 10);
    expect(b.incarnation).toBe(5);
  });

  test("a stale accusation (already refuted) re-sends our current incarnation without bumping it", () => {
    const b = makeNode("b");
    b.restore([entry("a")], 0);
    b.step("a", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "a" }] }, 10);
    drain(b);
    b.step("a", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "a" }] }, 20);
    const out = drain(b);
    expect(b.incarnation).toBe(1);
    expect(out.events).toEqual([]);
    expect(out.messages).toEqual([
      {
        to: "a",
        msg: {
          type: "gossip",
          updates: [{ t: "alive", id: "b", inc: 1, addr: "b:7946", kind: "agent", cluster: "c1" }],
        },
      },
    ]);
  });

  test("an older life of ours gossiped at a higher incarnation is outbid", () => {
    const b = makeNode("b");
    b.step(
      "a",
      {
        type: "gossip",
        updates: [{ t: "alive", id: "b", inc: 7, addr: "b:7946", kind: "agent", cluster: "c1" }],
      },
      0,
    );
    expect(b.incarnation).toBe(8);
  });

  test("the refutation revives the member and cancels the suspicion timer", () => {
    // An observer: it times suspicions but runs no probes of its own to muddle the test.
    const a = makeNode("a", { kind: "observer" });
    a.restore([entry("b")], 0);
    a.step("c", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "c" }] }, 0);
    expect(a.member("b", 0)?.status).toBe("suspect");
    a.step(
      "b",
      {
        type: "gossip",
        updates: [{ t: "alive", id: "b", inc: 1, addr: "b:7946", kind: "agent", cluster: "c1" }],
      },
      50,
    );
    expect(a.member("b", 50)?.status).toBe("alive");
    expect(drain(a).events).toContainEqual({ type: "member-alive", id: "b", incarnation: 1 });
    const later = tickThrough(a, 50, 10_000, 50);
    expect(later.events).toEqual([]);
    expect(a.member("b", 10_000)?.status).toBe("alive");
  });
});

describe("suspicion timeout", () => {
  // Five live members: min 1 s, max 6 s, 3 independent confirmations expected.
  function suspectedAt0() {
    // An observer times suspicions like anyone but runs no probes that would confirm its own.
    const a = makeNode("a", { kind: "observer" });
    a.restore(
      ["b", "c", "d", "e"].map((id) => entry(id)),
      0,
    );
    a.step("c", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "c" }] }, 0);
    drain(a);
    return a;
  }

  test("unconfirmed, a suspect is declared dead at the maximum timeout", () => {
    const a = suspectedAt0();
    a.tick(5_999);
    expect(a.member("b", 5_999)?.status).toBe("suspect");
    a.tick(6_000);
    expect(a.member("b", 6_000)?.status).toBe("dead");
    expect(drain(a).events).toContainEqual({ type: "member-dead", id: "b", by: "a" });
  });

  test("independent confirmations shorten it, down to the minimum", () => {
    const a = suspectedAt0();
    for (const by of ["d", "e", "x"])
      a.step(by, { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by }] }, 10);
    a.tick(999);
    expect(a.member("b", 999)?.status).toBe("suspect");
    a.tick(1_000);
    expect(a.member("b", 1_000)?.status).toBe("dead");
  });

  test("one confirmation: between the two (log curve)", () => {
    const a = suspectedAt0();
    a.step("d", { type: "gossip", updates: [{ t: "suspect", id: "b", inc: 0, by: "d" }] }, 10);
    a.tick(3_499);
    expect(a.member("b", 3_499)?.status).toBe("suspect");
    a.tick(3_500);
    expect(a.member("b", 3_500)?.status).toBe("dead");
  });
});

describe("leave and stale records", () => {
  test("a graceful leave tells peers at once; they mark it left and keep its record, stale", () => {
    const a = makeNode("a");
    const b = makeNode("b");
    a.restore([entry("b")], 0);
    b.restore([entry("a")], 0);
    b.publish(new Uint8Array([9, 9]), 0);
    for (const m of drain(b).messages) if (m.to === "a") a.step("b", m.msg, 1);
    expect(a.member("b", 1)?.record?.version).toBe(1);
    b.leave(1_000);
    const out = drain(b).messages;
    expect(out).toContainEqual({
      to: "a",
      msg: { type: "gossip", updates: [{ t: "dead", id: "b", inc: 0, by: "b" }] },
    });
    for (const m of out) a.step("b", m.msg, 1_001);
    expect(drain(a).events).toContainEqual({ type: "member-left", id: "b" });
    const view = a.member("b", 61_000);
    expect(view?.status).toBe("left");
    // Received at 1 ms with age 0 (transit time is not counted).
    expect(view?.record).toMatchObject({ version: 1, stale: true, updatedAtMs: 1, ageMs: 60_999 });
  });

  test("a left node stops probing", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    a.leave(0);
    drain(a);
    const { messages } = tickThrough(a, 1, 3_000, 10);
    expect(messages.filter((m) => m.msg.type === "ping")).toEqual([]);
  });
});
