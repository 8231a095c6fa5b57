// `keel failover` needs the quorum: with two of three agents gone it refuses with the reason and
// the way out; --force-without-quorum --to promotes directly with the admin credentials, after a
// loud warning, and records what it did in the local audit log. db3's own agent, still running, is
// put under an operator override first, so it does not fence db3 again (failover-override.test.ts
// follows the override to its end).
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { readOnlyOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32350;
let c: TestCluster;

describe("keel failover without a quorum", () => {
  useAdoptedCluster({ basePort: BASE }, (started) => {
    c = started;
  });
  beforeAll(async () => {
    await c.killAgent(BASE);
    await c.killAgent(BASE + 1);
    await c.killMysqld(BASE);
  }, 60_000);

  test("is refused through the quorum, naming the problem and the fix", async () => {
    const config = c.configOf(BASE + 2);
    await waitFor("db3 to see the quorum lost", 10_000, async () => {
      const r = await c.keel("raft", "status", "--json", "--config", config);
      return r.exitCode === 0 && (JSON.parse(r.stdout) as { quorum: string }).quorum === "LOST";
    });
    const r = await c.keel("failover", "--to", `127.0.0.1:${BASE + 2}`, "--config", config);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^keel: the agent at 127\.0\.0\.1:\d+ has no raft quorum .*\(recovery\.no-quorum\); fix: .*--force-without-quorum/,
    );
    expect(await readOnlyOf(BASE + 2)).toBe(true);
  }, 30_000);

  test("--force-without-quorum --to acts directly, warns loudly and audits", async () => {
    const config = c.configOf(BASE + 2);
    const r = await c.keel(
      "failover",
      "--force-without-quorum",
      "--to",
      `127.0.0.1:${BASE + 2}`,
      "--config",
      config,
    );
    expect(r.stderr).toContain("WARNING: --force-without-quorum acts WITHOUT the quorum");
    expect(r.stderr).toContain("OPERATOR OVERRIDE on db3");
    expect(r.stdout).toMatch(/^ +done +promote 127\.0\.0\.1:32352: /m);
    expect(r.stdout).toMatch(/^ +skipped demote 127\.0\.0\.1:32350: /m);
    expect(r.stdout).toMatch(/^ +done +demote 127\.0\.0\.1:32351: replicating from 127\.0\.0\.1:32352$/m);
    expect(r.stdout).toMatch(/^ +done +make-writable 127\.0\.0\.1:32352: read_only turned off$/m);
    expect(r.exitCode).toBe(0);
    const audit = readFileSync(`${c.dir}/agent-${BASE + 2}/data/sandbox/audit.log`, "utf8");
    expect(audit).toContain('"kind":"recovery.forced-without-quorum"');
    expect(audit).toContain('"kind":"override.entered"');
  }, 30_000);
});
