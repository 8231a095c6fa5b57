// When keel must NOT fail over, on real servers with compiled agents: only the primary's agent
// dies; the cluster is paused (then resumed: the failover happens); a second failure within the
// recovery block of an unacknowledged recovery.
import { describe, expect, test } from "bun:test";
import { readOnlyOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32100;
const QUIET_MS = 3_000;
let c: TestCluster;

describe("no failover when it must not happen", () => {
  useAdoptedCluster({ basePort: BASE }, (started) => {
    c = started;
  });

  test("kill -9 of the primary's agent alone: mysqld still serves, no recovery", async () => {
    await c.killAgent(BASE);
    await Bun.sleep(QUIET_MS);
    const l = await c.ledger(BASE + 1);
    expect(l?.primary).toBe("db1");
    expect(l?.recoveries).toEqual([]);
    expect(await readOnlyOf(BASE)).toBe(false);
    await c.startAgent(BASE);
  }, 30_000);

  test("a paused cluster is not recovered; resuming it lets the failover happen", async () => {
    const paused = await c.keel("pause", "--reason", "test", "--config", c.configOf(BASE + 1));
    expect(paused.exitCode).toBe(0);
    await c.killMysqld(BASE);
    await Bun.sleep(QUIET_MS);
    expect((await c.ledger(BASE + 1))?.recoveries).toEqual([]);
    const leaderLogs = c.ports.map((p) => c.logOf(p)).join("");
    expect(leaderLogs).toContain("failover.paused-cluster");
    const resumed = await c.keel("resume", "--config", c.configOf(BASE + 2));
    expect(resumed.exitCode).toBe(0);
    const l = await waitFor("the failover after resume", 10_000, async () => {
      const x = await c.ledger(BASE + 1);
      return x?.recoveries[0]?.state === "finished" ? x : null;
    });
    expect(["db2", "db3"]).toContain(l.primary ?? "");
  }, 30_000);

  test("a second failure within the recovery block is refused and said", async () => {
    const before = await c.ledger(BASE + 1);
    const primary = before?.primary ?? "";
    const survivor = primary === "db2" ? BASE + 2 : BASE + 1;
    await Bun.sleep(2_500); // past the settle time of the first recovery
    await c.killMysqld(c.portOf(primary));
    await Bun.sleep(QUIET_MS);
    const l = await c.ledger(survivor);
    expect(l?.primary).toBe(primary);
    expect(l?.recoveries.length).toBe(1);
    expect(c.ports.map((p) => c.logOf(p)).join("")).toContain("failover.recovery-blocked");
  }, 30_000);
});
