import { describe, expect, test } from "bun:test";
import { MemberTable } from "../../../src/gossip/member-table.ts";
import type { AliveUpdate } from "../../../src/gossip/messages.ts";
import { GOSSIP_MEMBERS_MAX } from "../../../src/lib/limits.ts";

const alive = (id: string, inc: number): AliveUpdate => ({
  t: "alive",
  id,
  inc,
  addr: `${id}:1`,
  kind: "agent",
  cluster: "c1",
});

describe("MemberTable precedence", () => {
  test("alive: new joins; only a higher incarnation changes anything", () => {
    const t = new MemberTable();
    expect(t.applyAlive(alive("a", 1), 0)).toBe("joined");
    expect(t.applyAlive(alive("a", 1), 1)).toBe("ignored");
    expect(t.applyAlive(alive("a", 0), 1)).toBe("ignored");
    expect(t.applyAlive({ ...alive("a", 2), addr: "moved:2" }, 1)).toBe("refreshed");
    expect(t.get("a")?.addr).toBe("moved:2");
  });

  test("suspect beats alive at the same incarnation; alive needs a higher one to win back", () => {
    const t = new MemberTable();
    t.applyAlive(alive("a", 3), 0);
    expect(t.applySuspect({ t: "suspect", id: "a", inc: 2, by: "x" }, 1)).toBe("ignored");
    expect(t.applySuspect({ t: "suspect", id: "a", inc: 3, by: "x" }, 1)).toBe("suspected");
    expect(t.applySuspect({ t: "suspect", id: "a", inc: 3, by: "y" }, 1)).toBe("already-suspect");
    expect(t.applyAlive(alive("a", 3), 2)).toBe("ignored");
    expect(t.get("a")?.status).toBe("suspect");
    expect(t.applyAlive(alive("a", 4), 2)).toBe("revived");
    expect(t.get("a")?.status).toBe("alive");
  });

  test("dead is final at its incarnation; a higher alive revives", () => {
    const t = new MemberTable();
    t.applyAlive(alive("a", 1), 0);
    expect(t.applyDead({ t: "dead", id: "a", inc: 0, by: "x" }, 1)).toBe("ignored");
    expect(t.applyDead({ t: "dead", id: "a", inc: 1, by: "x" }, 1)).toBe("dead");
    expect(t.applySuspect({ t: "suspect", id: "a", inc: 5, by: "x" }, 2)).toBe("ignored");
    expect(t.applyDead({ t: "dead", id: "a", inc: 1, by: "y" }, 2)).toBe("ignored");
    expect(t.applyAlive(alive("a", 1), 3)).toBe("ignored");
    expect(t.applyAlive(alive("a", 2), 3)).toBe("revived");
  });

  test("dead by the member itself is a graceful leave", () => {
    const t = new MemberTable();
    t.applyAlive(alive("a", 0), 0);
    expect(t.applyDead({ t: "dead", id: "a", inc: 0, by: "a" }, 1)).toBe("left");
    expect(t.get("a")?.status).toBe("left");
  });

  test("updates about unknown members other than alive are ignored", () => {
    const t = new MemberTable();
    expect(t.applySuspect({ t: "suspect", id: "z", inc: 0, by: "x" }, 0)).toBe("ignored");
    expect(t.applyDead({ t: "dead", id: "z", inc: 0, by: "x" }, 0)).toBe("ignored");
    expect(t.size).toBe(0);
  });

  test("dead members are reclaimed after the given time, keeping their record until then", () => {
    const t = new MemberTable();
    t.applyAlive(alive("a", 0), 0);
    (t.get("a") as { record: unknown }).record = { data: new Uint8Array(1), version: 1, updatedAtMs: 0 };
    t.applyDead({ t: "dead", id: "a", inc: 0, by: "x" }, 100);
    expect(t.reclaim(1_099, 1_000)).toEqual([]);
    expect(t.get("a")?.record?.version).toBe(1);
    expect(t.reclaim(1_100, 1_000)).toEqual(["a"]);
    expect(t.get("a")).toBeUndefined();
  });

  test(`refuses members beyond GOSSIP_MEMBERS_MAX (${GOSSIP_MEMBERS_MAX})`, () => {
    const t = new MemberTable();
    for (let i = 0; i < GOSSIP_MEMBERS_MAX; i++) expect(t.applyAlive(alive(`m${i}`, 0), 0)).toBe("joined");
    expect(t.applyAlive(alive("extra", 0), 0)).toBe("full");
    expect(t.size).toBe(GOSSIP_MEMBERS_MAX);
  });
});
