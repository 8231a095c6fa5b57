// Real MariaDB: sandbox topologies, lifecycle and teardown. Ports: TEST_PORT_BLOCKS.sandbox.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type Row, withAdmin } from "../../src/sandbox/admin-sql.ts";
import { configFileOf } from "../../src/sandbox/layout.ts";
import {
  killInstance,
  readSandbox,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
  startInstance,
  stopInstance,
} from "../../src/sandbox/sandbox.ts";
import { portAccepts } from "../../src/sandbox/server-process.ts";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import {
  makeTestSandboxDir,
  removeTestSandboxDir,
  SANDBOX_HOOK_TIMEOUT_MS,
  startTestSandbox,
  type TestSandbox,
  useTestSandbox,
} from "../helpers/sandbox.ts";

/** The nth port of this file's block. */
const at = (n: number): number => portIn(TEST_PORT_BLOCKS.sandbox, n);

async function sql(port: number, text: string): Promise<Row[]> {
  const r = await withAdmin(port, "test query", (s) => s.query(text));
  if (!r.ok) throw new Error(`${port}: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function gtidOf(port: number): Promise<string> {
  return String((await sql(port, "SELECT @@gtid_current_pos AS g"))[0]?.g);
}

/** Polls (integration only) until every port reports the primary's gtid_current_pos. */
async function waitSameGtid(primary: number, replicas: number[], timeoutMs = 5_000): Promise<string> {
  const want = await gtidOf(primary);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(replicas.map((p) => gtidOf(p).catch(() => "unreachable")));
    if (seen.every((g) => g === want)) return want;
    if (performance.now() > deadline) throw new Error(`gtid want ${want}, replicas ${seen.join(" / ")}`);
    await sleep(50);
  }
}

function serverPids(pattern: string): string[] {
  const r = spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" });
  return r.stdout.split("\n").filter((l) => l.trim() !== "");
}

describe("sandbox: primary + 2 replicas", () => {
  const [P, R1, R2] = [at(0), at(1), at(2)];
  const sandbox = useTestSandbox({ instances: 3, basePort: P }, (ms) =>
    console.log(`sandbox up --instances 3: ${Math.round(ms)} ms`),
  );
  let sb: TestSandbox;
  beforeAll(() => {
    sb = sandbox();
  });

  test("primary is writable, replicas are read_only with both threads running", async () => {
    const status = await sandboxStatus(sb.dir);
    if (!status.ok) throw new Error(status.error.code);
    const [p, r1, r2] = status.value;
    expect(p).toMatchObject({ port: P, role: "primary", readOnly: false, alive: true, reachable: true });
    for (const r of [r1, r2])
      expect(r).toMatchObject({
        role: "replica",
        readOnly: true,
        sourcePort: P,
        ioRunning: "yes",
        sqlRunning: true,
      });
    const vars = (await sql(R1, "SELECT @@gtid_strict_mode s, @@log_slave_updates u, @@binlog_format f"))[0];
    expect(vars).toEqual({ s: 1, u: 1, f: "ROW" });
  });

  test("a write on the primary reaches every replica's gtid_current_pos", async () => {
    await sql(P, "CREATE DATABASE IF NOT EXISTS t");
    await sql(P, "CREATE TABLE t.x (id INT PRIMARY KEY)");
    await sql(P, "INSERT INTO t.x VALUES (1)");
    const gtid = await waitSameGtid(P, [R1, R2]);
    expect(gtid).toBe("0-1-3");
    expect(await sql(R2, "SELECT id FROM t.x")).toEqual([{ id: 1 }]);
  });

  test("up on a dir with a running sandbox fails with already-running and leaves it running", async () => {
    const again = await sandboxUp({ dir: sb.dir, instances: 3, basePort: P });
    expect(again.ok ? "ok" : again.error).toEqual({
      code: "sandbox.already-running",
      dir: sb.dir,
      ports: [P, R1, R2],
    });
    expect(await portAccepts(P)).toBe(true);
  });

  test("kill removes the process and closes the port; start lets the replica catch up", async () => {
    expect((await killInstance(sb.dir, R2)).ok).toBe(true);
    expect(serverPids(configFileOf(sb.instances[2]!))).toEqual([]);
    expect(await portAccepts(R2)).toBe(false);
    await sql(P, "INSERT INTO t.x VALUES (2)");
    expect((await startInstance(sb.dir, R2)).ok).toBe(true);
    await waitSameGtid(P, [R1, R2]);
    const row = (await sql(R2, "SHOW SLAVE STATUS"))[0];
    expect([
      row?.Slave_IO_Running,
      row?.Slave_SQL_Running,
      (await sql(R2, "SELECT @@read_only r"))[0]?.r,
    ]).toEqual(["Yes", "Yes", 1]);
  }, 30_000);

  test("stop shuts the server down cleanly and start resumes replication", async () => {
    expect((await stopInstance(sb.dir, R1)).ok).toBe(true);
    expect(await portAccepts(R1)).toBe(false);
    expect(readFileSync(sb.instances[1]!.errorLog, "utf8")).toContain("Shutdown complete");
    await sql(P, "INSERT INTO t.x VALUES (3)");
    expect((await startInstance(sb.dir, R1)).ok).toBe(true);
    await waitSameGtid(P, [R1, R2]);
  }, 30_000);

  test("kill/stop/start of a port outside the sandbox is unknown-port", async () => {
    const r = await killInstance(sb.dir, at(99));
    expect(r.ok ? "ok" : r.error).toEqual({
      code: "sandbox.unknown-port",
      dir: sb.dir,
      port: at(99),
      ports: [P, R1, R2],
    });
  });

  test("a server that can't start is start-failed naming the instance and quoting its error log", async () => {
    const cnf = configFileOf(sb.instances[2]!);
    const good = readFileSync(cnf, "utf8");
    expect((await stopInstance(sb.dir, R2)).ok).toBe(true);
    writeFileSync(cnf, `${good}no_such_option_keel = 1\n`);
    const r = await startInstance(sb.dir, R2);
    writeFileSync(cnf, good);
    if (r.ok) throw new Error("start should have failed");
    expect(r.error.code).toBe("sandbox.start-failed");
    if (r.error.code !== "sandbox.start-failed") return;
    expect(r.error.port).toBe(R2);
    expect(r.error.logTail.join("\n")).toContain("no_such_option_keel");
    expect((await startInstance(sb.dir, R2)).ok).toBe(true);
  }, 30_000);
});

describe("sandbox: chained with semi-sync", () => {
  const [P, MID, LEAF] = [at(10), at(11), at(12)];
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ instances: 3, basePort: P, chained: true, semiSync: true });
  }, SANDBOX_HOOK_TIMEOUT_MS);
  afterAll(() => sb?.down());

  test("the last instance replicates from the second, which replicates from the primary", async () => {
    expect(sb.instances.map((i) => i.sourcePort)).toEqual([null, P, MID]);
    expect((await sql(LEAF, "SHOW SLAVE STATUS"))[0]?.Master_Port).toBe(MID);
    expect((await sql(MID, "SHOW SLAVE STATUS"))[0]?.Master_Port).toBe(P);
    await sql(P, "CREATE DATABASE chain");
    expect(await waitSameGtid(P, [MID, LEAF])).toBe("0-1-1");
  });

  test("semi-sync is on: primary as source with an acking replica, replicas as semi-sync replicas", async () => {
    const primary = await sql(P, "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_%'");
    const statusOf = (rows: Row[], name: string) => rows.find((r) => r.Variable_name === name)?.Value;
    expect(statusOf(primary, "Rpl_semi_sync_master_status")).toBe("ON");
    expect(statusOf(primary, "Rpl_semi_sync_master_clients")).toBe("1");
    for (const port of [MID, LEAF]) {
      const v = (
        await sql(port, "SELECT @@rpl_semi_sync_slave_enabled e, @@rpl_semi_sync_master_timeout t")
      )[0];
      expect(v).toEqual({ e: 1, t: 1000 });
    }
    const mid = await sql(MID, "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_slave_status'");
    expect(mid[0]?.Value).toBe("ON");
  });
});

describe("sandbox: teardown and errors", () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  test("down leaves no process and no files, and a second up in the same dir works", async () => {
    const dir = makeTestSandboxDir();
    try {
      for (let round = 0; round < 2; round++) {
        const up = await sandboxUp({ dir, instances: 2, basePort: at(20) });
        expect(up.ok ? "ok" : up.error).toBe("ok");
        expect(serverPids(dir).length).toBe(2);
        expect((await sandboxDown(dir)).ok).toBe(true);
        expect(serverPids(dir)).toEqual([]);
        expect(existsSync(`${dir}/sandbox.json`) || existsSync(`${dir}/node-${at(20)}`)).toBe(false);
        expect(await portAccepts(at(20))).toBe(false);
      }
      const after = readSandbox(dir);
      expect(after.ok ? "ok" : after.error.code).toBe("sandbox.not-found");
    } finally {
      await removeTestSandboxDir(dir);
    }
  }, 30_000);

  test("a missing mariadbd is mariadbd-missing", async () => {
    const r = await sandboxUp({
      dir: "/tmp/keel-test-never",
      instances: 1,
      basePort: at(30),
      mariadbd: "/nope/mariadbd",
    });
    expect(r.ok ? "ok" : r.error).toEqual({ code: "sandbox.mariadbd-missing", path: "/nope/mariadbd" });
  });

  test("a port already taken by another process is port-in-use, before anything starts", async () => {
    blocker = createServer();
    await new Promise<void>((done) => blocker!.listen(at(41), "127.0.0.1", done));
    const dir = makeTestSandboxDir();
    const r = await sandboxUp({ dir, instances: 2, basePort: at(40) });
    expect(r.ok ? "ok" : r.error).toEqual({ code: "sandbox.port-in-use", port: at(41) });
    expect(readSandbox(dir).ok).toBe(false);
    await removeTestSandboxDir(dir);
  });
});
