// The most advanced replica wins even when the config favours another: db2 is promotion_rule
// "prefer" but its replication was stopped while the primary took more writes; kill -9 of the
// primary promotes db3, and db2 is repointed to it and catches up.
import { describe, expect, test } from "bun:test";
import {
  missingOn,
  query,
  readOnlyOf,
  sourcePortOf,
  type TestCluster,
  waitFor,
  Writer,
} from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32050;
let c: TestCluster;

describe("candidate choice on real servers", () => {
  useAdoptedCluster(
    {
      basePort: BASE,
      patchConfig: (config, nodeId) => {
        if (nodeId === "db2") config.promotion_rule = "prefer";
      },
    },
    (started) => {
      c = started;
    },
  );

  test("the favourite lags, so the most advanced replica is promoted and the favourite follows it", async () => {
    await Writer.prepare(BASE);
    await waitFor(
      "the schema on db2",
      5_000,
      async () => (await query(BASE + 1, "SELECT 1 FROM keeltest.w LIMIT 1")) !== null,
    );
    expect(await query(BASE + 1, "STOP SLAVE")).not.toBeNull();
    const writer = new Writer(() => BASE);
    writer.start(false);
    await Bun.sleep(600);
    await writer.stop();
    await waitFor(
      "db3 to have every row",
      5_000,
      async () => (await missingOn(BASE + 2, writer.acked)).length === 0,
    );
    expect((await missingOn(BASE + 1, writer.acked)).length).toBe(writer.acked.length);
    // db2's agent must have published its stopped replication before the primary dies.
    await Bun.sleep(1_200);
    await c.killMysqld(BASE);
    const l = await waitFor("a finished recovery", 10_000, async () => {
      const x = await c.ledger(BASE + 2);
      return x?.recoveries.find((r) => r.state !== "detected" && r.state !== "planned") ? x : null;
    });
    expect(l.recoveries[0]?.state).toBe("finished");
    expect(l.recoveries[0]?.successor).toBe("db3");
    expect(await readOnlyOf(BASE + 2)).toBe(false);
    await waitFor(
      "db2 to replicate from db3",
      8_000,
      async () => (await sourcePortOf(BASE + 1)) === BASE + 2,
    );
    await waitFor(
      "db2 to catch up",
      8_000,
      async () => (await missingOn(BASE + 1, writer.acked)).length === 0,
    );
  }, 60_000);
});
