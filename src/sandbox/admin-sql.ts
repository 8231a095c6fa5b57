// The sandbox's own SQL: one short-lived admin connection per action, always closed, with an
// 'error' listener so a server dying under it is a value, never an uncaught event.
import mysql from "mysql2/promise";
import { SANDBOX_SQL_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { SANDBOX_ADMIN, type SandboxError } from "./sandbox-types.ts";

export type Row = Record<string, unknown>;

export interface AdminSession {
  query(sql: string, values?: unknown[]): Promise<Row[]>;
}

const CLOSE_GRACE_MS = 500;

async function closeQuietly(conn: mysql.Connection): Promise<void> {
  // end() sends COM_QUIT (no "aborted connection" noise in the error log) but can hang on a
  // dead server; destroy() after a grace period always returns.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((done) => {
    timer = setTimeout(done, CLOSE_GRACE_MS);
  });
  await Promise.race([conn.end().catch(() => undefined), grace]);
  clearTimeout(timer);
  conn.destroy();
}

async function openAdmin(port: number, timeoutMs: number): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({
    host: "127.0.0.1",
    port,
    user: SANDBOX_ADMIN.user,
    password: SANDBOX_ADMIN.password,
    connectTimeout: timeoutMs,
  });
  conn.on("error", () => {
    // A fatal connection error also rejects the pending query; that rejection is what we report.
  });
  return conn;
}

/** Runs fn on a fresh admin connection to 127.0.0.1:port; any failure becomes sandbox.sql-failed. */
export async function withAdmin<T>(
  port: number,
  action: string,
  fn: (s: AdminSession) => Promise<T>,
  timeoutMs = SANDBOX_SQL_TIMEOUT_MS,
): Promise<Result<T, SandboxError>> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await openAdmin(port, timeoutMs);
    const c = conn;
    const session: AdminSession = {
      async query(sql, values) {
        const [rows] = await c.query({ sql, values, timeout: timeoutMs });
        return Array.isArray(rows) ? (rows as Row[]) : [];
      },
    };
    return ok(await fn(session));
  } catch (e) {
    return err({ code: "sandbox.sql-failed", port, action, detail: describeSqlError(e) });
  } finally {
    if (conn) await closeQuietly(conn);
  }
}

function describeSqlError(e: unknown): string {
  const x = e as { code?: unknown; message?: unknown };
  const code = typeof x?.code === "string" ? `${x.code}: ` : "";
  return `${code}${String(x?.message ?? e)}`;
}

/** True when the server accepts an admin login right now (used to wait for readiness). */
export async function adminLoginWorks(port: number, timeoutMs: number): Promise<boolean> {
  const r = await withAdmin(port, "login", async (s) => s.query("SELECT 1"), timeoutMs);
  return r.ok;
}
