// Chained topology (db1 -> db2 -> db3): the intermediate primary's mysqld dies, its replica is
// repointed to the cluster's primary and catches up; the primary is left alone.
import { describe, expect, test } from "bun:test";
import { missingOn, sourcePortOf, type TestCluster, waitFor, Writer } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32300;
let c: TestCluster;

describe("dead intermediate primary (compiled agents)", () => {
  useAdoptedCluster({ basePort: BASE, chained: true }, (started) => {
    c = started;
  });

  test("its replica is repointed to the primary and the ledger keeps the primary", async () => {
    expect(await sourcePortOf(BASE + 2)).toBe(BASE + 1);
    await c.killMysqld(BASE + 1);
    const l = await waitFor("the recovery to end", 15_000, async () => {
      const x = await c.ledger(BASE + 2);
      const r = x?.recoveries[0];
      return r !== undefined && (r.state === "finished" || r.state === "failed") ? x : null;
    });
    const r = l.recoveries[0];
    expect(r?.state).toBe("finished");
    expect(r?.steps.map((s) => `${s.name}=${s.status}`)).toEqual([
      "repoint:db3:db1=done",
      "run-hooks:PostFailover=done",
    ]);
    expect(l.primary).toBe("db1");
    expect(l.epoch).toBe(1);
    await waitFor("db3 to replicate from db1", 5_000, async () => (await sourcePortOf(BASE + 2)) === BASE);
    await Writer.prepare(BASE);
    const writer = new Writer(() => BASE);
    writer.start(false);
    await Bun.sleep(300);
    await writer.stop();
    await waitFor(
      "db3 to have the new writes",
      5_000,
      async () => (await missingOn(BASE + 2, writer.acked)).length === 0,
    );
  }, 40_000);
});
