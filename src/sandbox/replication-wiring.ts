// Wiring GTID replication between sandbox servers, and waiting until it demonstrably runs.
import { setTimeout as sleep } from "node:timers/promises";
import { SANDBOX_REPLICATION_WAIT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { withAdmin } from "./admin-sql.ts";
import { SANDBOX_REPL, type SandboxError } from "./sandbox-types.ts";

const POLL_MS = 100;

/** CHANGE MASTER is persisted in the datadir, so a restarted replica resumes by itself. */
export function changeMasterSql(sourcePort: number): string {
  return [
    "CHANGE MASTER TO MASTER_HOST='127.0.0.1'",
    `MASTER_PORT=${sourcePort}`,
    `MASTER_USER='${SANDBOX_REPL.user}'`,
    `MASTER_PASSWORD='${SANDBOX_REPL.password}'`,
    "MASTER_USE_GTID=slave_pos",
    "MASTER_CONNECT_RETRY=1",
    "MASTER_HEARTBEAT_PERIOD=0.5",
  ].join(", ");
}

export function replicateFrom(port: number, sourcePort: number): Promise<Result<void, SandboxError>> {
  return withAdmin(port, `replicate from ${sourcePort}`, async (s) => {
    await s.query(changeMasterSql(sourcePort));
    await s.query("START SLAVE");
  });
}

interface ThreadsSeen {
  io: string;
  sql: string;
  lastError: string;
}

async function readThreads(port: number): Promise<Result<ThreadsSeen, SandboxError>> {
  return withAdmin(port, "read replica status", async (s) => {
    const row = (await s.query("SHOW SLAVE STATUS"))[0];
    if (!row) return { io: "none", sql: "none", lastError: "no replication configured" };
    return {
      io: String(row.Slave_IO_Running),
      sql: String(row.Slave_SQL_Running),
      lastError: String(row.Last_IO_Error || row.Last_SQL_Error || ""),
    };
  });
}

/** Polls until both replication threads report Yes, or reports what it last saw. */
export async function waitReplicating(port: number, sourcePort: number): Promise<Result<void, SandboxError>> {
  const deadline = performance.now() + SANDBOX_REPLICATION_WAIT_MS;
  for (;;) {
    const seen = await readThreads(port);
    if (seen.ok && seen.value.io === "Yes" && seen.value.sql === "Yes") return ok(undefined);
    if (performance.now() > deadline) {
      if (!seen.ok) return seen;
      return err({
        code: "sandbox.replication-not-running",
        port,
        sourcePort,
        ioRunning: seen.value.io,
        sqlRunning: seen.value.sql,
        lastError: seen.value.lastError,
      });
    }
    await sleep(POLL_MS);
  }
}

export function makeWritable(port: number): Promise<Result<void, SandboxError>> {
  return withAdmin(port, "make the primary writable", async (s) => {
    await s.query("SET GLOBAL read_only = OFF");
  });
}
