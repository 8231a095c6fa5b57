// What an action needs to know about a server's default replication channel, read from one
// SHOW SLAVE/REPLICA STATUS answer. Pure, so the decisions (is the relay log applied, is this
// already the wanted source, is replication healthy) are table-tested without a server.
import { ok, type Result } from "../lib/result.ts";
import type { IoThreadState } from "../model/instance-state.ts";
import { parseReplicaStatusRow, type ReplicaStatusError, type StatusRow } from "./replica-status.ts";

export interface ReplicaThreads {
  sourceHost: string;
  sourcePort: number;
  ioState: IoThreadState;
  sqlRunning: boolean;
  gtidAutoPosition: boolean;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  /** Everything received has been applied: nothing in the relay log would be lost by a reset. */
  relayApplied: boolean;
  /** The positions compared, for messages: "read file:pos, executed file:pos". */
  positions: string;
}

/** The SQL thread's state once it has applied everything the relay log holds. */
const READ_ALL_RELAY_LOG = /has read all relay log/i;

function defaultChannelRow(rows: readonly StatusRow[]): StatusRow | undefined {
  const named = (r: StatusRow) => String(r.Channel_Name ?? r.Channel_name ?? r.Connection_name ?? "");
  return rows.find((r) => named(r) === "") ?? rows[0];
}

/** null when no replication is configured (a primary, or after RESET SLAVE/REPLICA ALL). */
export function readReplicaThreads(
  rows: readonly StatusRow[],
): Result<ReplicaThreads | null, ReplicaStatusError> {
  const row = defaultChannelRow(rows);
  if (!row) return ok(null);
  const parsed = parseReplicaStatusRow(row);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const sqlState = String(row.Replica_SQL_Running_State ?? row.Slave_SQL_Running_State ?? "");
  const caughtUpByPosition =
    c.relaySourceLogFile === c.sourceLogFile && c.execSourceLogPos >= c.readSourceLogPos;
  return ok({
    sourceHost: c.sourceHost,
    sourcePort: c.sourcePort,
    ioState: c.ioState,
    sqlRunning: c.sqlRunning,
    gtidAutoPosition: c.gtidAutoPosition,
    lastIoErrno: c.lastIoErrno,
    lastIoError: c.lastIoError,
    lastSqlErrno: c.lastSqlErrno,
    lastSqlError: c.lastSqlError,
    // A transaction cut off mid-way by a dead source never completes; the SQL thread then says it
    // has read all the relay log although the positions differ.
    relayApplied: caughtUpByPosition || (c.sqlRunning && READ_ALL_RELAY_LOG.test(sqlState)),
    positions: `read ${c.sourceLogFile}:${c.readSourceLogPos}, executed ${c.relaySourceLogFile}:${c.execSourceLogPos}`,
  });
}

export interface SourceAddress {
  host: string;
  port: number;
}

/** Both threads run: the replica receives and applies. */
export function isReplicating(t: ReplicaThreads | null): boolean {
  return t !== null && t.ioState === "yes" && t.sqlRunning;
}

/** Already where repoint would put it, so repoint can leave it running untouched. */
export function replicatesFrom(t: ReplicaThreads | null, source: SourceAddress): boolean {
  return (
    isReplicating(t) && t!.gtidAutoPosition && t!.sourceHost === source.host && t!.sourcePort === source.port
  );
}

export type StartVerdict =
  | { kind: "running" }
  | { kind: "waiting"; detail: string }
  | { kind: "failed"; errorCode: "SQL_THREAD_ERROR" | "REPLICATION_NOT_RUNNING"; detail: string };

/**
 * After START SLAVE/REPLICA: running, still coming up, or failed for good. An IO thread that is
 * Connecting may yet connect (the source is starting); one that stopped with an error (e.g. 1236,
 * the source lacks GTIDs this server has) will not, and neither will an SQL thread that stopped.
 */
export function judgeStart(t: ReplicaThreads | null): StartVerdict {
  if (t === null)
    return { kind: "failed", errorCode: "REPLICATION_NOT_RUNNING", detail: "no replication configured" };
  if (!t.sqlRunning && t.lastSqlErrno !== 0) {
    return {
      kind: "failed",
      errorCode: "SQL_THREAD_ERROR",
      detail: `SQL thread error ${t.lastSqlErrno}: ${t.lastSqlError}`,
    };
  }
  if (t.ioState === "no" && t.lastIoErrno !== 0) {
    return {
      kind: "failed",
      errorCode: "REPLICATION_NOT_RUNNING",
      detail: `IO thread error ${t.lastIoErrno}: ${t.lastIoError}`,
    };
  }
  if (isReplicating(t)) return { kind: "running" };
  const lastError = t.lastIoError || t.lastSqlError;
  return {
    kind: "waiting",
    detail: `IO ${t.ioState}, SQL ${t.sqlRunning ? "yes" : "no"}${lastError ? `: ${lastError}` : ""}`,
  };
}
