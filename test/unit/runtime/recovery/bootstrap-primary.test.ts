// Adopting the running primary when the ledger names none: exactly one writable root that the
// others replicate from, or nothing.
import { describe, expect, test } from "bun:test";
import { decideBootstrap } from "../../../../src/runtime/bootstrap-primary.ts";
import { Ledger } from "../../../../src/raft/ledger.ts";
import { healthy } from "../../failover/view-builder.ts";
import { snapshotOf } from "./fixture.ts";

const decide = (b: ReturnType<typeof healthy>) => decideBootstrap(snapshotOf(b.build(), new Ledger()), 1_500);

describe("bootstrap primary", () => {
  test("one writable root replicated by the others is adopted at epoch 0", () => {
    const d = decide(healthy("mariadb", 3));
    expect(d).toEqual({
      type: "adopt",
      nodeId: "db1",
      command: { type: "set-primary", primary: "db1", expectedEpoch: 0 },
    });
  });

  test("two writable roots: ambiguous, nothing adopted", () => {
    const b = healthy("mariadb", 3).patchInst("db3", { readOnly: false, channels: [] });
    const d = decide(b);
    expect(d.type).toBe("ambiguous");
    expect(d.type === "ambiguous" && d.why).toContain("2 writable servers");
  });

  test("no writable root: ambiguous", () => {
    expect(decide(healthy("mariadb", 3).patchInst("db1", { readOnly: true })).type).toBe("ambiguous");
  });

  test("a member replicating from nobody besides the root: ambiguous", () => {
    const d = decide(healthy("mariadb", 3).patchInst("db3", { channels: [] }));
    expect(d.type).toBe("ambiguous");
  });

  test("a member not heard from yet: wait quietly", () => {
    expect(decide(healthy("mariadb", 3).agentSilent("db2")).type).toBe("wait");
    expect(decide(healthy("mariadb", 3).mysqldDown("db3")).type).toBe("wait");
  });

  test("review 2 item 11: a lone writable member is not adopted before every configured voter is heard", () => {
    // db1 alone in gossip, writable: before the fix it was adopted while db2 (maybe the real
    // primary's agent) had not been heard yet.
    const lone = snapshotOf(healthy("mariadb", 1).build(), new Ledger());
    const d = decideBootstrap(lone, 1_500, { voters: ["db1", "db2", "w1"] });
    expect(d).toEqual({ type: "wait", why: "voters not heard from yet: db2, w1" });
    // Every voter heard (a witness included): the one writable root is adopted.
    const all = snapshotOf(healthy("mariadb", 3).witness("w1").build(), new Ledger());
    expect(decideBootstrap(all, 1_500, { voters: ["db1", "db2", "db3", "w1"] })).toMatchObject({
      type: "adopt",
      nodeId: "db1",
    });
  });

  test("a ledger that names a primary is settled", () => {
    const ledger = new Ledger();
    ledger.apply({
      index: 1,
      term: 1,
      data: new TextEncoder().encode('{"type":"set-primary","primary":"db1","expectedEpoch":0}'),
    });
    expect(decideBootstrap(snapshotOf(healthy("mariadb", 3).build(), ledger), 1_500)).toEqual({
      type: "settled",
    });
  });
});
