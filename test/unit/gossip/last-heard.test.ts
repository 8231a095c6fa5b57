import { describe, expect, test } from "bun:test";
import { drain, entry, makeNode } from "./harness.ts";

describe("when each member was last heard from", () => {
  test("is null until the member itself sends something", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    expect(a.member("b", 10)).toMatchObject({ lastHeardAtMs: null, lastHeardAgeMs: null });
  });

  test("an ack from the member updates it; its age grows with the local clock", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    a.step("b", { type: "ack", seq: 999, updates: [] }, 1_000);
    expect(a.member("b", 1_250)).toMatchObject({ lastHeardAtMs: 1_000, lastHeardAgeMs: 250 });
  });

  test("news about a member relayed by another does not count as hearing from it", () => {
    const a = makeNode("a");
    a.restore([entry("b"), entry("c")], 0);
    a.step(
      "c",
      {
        type: "gossip",
        updates: [{ t: "alive", id: "b", inc: 3, addr: "b:7946", kind: "agent", cluster: "c1" }],
      },
      500,
    );
    expect(a.member("b", 600)?.lastHeardAtMs).toBeNull();
    expect(a.member("c", 600)?.lastHeardAtMs).toBe(500);
  });

  test("a joiner is heard from on its very first message, the one that introduces it", () => {
    const seed = makeNode("s");
    const joiner = makeNode("j");
    joiner.join(["s"], 0);
    for (const m of drain(joiner).messages) seed.step("j", m.msg, 40);
    expect(seed.member("j", 40)).toMatchObject({ status: "alive", lastHeardAtMs: 40 });
  });

  test("pings, whether for us or not, count as hearing from the sender", () => {
    const a = makeNode("a");
    a.restore([entry("b")], 0);
    a.step("b", { type: "ping", seq: 1, target: "someone-else", updates: [] }, 70);
    expect(a.member("b", 70)?.lastHeardAtMs).toBe(70);
  });
});
