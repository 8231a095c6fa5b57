// Hooks around a real failover: a vetoing PreFailover stops the recovery cleanly (recorded as
// failed, the hook's output in the ledger, the old primary still named), and the Post hooks get
// orchestrator's placeholders and ORC_* variables with the right values.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readOnlyOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32150;
let c: TestCluster;
const vetoFlag = () => `${c.dir}/veto`;
const hookOut = () => `${c.dir}/hook.out`;

describe("failover hooks (compiled agents)", () => {
  useAdoptedCluster(
    {
      basePort: BASE,
      patchConfig: (config, _nodeId, dir) => {
        config.failover = { recovery_block_s: 0 };
        config.hooks = {
          timeout_ms: 5_000,
          PreFailover: [
            `if test -e ${dir}/veto; then echo vetoed-by-test {failedHost}:{failedPort}; exit 7; fi`,
          ],
          PostFailover: [
            `echo "args {failureType} {failedHost} {failedPort} {successorHost} {successorPort} {countReplicas} {isSuccessful} {recoveryUID} {lostReplicas}" >> ${dir}/hook.out`,
            `echo "env $ORC_FAILURE_TYPE $ORC_FAILED_HOST $ORC_FAILED_PORT $ORC_SUCCESSOR_HOST $ORC_SUCCESSOR_PORT $ORC_FAILURE_CLUSTER $KEEL_HOOK_POINT" >> ${dir}/hook.out`,
          ],
          PostUnsuccessfulFailover: [`echo "unsuccessful {failureType} {isSuccessful}" >> ${dir}/hook.out`],
        };
      },
    },
    (started) => {
      c = started;
    },
  );

  test("a vetoing PreFailover hook stops the recovery before anything changes", async () => {
    writeFileSync(vetoFlag(), "");
    await c.killMysqld(BASE);
    const l = await waitFor("the recovery to end", 10_000, async () => {
      const x = await c.ledger(BASE + 1);
      return x?.recoveries[0]?.state === "failed" || x?.recoveries[0]?.state === "finished" ? x : null;
    });
    const r = l.recoveries[0];
    expect(r?.state).toBe("failed");
    expect(l.primary).toBe("db1");
    expect(r?.steps[0]?.name).toBe("run-hooks:PreFailover");
    expect(r?.steps[0]?.status).toBe("failed");
    expect(r?.steps[0]?.detail).toBe(`vetoed: exit 7: vetoed-by-test 127.0.0.1:${BASE}`);
    expect(r?.steps.find((s) => s.name === "promote:db2" || s.name === "promote:db3")?.status).toBe(
      "pending",
    );
    expect(r?.steps.find((s) => s.name === "run-hooks:PostUnsuccessfulFailover")?.status).toBe("done");
    expect(readFileSync(hookOut(), "utf8")).toBe("unsuccessful DeadMaster false\n");
    expect(await readOnlyOf(BASE + 1)).toBe(true);
    expect(await readOnlyOf(BASE + 2)).toBe(true);
  }, 30_000);

  test("the Post hooks are told the failed primary, the successor and the outcome", async () => {
    rmSync(vetoFlag());
    rmSync(hookOut());
    const started = await c.keel("sandbox", "start", "--dir", c.dir, "--port", String(BASE));
    expect(started.exitCode).toBe(0);
    await waitFor(
      "db1 writable again as the ledger's primary",
      10_000,
      async () => (await readOnlyOf(BASE)) === false,
    );
    await Bun.sleep(2_500); // past the settle time of the vetoed recovery
    await c.killMysqld(BASE);
    const l = await waitFor("the second recovery to finish", 10_000, async () => {
      const x = await c.ledger(BASE + 1);
      return x?.recoveries[1]?.state === "finished" ? x : null;
    });
    const r = l.recoveries[1];
    const successor = r?.successor ?? "";
    const successorPort = c.portOf(successor);
    await waitFor(
      "the hook output",
      5_000,
      async () => existsSync(hookOut()) && readFileSync(hookOut(), "utf8").includes("env "),
    );
    const lines = readFileSync(hookOut(), "utf8").trim().split("\n");
    expect(lines).toEqual([
      `args DeadMaster 127.0.0.1 ${BASE} 127.0.0.1 ${successorPort} 2 true ${r?.id} `,
      `env DeadMaster 127.0.0.1 ${BASE} 127.0.0.1 ${successorPort} sandbox PostFailover`,
    ]);
  }, 40_000);
});
