// SQL for the lab. Two kinds of access, on purpose:
// - the harness (the "operator") goes over each server's unix socket, which no network fault can
//   cut, so setup, inspection and deliberate tampering work even on an isolated host;
// - the client (writer, sampler) goes over TCP from the root namespace, so it sees exactly what
//   an application would: partitions, loss and hung servers included.
import mysql from "mysql2/promise";
import { openAdminConnection } from "../../../src/mysql/admin-connection.ts";
import type { AdminConnection } from "../../../src/mysql/admin-connection.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL } from "../../../src/sandbox/sandbox-types.ts";

/** The lab's servers come from the sandbox's datadir template, so its accounts are the sandbox's. */
export const LAB_ADMIN = SANDBOX_ADMIN;
export const LAB_REPL = SANDBOX_REPL;
/** The application account: no READ_ONLY ADMIN, so read_only really refuses its writes. */
export const LAB_APP = { user: "chaos_app", password: "chaos_app" } as const;
export const CHAOS_SCHEMA = "chaos";
export const CHAOS_TABLE = "chaos.writes";

export type Row = Record<string, unknown>;

export interface SqlSession {
  query(sql: string, values?: unknown[]): Promise<Row[]>;
  close(): void;
}

function sessionOf(conn: mysql.Connection, timeoutMs: number): SqlSession {
  conn.on("error", () => {
    // A fatal error also rejects the pending query; that rejection is what callers see.
  });
  return {
    async query(sql, values) {
      const [rows] = await conn.query({ sql, values, timeout: timeoutMs });
      return Array.isArray(rows) ? (rows as Row[]) : [];
    },
    close() {
      conn.destroy();
    },
  };
}

export async function openSocketSession(socket: string, timeoutMs = 5_000): Promise<SqlSession> {
  const conn = await mysql.createConnection({
    socketPath: socket,
    user: LAB_ADMIN.user,
    password: LAB_ADMIN.password,
    connectTimeout: timeoutMs,
    multipleStatements: true,
  });
  return sessionOf(conn, timeoutMs);
}

export async function openTcpSession(
  host: string,
  port: number,
  creds: { user: string; password: string },
  timeoutMs: number,
): Promise<SqlSession> {
  const conn = await mysql.createConnection({
    host,
    port,
    user: creds.user,
    password: creds.password,
    connectTimeout: timeoutMs,
  });
  return sessionOf(conn, timeoutMs);
}

/** Runs fn on a fresh socket session, always closed afterwards. */
export async function withSocket<T>(
  socket: string,
  fn: (s: SqlSession) => Promise<T>,
  timeoutMs = 5_000,
): Promise<T> {
  const s = await openSocketSession(socket, timeoutMs);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/** keel's own action connection (src/mysql) over the operator's socket. Throws if it can't connect. */
export async function openSocketAdmin(socket: string): Promise<AdminConnection> {
  const c = await openAdminConnection({
    address: { kind: "socket", path: socket },
    user: LAB_ADMIN.user,
    password: LAB_ADMIN.password,
  });
  if (!c.ok) throw new Error(`admin connection to ${socket} failed: ${c.error.errorCode} ${c.error.message}`);
  return c.value;
}

export function quote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** Accounts for hosts in the lab subnet, created outside the binlog so no server gets a GTID of its own. */
export function labUsersSql(hostPattern: string): string {
  const at = quote(hostPattern);
  const user = (u: { user: string; password: string }) =>
    `CREATE USER IF NOT EXISTS ${quote(u.user)}@${at} IDENTIFIED BY ${quote(u.password)}`;
  return [
    "SET SESSION sql_log_bin = 0",
    user(LAB_ADMIN),
    `GRANT ALL PRIVILEGES ON *.* TO ${quote(LAB_ADMIN.user)}@${at} WITH GRANT OPTION`,
    user(LAB_REPL),
    `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${quote(LAB_REPL.user)}@${at}`,
    user(LAB_APP),
    `GRANT SELECT, INSERT ON ${CHAOS_SCHEMA}.* TO ${quote(LAB_APP.user)}@${at}`,
    "SET SESSION sql_log_bin = 1",
  ].join(";\n");
}

export const CHAOS_TABLE_SQL = [
  `CREATE DATABASE IF NOT EXISTS ${CHAOS_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${CHAOS_TABLE} (id BIGINT PRIMARY KEY, host VARCHAR(32) NOT NULL, at_ms BIGINT NOT NULL) ENGINE=InnoDB`,
].join(";\n");
