// Automatic failover on real MariaDB with the COMPILED binary as agents: kill -9 the primary's
// mysqld under a steady semi-sync writer; a replica becomes the writable primary, the other
// follows it, every acknowledged insert is on the new primary, and the ledger and the agents'
// audit logs record every step.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import {
  missingOn,
  readOnlyOf,
  sourcePortOf,
  type TestCluster,
  waitFor,
  Writer,
} from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32000;
let c: TestCluster;

describe("automatic failover (compiled agents, semi-sync)", () => {
  useAdoptedCluster({ basePort: BASE, semiSync: true }, (started) => {
    c = started;
  });

  test("kill -9 of the primary's mysqld: a replica takes over, nothing acknowledged is lost", async () => {
    await Writer.prepare(BASE);
    const writer = new Writer(() => BASE);
    writer.start(false);
    await Bun.sleep(1_000);
    const killedAtMs = performance.now();
    await c.killMysqld(BASE);
    await writer.stop();
    expect(writer.acked.length).toBeGreaterThan(10);

    const ledger = await waitFor("a finished recovery", 10_000, async () => {
      const l = await c.ledger();
      return l?.recoveries.find((r) => r.state === "finished" || r.state === "failed") ? l : null;
    });
    const r = ledger.recoveries[0];
    expect(r?.state).toBe("finished");
    const successor = r?.successor ?? "";
    expect(["db2", "db3"]).toContain(successor);
    expect(ledger.primary).toBe(successor);
    const newPort = c.portOf(successor);
    const otherPort = newPort === BASE + 1 ? BASE + 2 : BASE + 1;
    const writableAtMs = await waitFor("the successor writable", 5_000, async () =>
      (await readOnlyOf(newPort)) === false ? performance.now() : null,
    );
    console.log(`writable ${Math.round(writableAtMs - killedAtMs)} ms after the kill (incl. polling)`);
    await waitFor(
      "the other replica to follow",
      5_000,
      async () => (await sourcePortOf(otherPort)) === newPort,
    );
    expect(await missingOn(newPort, writer.acked)).toEqual([]);
    // Every step has an outcome in the ledger, and the leader's audit log has each one too.
    const names = r?.steps.filter((s) => s.status === "done").map((s) => s.name.split(":")[0]) ?? [];
    expect(names).toEqual(
      expect.arrayContaining(["wait-relay-applied", "promote", "set-primary", "make-writable", "repoint"]),
    );
    const audits = c.ports.map((p) => {
      try {
        return readFileSync(`${c.dir}/agent-${p}/data/sandbox/audit.log`, "utf8");
      } catch {
        return "";
      }
    });
    const stepLines = audits
      .join("")
      .split("\n")
      .filter((l) => l.includes('"kind":"recovery.step"'));
    expect(stepLines.length).toBe(r?.steps.filter((s) => s.status !== "pending").length ?? -1);
  }, 60_000);

  test("keel recoveries shows the recovery with its steps; --json parses", async () => {
    const text = await c.keel("recoveries", "--config", c.configOf(BASE + 1));
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^auto-\S+ +DeadMaster +db1 -> db[23] +finished/m);
    expect(text.stdout).toMatch(/^ +done +promote:db[23]: by db[23]'s agent/m);
    const json = await c.keel("recoveries", "--json", "--config", c.configOf(BASE + 2));
    const list = JSON.parse(json.stdout) as { id: string; state: string }[];
    expect(list.length).toBe(1);
    expect(list[0]?.state).toBe("finished");
  }, 30_000);
});
