// `keel failover --force-without-quorum` on real MariaDB with the COMPILED binary as agents: two of
// three agents are stopped, so no quorum exists. Run on the promoted server's host (its agent's
// config), the command puts that agent under an operator override before acting: the agent does
// not self-fence the promoted server though it has no quorum and its ledger names another primary.
// When the stopped agents return, the agent records its server as primary through the quorum
// (compare-and-set on the old epoch), the override ends, and the server stays writable.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { readOnlyOf, sourcePortOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = portIn(TEST_PORT_BLOCKS.failoverOverride, 0);
const PROMOTED = BASE + 1;
/** fence_after (1.5 s, the config default) plus a generous margin: a self-fence would have happened. */
const HOLD_MS = 4_000;

let c: TestCluster;

function auditOf(port: number): string {
  try {
    return readFileSync(`${c.dir}/agent-${port}/data/sandbox/audit.log`, "utf8");
  } catch {
    return "";
  }
}

describe("keel failover --force-without-quorum under an operator override", () => {
  useAdoptedCluster(
    { basePort: BASE },
    (started) => {
      c = started;
    },
    { adoptWithinMs: 15_000 },
  );

  test("run beside another server, it refuses before changing anything", async () => {
    const r = await c.keel(
      "failover",
      "--force-without-quorum",
      "--to",
      `127.0.0.1:${PROMOTED}`,
      "--config",
      c.configOf(BASE + 2),
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("(override.not-local)");
    expect(await readOnlyOf(PROMOTED)).toBe(true);
    expect(await readOnlyOf(BASE)).toBe(false);
  }, 30_000);

  test("without a quorum the promoted server stays writable; the quorum back records it", async () => {
    await c.killAgent(BASE);
    await c.killAgent(BASE + 2);
    const r = await c.keel(
      "failover",
      "--force-without-quorum",
      "--to",
      `127.0.0.1:${PROMOTED}`,
      "--override-minutes",
      "10",
      "--config",
      c.configOf(PROMOTED),
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("OPERATOR OVERRIDE on db2");
    expect(await readOnlyOf(PROMOTED)).toBe(false);
    expect(await sourcePortOf(BASE)).toBe(PROMOTED);
    expect(await sourcePortOf(BASE + 2)).toBe(PROMOTED);

    // Cut off from the quorum far longer than fence_after, yet never fenced by its own agent.
    const samples: (boolean | null)[] = [];
    for (const startedMs = performance.now(); performance.now() - startedMs < HOLD_MS; ) {
      samples.push(await readOnlyOf(PROMOTED));
      await Bun.sleep(100);
    }
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((s) => s !== false)).toEqual([]);
    expect(auditOf(PROMOTED)).toContain('"kind":"override.entered"');
    expect(auditOf(PROMOTED)).not.toContain('"action":"set-read-only"');

    await c.startAgent(BASE);
    await c.startAgent(BASE + 2);
    const ledger = await waitFor("the ledger to name db2", 20_000, async () => {
      const l = await c.ledger(PROMOTED);
      return l?.primary === "db2" ? l : null;
    });
    expect(ledger.epoch).toBe(2);
    await waitFor("the override to end", 5_000, async () =>
      auditOf(PROMOTED).includes('"kind":"override.ended"') ? true : null,
    );
    expect(auditOf(PROMOTED)).toMatch(/"kind":"override\.ended".*"why":"recorded"/);
    await Bun.sleep(1_500); // a few probes under the normal rules again
    expect(await readOnlyOf(PROMOTED)).toBe(false);
    expect(await readOnlyOf(BASE)).toBe(true);
    expect(await sourcePortOf(BASE)).toBe(PROMOTED);
  }, 90_000);
});
