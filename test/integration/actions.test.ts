// The failover, switchover, fencing and rejoin actions against a real 3-instance MariaDB
// sandbox (TEST_PORT_BLOCKS.actions), run in order on one topology: fencing, the primary check, a
// planned switchover A → B under a writer, a kill -9 failover B → C with B rejoining, and the
// check against a hung (SIGSTOPped) server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import { PRIMARY_CHECK_TIMEOUT_MS } from "../../src/lib/limits.ts";
import type { Result } from "../../src/lib/result.ts";
import {
  type ActionError,
  demoteToReplica,
  executedGtid,
  fence,
  makeWritable,
  promote,
  repoint,
  replicationHealthy,
  resumeReceiving,
  stopReceiving,
  waitCaughtUp,
  writeHeartbeat,
} from "../../src/mysql/actions.ts";
import { type AdminConnection, openAdminConnection } from "../../src/mysql/admin-connection.ts";
import { checkFailureVerdict } from "../../src/failover/check-failure.ts";
import { PROBE_DEADLINE_CODE } from "../../src/mysql/driver-error.ts";
import type { ServerVersion } from "../../src/mysql/flavor.ts";
import { checkReachable, PrimaryChecker } from "../../src/mysql/primary-check.ts";
import { sql } from "../../src/mysql/statements-sql.ts";
import { withAdmin } from "../../src/sandbox/admin-sql.ts";
import { killInstance, SANDBOX_ADMIN, SANDBOX_REPL, startInstance } from "../../src/sandbox/sandbox.ts";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";

/** A semi-sync wait longer than any test: a commit parked on it stays parked until released. */
const SEMI_SYNC_PARK_MS = 60_000;

/** MariaDB/MySQL: "The MariaDB server is running with the --read-only option". */
const ER_OPTION_PREVENTS_STATEMENT = 1290;

const HOST = "127.0.0.1";
const APP = { user: "app", password: "app-pw" } as const;
const MARIADB_10_6: ServerVersion = {
  flavor: "mariadb",
  version: "10.6.0-MariaDB",
  versionNumbers: [10, 6, 0],
  versionComment: "keel test",
};

function must<T>(r: Result<T, ActionError>): T {
  if (!r.ok) throw new Error(`action failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function admin(port: number, speakAs?: ServerVersion): Promise<AdminConnection> {
  const target = { address: { kind: "tcp" as const, host: HOST, port }, ...SANDBOX_ADMIN };
  return must(await openAdminConnection(target, { speakAs }));
}

/** Runs statements on a fresh sandbox admin connection and returns the last one's rows. */
async function sqlOn(port: number, ...statements: string[]): Promise<Record<string, unknown>[]> {
  const r = await withAdmin(port, "test sql", async (s) => {
    let rows: Record<string, unknown>[] = [];
    for (const st of statements) rows = await s.query(st);
    return rows;
  });
  if (!r.ok) throw new Error(`sql on ${port} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

async function readOnlyOf(port: number): Promise<number> {
  return Number((await sqlOn(port, "SELECT @@global.read_only AS ro"))[0]!.ro);
}

async function idsOn(port: number, table: string): Promise<Set<number>> {
  const rows = await sqlOn(port, `SELECT id FROM act.${table}`);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Tries one insert as the application user; resolves with the server's errno, or 0 on success. */
async function appInsert(port: number, table: string, id: number): Promise<number> {
  const conn = await mysql.createConnection({ host: HOST, port, ...APP, connectTimeout: 2_000 });
  conn.on("error", () => undefined);
  try {
    await conn.query({ sql: `INSERT INTO act.${table} (id) VALUES (?)`, values: [id], timeout: 2_000 });
    return 0;
  } catch (e) {
    return Number((e as { errno?: number }).errno ?? -1);
  } finally {
    conn.destroy();
  }
}

/**
 * Inserts increasing ids as the application user, as fast as the server answers, into whichever
 * server it is pointed at (the test moves it, as a proxy would). Remembers every acknowledged id
 * and the longest gap between two acknowledgements.
 */
class SteadyWriter {
  readonly acked: number[] = [];
  refused = 0;
  longestGapMs = 0;
  private nextId = 1;
  private port: number;
  private conn: mysql.Connection | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lastAckAtMs = 0;

  constructor(
    port: number,
    private readonly table: string,
  ) {
    this.port = port;
  }

  start(): void {
    this.lastAckAtMs = performance.now();
    this.loop = this.run();
  }

  pointAt(port: number): void {
    this.port = port;
    this.conn?.destroy();
    this.conn = null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.conn?.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const id = this.nextId++;
      try {
        if (!this.conn) {
          const c = await mysql.createConnection({
            host: HOST,
            port: this.port,
            ...APP,
            connectTimeout: 1_000,
          });
          c.on("error", () => undefined);
          this.conn = c;
        }
        await this.conn.query({
          sql: `INSERT INTO act.${this.table} (id) VALUES (?)`,
          values: [id],
          timeout: 2_000,
        });
        const nowMs = performance.now();
        this.longestGapMs = Math.max(this.longestGapMs, nowMs - this.lastAckAtMs);
        this.lastAckAtMs = nowMs;
        this.acked.push(id);
      } catch (e) {
        this.refused++;
        if ((e as { fatal?: boolean }).fatal) {
          this.conn?.destroy();
          this.conn = null;
        }
        await Bun.sleep(2);
      }
    }
  }
}

const BASE_PORT = portIn(TEST_PORT_BLOCKS.actions, 0);
const A = BASE_PORT;
const B = BASE_PORT + 1;
const C = BASE_PORT + 2;
const REPL = { user: SANDBOX_REPL.user, password: SANDBOX_REPL.password };
const at = (port: number) => ({ host: HOST, port });

const sandbox = useTestSandbox({ instances: 3, basePort: BASE_PORT });
const opened: AdminConnection[] = [];

async function conn(port: number, speakAs?: ServerVersion): Promise<AdminConnection> {
  const c = await admin(port, speakAs);
  opened.push(c);
  return c;
}

afterAll(() => {
  for (const c of opened) c.close();
});

function pidOf(port: number): number {
  const inst = sandbox().instances.find((i) => i.port === port)!;
  return Number(readFileSync(inst.pidFile, "utf8").trim());
}

async function waitStopped(pid: number): Promise<void> {
  const startMs = performance.now();
  while (performance.now() - startMs < 2_000) {
    if (readFileSync(`/proc/${pid}/status`, "utf8").match(/^State:\s+(\S)/m)?.[1] === "T") return;
    await Bun.sleep(5);
  }
  throw new Error(`process ${pid} did not stop`);
}

/** Polls until the replica's IO thread has received `position` (MariaDB Gtid_IO_Pos). */
async function waitReceived(port: number, position: string): Promise<void> {
  const startMs = performance.now();
  while (performance.now() - startMs < 5_000) {
    const row = (await sqlOn(port, "SHOW SLAVE STATUS"))[0];
    if (row && String(row.Gtid_IO_Pos) === position) return;
    await Bun.sleep(20);
  }
  throw new Error(`replica ${port} did not receive ${position}`);
}

describe("mysql actions on a real MariaDB sandbox", () => {
  beforeAll(async () => {
    await sqlOn(
      A,
      "CREATE DATABASE act",
      "CREATE TABLE act.fence (id INT PRIMARY KEY)",
      "CREATE TABLE act.switchover (id INT PRIMARY KEY)",
      "CREATE TABLE act.failover (id INT PRIMARY KEY)",
      "CREATE TABLE act.detach (id INT PRIMARY KEY)",
      `CREATE USER '${APP.user}'@'127.0.0.1' IDENTIFIED BY '${APP.password}'`,
      `GRANT SELECT, INSERT ON act.* TO '${APP.user}'@'127.0.0.1'`,
    );
  });

  test("fence and makeWritable are idempotent, verified, and fencing stops application writes", async () => {
    const c = await conn(A);
    expect(must(await fence(c))).toEqual({ changed: true });
    expect(must(await fence(c))).toEqual({ changed: false });
    expect(await readOnlyOf(A)).toBe(1);
    expect(await appInsert(A, "fence", 1)).toBe(ER_OPTION_PREVENTS_STATEMENT);
    expect(must(await writeHeartbeat(c))).toEqual({ written: false });
    expect(must(await makeWritable(c))).toEqual({ changed: true });
    expect(must(await makeWritable(c))).toEqual({ changed: false });
    expect(await readOnlyOf(A)).toBe(0);
    expect(await appInsert(A, "fence", 2)).toBe(0);
    expect(must(await writeHeartbeat(c))).toEqual({ written: true });
    expect(must(await writeHeartbeat(c))).toEqual({ written: true });
    const rows = await sqlOn(A, "SELECT server_id FROM keel.heartbeat");
    expect(rows.map((r) => Number(r.server_id))).toEqual([1]);
  }, 20_000);

  test("values survive the driver's escaping even when the server's sql_mode has NO_BACKSLASH_ESCAPES", async () => {
    await sqlOn(A, "SET GLOBAL sql_mode = CONCAT(@@global.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    try {
      const c = await conn(A);
      const tricky = "it's \\' a \\\\ -- test";
      const rows = must(await c.run("replication-status", sql`SELECT ${tricky} AS v`));
      expect(rows[0]!.v).toBe(tricky);
    } finally {
      await sqlOn(A, "SET GLOBAL sql_mode = REPLACE(@@global.sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
    }
  }, 10_000);

  test("checkReachable answers in milliseconds; a PrimaryChecker keeps one connection", async () => {
    const r = await checkReachable(HOST, A, SANDBOX_ADMIN.user, SANDBOX_ADMIN.password);
    expect(r).toMatchObject({ ok: true, errorCode: null });
    expect(r.latencyMs).toBeLessThan(PRIMARY_CHECK_TIMEOUT_MS);
    const checker = new PrimaryChecker({ address: { kind: "tcp", ...at(A) }, ...SANDBOX_ADMIN });
    const before = Number((await sqlOn(A, "SHOW GLOBAL STATUS LIKE 'Connections'"))[0]!.Value);
    for (let i = 0; i < 5; i++) expect((await checker.check()).ok).toBe(true);
    const after = Number((await sqlOn(A, "SHOW GLOBAL STATUS LIKE 'Connections'"))[0]!.Value);
    // One connection for the checker plus one for this reading.
    expect(after - before).toBe(2);
    checker.close();
    const denied = await checkReachable(HOST, A, SANDBOX_ADMIN.user, "wrong-password");
    expect(denied).toMatchObject({ ok: false, errorCode: "ER_ACCESS_DENIED_ERROR" });
  }, 20_000);

  test("a server out of connections answers the check itself: ER_CON_COUNT_ERROR, a vote that it lives", async () => {
    const held: mysql.Connection[] = [];
    const [row] = await sqlOn(A, "SELECT @@global.max_connections AS n");
    try {
      await sqlOn(A, "SET GLOBAL max_connections = 10"); // MariaDB's smallest
      let code: string | null = null;
      for (let i = 0; i < 20 && code === null; i++) {
        const r = await checkReachable(HOST, A, APP.user, APP.password);
        if (!r.ok) code = r.errorCode;
        else
          held.push(
            await mysql.createConnection({ host: HOST, port: A, user: APP.user, password: APP.password }),
          );
      }
      expect(code).toBe("ER_CON_COUNT_ERROR");
      expect(checkFailureVerdict(code)).toBe("alive");
    } finally {
      for (const c of held) await c.end().catch(() => undefined);
      await sqlOn(A, `SET GLOBAL max_connections = ${Number(row?.n ?? 151)}`);
    }
  }, 20_000);

  test("planned switchover A → B under a steady writer loses no acknowledged write", async () => {
    const writer = new SteadyWriter(A, "switchover");
    writer.start();
    await Bun.sleep(300);
    const a = await conn(A, MARIADB_10_6); // the pre-10.10 demotion path: adopt gtid_current_pos
    const b = await conn(B);
    const c = await conn(C);
    const fencedAtMs = performance.now();
    must(await fence(a));
    const oldPosition = must(await executedGtid(a));
    must(await waitCaughtUp(b, oldPosition, 5_000));
    const promoted = must(await promote(b));
    expect(promoted.wasReplica).toBe(true);
    must(await makeWritable(b));
    writer.pointAt(B);
    const writableAfterMs = performance.now() - fencedAtMs;
    must(await repoint(c, at(B), REPL));
    must(await demoteToReplica(a, at(B), REPL));
    await Bun.sleep(300);
    await writer.stop();
    const newPosition = must(await executedGtid(b));
    for (const replica of [a, c]) must(await waitCaughtUp(replica, newPosition, 5_000));
    expect(writer.acked.length).toBeGreaterThan(20);
    for (const port of [A, B, C]) {
      const present = await idsOn(port, "switchover");
      expect(writer.acked.filter((id) => !present.has(id))).toEqual([]);
    }
    expect(await readOnlyOf(A)).toBe(1);
    for (const replica of [a, c]) {
      expect(must(await replicationHealthy(replica))).toMatchObject({ healthy: true, source: at(B) });
    }
    console.log(
      `switchover: writable again ${writableAfterMs.toFixed(0)} ms after fencing; ` +
        `longest gap between acknowledged writes ${writer.longestGapMs.toFixed(0)} ms; ` +
        `${writer.acked.length} acknowledged, ${writer.refused} refused`,
    );
  }, 30_000);

  test("stopReceiving applies what C received and takes nothing more from B; resumeReceiving undoes it", async () => {
    const c = await conn(C);
    // C has received B's next writes but not applied them: the detach must apply them, not drop them.
    await sqlOn(C, "STOP SLAVE SQL_THREAD");
    await sqlOn(B, "INSERT INTO act.detach VALUES (1)", "INSERT INTO act.detach VALUES (2)");
    const received = String((await sqlOn(B, "SELECT @@gtid_binlog_pos AS p"))[0]!.p);
    await waitReceived(C, received);
    const detached = must(await stopReceiving(c, 5_000));
    expect(detached).toEqual({ wasReceiving: true, executedGtid: received });
    expect([...(await idsOn(C, "detach"))].sort()).toEqual([1, 2]);
    expect(must(await replicationHealthy(c))).toMatchObject({
      configured: true,
      ioState: "no",
      sqlRunning: true,
    });

    // B writes on (as a hung primary resumed would): C takes none of it.
    await sqlOn(B, "INSERT INTO act.detach VALUES (3)");
    await Bun.sleep(300);
    expect([...(await idsOn(C, "detach"))].sort()).toEqual([1, 2]);
    expect(must(await stopReceiving(c, 5_000))).toEqual({ wasReceiving: false, executedGtid: received });

    expect(must(await resumeReceiving(c))).toEqual({ changed: true });
    expect(must(await resumeReceiving(c))).toEqual({ changed: false });
    must(await waitCaughtUp(c, String((await sqlOn(B, "SELECT @@gtid_binlog_pos AS p"))[0]!.p), 5_000));
    expect([...(await idsOn(C, "detach"))].sort()).toEqual([1, 2, 3]);
    expect(must(await replicationHealthy(c))).toMatchObject({ healthy: true, source: at(B) });
  }, 30_000);

  test("failover after kill -9 of B; B restarts read-only and rejoins as a replica of C", async () => {
    // A and C receive B's last writes but have not applied them when B dies.
    await sqlOn(A, "STOP SLAVE SQL_THREAD");
    await sqlOn(C, "STOP SLAVE SQL_THREAD");
    await sqlOn(B, "INSERT INTO act.failover VALUES (1)", "INSERT INTO act.failover VALUES (2)");
    const last = String((await sqlOn(B, "SELECT @@gtid_binlog_pos AS p"))[0]!.p);
    for (const port of [A, C]) await waitReceived(port, last);
    expect((await killInstance(sandbox().dir, B)).ok).toBe(true);
    const c = await conn(C);
    const a = await conn(A);
    // Right after the kill the dying listener may still take the SYN and reset it.
    const first = await checkReachable(HOST, B, SANDBOX_ADMIN.user, SANDBOX_ADMIN.password);
    expect(first.ok).toBe(false);
    expect(["ECONNREFUSED", "ECONNRESET"]).toContain(first.errorCode!);
    expect(first.latencyMs).toBeLessThan(100);
    await Bun.sleep(50);
    const refused = await checkReachable(HOST, B, SANDBOX_ADMIN.user, SANDBOX_ADMIN.password);
    expect(refused).toMatchObject({ ok: false, errorCode: "ECONNREFUSED" });
    expect(refused.latencyMs).toBeLessThan(100);

    // A with both threads stopped: MariaDB would discard its relay log, so promote refuses.
    await sqlOn(A, "STOP SLAVE IO_THREAD");
    const refusedPromotion = await promote(a);
    expect(refusedPromotion.ok).toBe(false);
    if (!refusedPromotion.ok) expect(refusedPromotion.error.errorCode).toBe("RELAY_LOG_NOT_APPLIED");
    expect((await idsOn(A, "failover")).size).toBe(0);
    expect(must(await replicationHealthy(a)).configured).toBe(true);

    const startMs = performance.now();
    const promoted = must(await promote(c));
    must(await makeWritable(c));
    const writableMs = performance.now() - startMs;
    must(await repoint(a, at(C), REPL));
    expect(must(await promote(c))).toMatchObject({ wasReplica: false });
    expect(must(await repoint(a, at(C), REPL))).toEqual({ changed: false });
    expect(await appInsert(C, "failover", 3)).toBe(0);
    const position = must(await executedGtid(c));
    must(await waitCaughtUp(a, position, 5_000));
    expect([...(await idsOn(A, "failover"))].sort()).toEqual([1, 2, 3]);
    expect(promoted.relayApplyMs).toBeGreaterThan(0);
    expect([...(await idsOn(C, "failover"))].sort()).toEqual([1, 2, 3]);

    expect((await startInstance(sandbox().dir, B)).ok).toBe(true);
    expect(await readOnlyOf(B)).toBe(1);
    const b = await conn(B);
    expect(must(await replicationHealthy(b)).configured).toBe(false);
    // Its gtid_slave_pos is stale (from when it replicated from A); demotion adopts its own position.
    expect(String((await sqlOn(B, "SELECT @@gtid_slave_pos AS p"))[0]!.p)).not.toBe(
      String((await sqlOn(B, "SELECT @@gtid_binlog_pos AS p"))[0]!.p),
    );
    must(await demoteToReplica(b, at(C), REPL)); // 10.11: MASTER_DEMOTE_TO_SLAVE=1
    expect(must(await demoteToReplica(b, at(C), REPL))).toEqual({ changed: false });
    must(await waitCaughtUp(b, position, 5_000));
    expect([...(await idsOn(B, "failover"))].sort()).toEqual([1, 2, 3]);
    expect(await readOnlyOf(B)).toBe(1);
    expect(must(await replicationHealthy(b))).toMatchObject({ healthy: true, source: at(C) });
    console.log(
      `failover: promote+writable ${writableMs.toFixed(0)} ms (relay apply ${promoted.relayApplyMs.toFixed(0)} ms)`,
    );
  }, 40_000);

  test("a SIGSTOPped server fails the check within its timeout; the checker recovers after SIGCONT", async () => {
    const pid = pidOf(A);
    const checker = new PrimaryChecker({ address: { kind: "tcp", ...at(A) }, ...SANDBOX_ADMIN });
    expect((await checker.check()).ok).toBe(true);
    try {
      process.kill(pid, "SIGSTOP");
      await waitStopped(pid);
      const kept = await checker.check();
      expect(kept.ok).toBe(false);
      expect(kept.latencyMs).toBeLessThan(PRIMARY_CHECK_TIMEOUT_MS + 150);
      const fresh = await checkReachable(HOST, A, SANDBOX_ADMIN.user, SANDBOX_ADMIN.password, 300);
      expect(fresh.ok).toBe(false);
      expect(["ETIMEDOUT", PROBE_DEADLINE_CODE]).toContain(fresh.errorCode!);
      expect(fresh.latencyMs).toBeLessThan(300 + 150);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect((await checker.check()).ok).toBe(true);
    checker.close();
  }, 20_000);

  test("fence with a second connection releases a commit stuck waiting for a semi-sync ACK and lands read_only", async () => {
    // C is primary now. Semi-sync on with no acking replica and a 60 s timeout: a commit waits.
    await sqlOn(
      C,
      `SET GLOBAL rpl_semi_sync_master_timeout = ${SEMI_SYNC_PARK_MS}`,
      "SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON",
      "SET GLOBAL rpl_semi_sync_master_enabled = ON",
    );
    const c = await conn(C);
    const stuck = appInsert(C, "fence", 3).catch(() => -1);
    try {
      const waiting = async () =>
        (
          await sqlOn(
            C,
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for semi-sync ACK%'",
          )
        )[0]!.n;
      for (let i = 0; i < 100 && Number(await waiting()) === 0; i++) await Bun.sleep(20);
      expect(Number(await waiting())).toBe(1);
      const fenced = must(
        await fence(c, {
          openSecond: () =>
            openAdminConnection({ address: { kind: "tcp", host: HOST, port: C }, ...SANDBOX_ADMIN }),
        }),
      );
      expect(fenced).toEqual({ changed: true });
      expect(await readOnlyOf(C)).toBe(1);
      expect(Number(await waiting())).toBe(0);
      expect(await appInsert(C, "fence", 4)).toBe(ER_OPTION_PREVENTS_STATEMENT);
    } finally {
      await sqlOn(C, "SET GLOBAL rpl_semi_sync_master_enabled = OFF");
      await stuck;
      must(await makeWritable(c));
    }
  }, 30_000);
});
