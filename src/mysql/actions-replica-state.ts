// What an action needs to know about a server's default replication channel, read from one
// SHOW SLAVE/REPLICA STATUS answer. Pure, so the decisions (is the relay log applied, is this
// already the wanted source, is replication healthy) are table-tested without a server.
import { type GtidState, parseGtidState } from "../gtid/compare.ts";
import { mariadbMissing } from "../gtid/mariadb-gtid-compare.ts";
import { countMysqlGtids, subtractMysqlGtidSets } from "../gtid/mysql-gtid-set.ts";
import { ok, type Result } from "../lib/result.ts";
import type { IoThreadState } from "../model/instance-state.ts";
import {
  type ChannelContext,
  parseReplicaStatusRow,
  type ReplicaStatusError,
  type StatusRow,
} from "./replica-status.ts";

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
  /**
   * Everything received has been applied: executed GTIDs contain the retrieved ones (positions
   * compared only when GTIDs cannot be: nothing retrieved, or MariaDB's gtid_slave_pos not read).
   */
  relayApplied: boolean;
  /** The executed GTIDs the verdict used (MySQL Executed_Gtid_Set, MariaDB gtid_slave_pos); "" if unknown. */
  executedGtid: string;
  /** Retrieved but not executed, in transactions; null when GTIDs could not be compared. */
  unappliedTransactions: bigint | null;
  /** The SQL thread's state says it has read all the relay log (not proof that it applied it). */
  sqlReadAllRelayLog: boolean;
  /** The positions compared, for messages: "read file:pos, executed file:pos". */
  positions: string;
}

/** The SQL thread's (or, with parallel replication, the coordinator's) state once it has read all. */
const READ_ALL_RELAY_LOG = /has read all relay log/i;

function defaultChannelRow(rows: readonly StatusRow[]): StatusRow | undefined {
  const named = (r: StatusRow) => String(r.Channel_Name ?? r.Channel_name ?? r.Connection_name ?? "");
  return rows.find((r) => named(r) === "") ?? rows[0];
}

/** Transactions in `retrieved` missing from `executed`; null when the two cannot be compared. */
export function unappliedCount(retrieved: GtidState, executed: GtidState): bigint | null {
  if (retrieved.family === "mysql" && executed.family === "mysql")
    return countMysqlGtids(subtractMysqlGtidSets(retrieved.set, executed.set));
  if (retrieved.family === "mariadb" && executed.family === "mariadb") {
    let n = 0n;
    for (const gap of mariadbMissing(executed.pos, retrieved.pos)) {
      n += gap.kind === "conflict" ? 1n : gap.topSeq - (gap.baseSeq ?? 0n);
    }
    return n;
  }
  return null;
}

function unappliedOf(retrievedText: string, executedText: string | null, mariadb: boolean): bigint | null {
  if (retrievedText === "" || executedText === null) return null;
  const flavor = mariadb ? "mariadb" : "mysql";
  const retrieved = parseGtidState(retrievedText, flavor);
  const executed = parseGtidState(executedText, flavor);
  return retrieved.ok && executed.ok ? unappliedCount(retrieved.value, executed.value) : null;
}

/**
 * null when no replication is configured (a primary, or after RESET SLAVE/REPLICA ALL). On MariaDB
 * pass the gtid_slave_pos read right after the status (the row has no executed set of its own);
 * without it the verdict falls back to comparing positions.
 */
export function readReplicaThreads(
  rows: readonly StatusRow[],
  ctx: ChannelContext = {},
): Result<ReplicaThreads | null, ReplicaStatusError> {
  const row = defaultChannelRow(rows);
  if (!row) return ok(null);
  const parsed = parseReplicaStatusRow(row, ctx);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const mariadb = c.mariadbUsingGtid !== null;
  const executedKnown = !mariadb || ctx.mariadbGtidSlavePos !== undefined;
  const unapplied = unappliedOf(c.retrievedGtidSet, executedKnown ? c.executedGtidSet : null, mariadb);
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
    relayApplied: unapplied === null ? caughtUpByPosition : unapplied === 0n,
    executedGtid: executedKnown ? c.executedGtidSet : "",
    unappliedTransactions: unapplied,
    sqlReadAllRelayLog: READ_ALL_RELAY_LOG.test(sqlState),
    positions: `read ${c.sourceLogFile}:${c.readSourceLogPos}, executed ${c.relaySourceLogFile}:${c.execSourceLogPos}`,
  });
}

/**
 * The one case the GTIDs alone cannot settle: a source that died half-way through sending a
 * transaction leaves it retrieved but never applicable. Then, and only then, the SQL thread's
 * "has read all relay log" is believed: receiving has stopped (the IO thread is off), at most one
 * transaction is missing, and the executed GTIDs have not moved for stallMs, so no parallel worker
 * is still applying behind a coordinator that already says it has read everything.
 */
export function relayTailAbandoned(
  t: ReplicaThreads,
  executedUnchangedForMs: number,
  stallMs: number,
): boolean {
  return (
    !t.relayApplied &&
    t.ioState === "no" &&
    t.sqlRunning &&
    t.sqlReadAllRelayLog &&
    t.unappliedTransactions !== null &&
    t.unappliedTransactions <= 1n &&
    executedUnchangedForMs >= stallMs
  );
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
