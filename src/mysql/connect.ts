// Opening probe connections with mysql2: bounded connect, bounded queries, and an 'error'
// listener on every connection, because an idle mysql2 connection that loses its server emits a
// fatal 'error' later and, unheard, that event takes the whole process down.
import mysql, { type Connection } from "mysql2/promise";
import { MYSQL_CONNECT_TIMEOUT_MS } from "../lib/limits.ts";
import type { InstanceKey } from "../model/instance-state.ts";

export type MysqlAddress = { kind: "tcp"; host: string; port: number } | { kind: "socket"; path: string };

export interface ProbeTarget {
  address: MysqlAddress;
  user: string;
  /** Held only in memory; never logged or printed. */
  password: string;
}

/** The key a probe reports: host:port, or the socket path with port 0. */
export function keyOfAddress(a: MysqlAddress): InstanceKey {
  return a.kind === "tcp" ? { host: a.host, port: a.port } : { host: a.path, port: 0 };
}

export interface OpenOptions {
  connectTimeoutMs?: number;
  /** Called once if the connection later fails on its own (server gone while idle). */
  onFatal?: (e: unknown) => void;
}

export async function openConnection(target: ProbeTarget, o: OpenOptions = {}): Promise<Connection> {
  const where =
    target.address.kind === "tcp"
      ? { host: target.address.host, port: target.address.port }
      : { socketPath: target.address.path };
  const conn = await mysql.createConnection({
    ...where,
    user: target.user,
    password: target.password,
    connectTimeout: o.connectTimeoutMs ?? MYSQL_CONNECT_TIMEOUT_MS,
    // One round trip per probe: every statement goes in one batch. No user input is ever
    // interpolated into probe SQL, so batching opens no injection path.
    multipleStatements: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
  });
  let reported = false;
  conn.on("error", (e: unknown) => {
    if (reported) return;
    reported = true;
    o.onFatal?.(e);
  });
  return conn;
}

/** Closes without waiting for the server (it may be the reason we are closing). */
export function destroyQuietly(conn: Connection | null | undefined): void {
  if (!conn) return;
  try {
    conn.destroy();
  } catch {
    // Already torn down; nothing left to release.
  }
}

export type Raced<T> = { done: true; value: T } | { done: false };

/**
 * Resolves with the work's value, or with {done:false} once `ms` pass. The work keeps running
 * (the caller must tear it down); its late rejection is swallowed here so it cannot go unhandled.
 */
export function raceDeadline<T>(work: Promise<T>, ms: number): Promise<Raced<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<Raced<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms));
  });
  const finished = work.then((value): Raced<T> => ({ done: true, value }));
  finished.catch(() => {});
  return Promise.race([finished, expired]).finally(() => clearTimeout(timer));
}
