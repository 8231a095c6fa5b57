// Automatic failover of a FIVE-server semi-sync cluster on real MariaDB with the COMPILED binary
// as agents: kill -9 the primary's mysqld under a steady writer; one replica becomes the writable
// primary, all three others follow it, every acknowledged insert is on it, and the old primary,
// restarted, rejoins as its replica. Five voters: the quorum is three, so this also proves the
// leader counts a larger majority right.
import { describe, expect, test } from "bun:test";
import { agentPortsIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
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

const INSTANCES = 5;
const PORTS = agentPortsIn(TEST_PORT_BLOCKS.failoverFive, INSTANCES);
const BASE = PORTS.mysqlBase;
let c: TestCluster;

describe("automatic failover of five servers (compiled agents, semi-sync)", () => {
  useAdoptedCluster(
    { basePort: BASE, instances: INSTANCES, semiSync: true },
    (started) => {
      c = started;
    },
    { adoptWithinMs: 15_000 },
  );

  test("kill -9 of the primary: one replica takes over, three follow, nothing acknowledged is lost, the old one rejoins", async () => {
    await Writer.prepare(BASE);
    const writer = new Writer(() => BASE);
    writer.start(false);
    await Bun.sleep(1_000);
    const killedAtMs = performance.now();
    await c.killMysqld(BASE);
    await writer.stop();
    expect(writer.acked.length).toBeGreaterThan(10);

    const ledger = await waitFor("a finished recovery", 15_000, async () => {
      const l = await c.ledger();
      return l?.recoveries.find((r) => r.state === "finished" || r.state === "failed") ? l : null;
    });
    const recovery = ledger.recoveries[0];
    expect(recovery?.state).toBe("finished");
    const successor = recovery?.successor ?? "";
    expect(["db2", "db3", "db4", "db5"]).toContain(successor);
    expect(ledger.primary).toBe(successor);
    const newPort = c.portOf(successor);
    const writableAtMs = await waitFor("the successor writable", 5_000, async () =>
      (await readOnlyOf(newPort)) === false ? performance.now() : null,
    );
    const others = c.ports.filter((p) => p !== BASE && p !== newPort);
    expect(others.length).toBe(3);
    const sources = await waitFor("all three other replicas to follow", 10_000, async () => {
      const s = await Promise.all(others.map(sourcePortOf));
      return s.every((p) => p === newPort) ? s : null;
    });
    const repointedAtMs = performance.now();
    expect(sources).toEqual([newPort, newPort, newPort]);
    for (const p of others) expect(await readOnlyOf(p)).toBe(true);
    expect(await missingOn(newPort, writer.acked)).toEqual([]);
    console.log(
      `five servers: writable ${Math.round(writableAtMs - killedAtMs)} ms, three repointed ` +
        `${Math.round(repointedAtMs - killedAtMs)} ms after the kill (incl. polling); ${writer.acked.length} acked`,
    );

    const started = await c.keel("sandbox", "start", "--dir", c.dir, "--port", String(BASE));
    expect(started.exitCode).toBe(0);
    // An insert in flight at the kill may sit in the old primary's binlog alone (written, never
    // sent, never acknowledged): then refusing the rejoin as errant is the right answer.
    const outcome = await waitFor("the old primary to rejoin, or be refused as errant", 20_000, async () => {
      if ((await sourcePortOf(BASE)) === newPort) return "rejoined";
      return c.logOf(BASE).includes("failover.rejoin-refused-errant") ? "refused-errant" : null;
    });
    if (outcome === "refused-errant") {
      const onOld = await query<{ id: number }>(BASE, "SELECT id FROM keeltest.w");
      const onNew = new Set(
        (await query<{ id: number }>(newPort, "SELECT id FROM keeltest.w"))?.map((r) => r.id),
      );
      const acked = new Set(writer.acked);
      const extra = (onOld ?? []).map((r) => r.id).filter((id) => !onNew.has(id));
      console.log(`old primary refused as errant; rows only it has: ${extra.join(",")}`);
      expect(extra.length).toBeGreaterThan(0);
      expect(extra.filter((id) => acked.has(id))).toEqual([]);
    }
    expect(await readOnlyOf(BASE)).toBe(true);
    // Exactly one writable server among the five once it has settled.
    const writable = [];
    for (const p of c.ports) if ((await readOnlyOf(p)) === false) writable.push(p);
    expect(writable).toEqual([newPort]);
  }, 75_000);
});
