// Reading a replica's threads, and the two halves of leaving a source: stop receiving from it and
// apply what was received (a promotion's first half, and how a failover keeps the other replicas
// from taking anything more from a failed primary that may wake up), and start receiving again.
import { setTimeout as sleep } from "node:timers/promises";
import {
  ACTION_POLL_INTERVAL_MS,
  ACTION_RELAY_TAIL_STALL_MS,
  ACTION_REPLICATION_START_TIMEOUT_MS,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { ACTION_CODE, type ActionError, type ActionName, type AdminConnection } from "./admin-connection.ts";
import { type ReplicaThreads, readReplicaThreads, relayTailAbandoned } from "./actions-replica-state.ts";
import { fixed } from "./statements-sql.ts";
import {
  executedGtidPosition,
  replicaStatus,
  startReplication,
  startReplicationSql,
  stopReplicationIo,
} from "./statements.ts";

export type ActionResult<T> = Promise<Result<T, ActionError>>;

const monoMs = (): number => performance.now();

/** MariaDB's replica status has no executed set: what the SQL thread applied, read just after it. */
const MARIADB_SLAVE_POS = fixed("SELECT @@global.gtid_slave_pos AS gtid");

export async function readThreads(
  c: AdminConnection,
  action: ActionName,
): ActionResult<ReplicaThreads | null> {
  const rows = await c.run(action, replicaStatus(c.dialect));
  if (!rows.ok) return rows;
  let ctx = {};
  if (c.dialect.flavor === "mariadb" && rows.value.length > 0) {
    const pos = await c.one(action, MARIADB_SLAVE_POS);
    if (!pos.ok) return pos;
    ctx = { mariadbGtidSlavePos: String(pos.value.gtid ?? "") };
  }
  const threads = readReplicaThreads(rows.value, ctx);
  if (threads.ok) return threads;
  const what = threads.error.code === "mysql.replica-status-column" ? "columns" : "value";
  return err(
    c.failure(
      action,
      ACTION_CODE.notVerified,
      `replica status has an unexpected ${what}`,
      c.dialect.replicaStatusSql,
    ),
  );
}

/** The server's applied GTID position (MariaDB gtid_current_pos, MySQL gtid_executed). */
export async function executedGtid(
  c: AdminConnection,
  action: ActionName = "replication-status",
): ActionResult<string> {
  const row = await c.one(action, executedGtidPosition(c.dialect));
  return row.ok ? ok(String(row.value.gtid ?? "").replace(/\s+/g, "")) : row;
}

/** Polls replica status until `done` says stop, or the deadline passes. */
export async function pollThreads<T>(
  c: AdminConnection,
  action: ActionName,
  timeoutMs: number,
  step: (t: ReplicaThreads | null) => Result<T, ActionError> | null,
  onDeadline: (t: ReplicaThreads | null) => ActionError,
): ActionResult<T> {
  const deadlineAtMs = monoMs() + timeoutMs;
  for (;;) {
    const t = await readThreads(c, action);
    if (!t.ok) return t;
    const verdict = step(t.value);
    if (verdict) return verdict;
    if (monoMs() >= deadlineAtMs) return err(onDeadline(t.value));
    await sleep(ACTION_POLL_INTERVAL_MS);
  }
}

/**
 * Waits (bounded) until the replica has applied every GTID it retrieved. A trailing transaction its
 * dead source never finished sending can never be applied; it is given up on only as
 * relayTailAbandoned allows (receiving stopped, executed GTIDs still for ACTION_RELAY_TAIL_STALL_MS).
 */
export function waitRelayApplied(
  c: AdminConnection,
  timeoutMs: number,
  action: ActionName = "promote",
): ActionResult<void> {
  let executed: { gtid: string; sinceMs: number } | null = null;
  return pollThreads(
    c,
    action,
    timeoutMs,
    (t) => {
      if (t === null || t.relayApplied) return ok(undefined);
      if (!t.sqlRunning && t.lastSqlErrno !== 0) {
        return err(
          c.failure(
            action,
            ACTION_CODE.sqlThreadError,
            `SQL thread stopped with error ${t.lastSqlErrno}: ${t.lastSqlError}`,
          ),
        );
      }
      const nowMs = monoMs();
      if (executed === null || executed.gtid !== t.executedGtid)
        executed = { gtid: t.executedGtid, sinceMs: nowMs };
      if (relayTailAbandoned(t, nowMs - executed.sinceMs, ACTION_RELAY_TAIL_STALL_MS)) return ok(undefined);
      return null;
    },
    (t) =>
      c.failure(
        action,
        ACTION_CODE.relayNotApplied,
        `relay log not applied within ${timeoutMs} ms (${t?.positions ?? "no status"}${t?.unappliedTransactions == null ? "" : `, ${t.unappliedTransactions} transactions unapplied`})`,
      ),
  );
}

export interface DrainOptions {
  relayApplyTimeoutMs: number;
  /** MariaDB with both threads stopped: start the SQL thread anyway, losing the unapplied relay log. */
  discardUnappliedRelayLog: boolean;
  /** How a refusal names what would be lost, for the error message. */
  lossWording: string;
}

/**
 * Stops the IO thread and waits (bounded) until the SQL thread has applied everything received.
 * An SQL thread stopped on an error fails rather than silently dropping what it did not apply.
 */
export async function drainReceived(
  c: AdminConnection,
  action: ActionName,
  t: ReplicaThreads,
  o: DrainOptions,
): ActionResult<{ relayApplyMs: number }> {
  if (!t.sqlRunning && t.lastSqlErrno !== 0) {
    const detail = `SQL thread stopped with error ${t.lastSqlErrno}: ${t.lastSqlError}`;
    return err(c.failure(action, ACTION_CODE.sqlThreadError, `${detail}; ${o.lossWording}`));
  }
  // Start the SQL thread while the IO thread still runs (see sqlStartAloneDiscardsRelayLog).
  if (!t.sqlRunning && !t.relayApplied) {
    if (t.ioState === "no" && c.dialect.sqlStartAloneDiscardsRelayLog && !o.discardUnappliedRelayLog) {
      const detail = `both replication threads are stopped with relay log unapplied (${t.positions})`;
      return err(
        c.failure(
          action,
          ACTION_CODE.relayNotApplied,
          `${detail}; starting the SQL thread alone would discard it`,
        ),
      );
    }
    const started = await c.run(action, startReplicationSql(c.dialect));
    if (!started.ok) return started;
  }
  if (t.ioState !== "no") {
    const stopped = await c.run(action, stopReplicationIo(c.dialect));
    if (!stopped.ok) return stopped;
  }
  const startMs = monoMs();
  const applied = await waitRelayApplied(c, o.relayApplyTimeoutMs, action);
  if (!applied.ok) return applied;
  return ok({ relayApplyMs: monoMs() - startMs });
}

export interface Detached {
  /** false when the server had no replication configured, or its IO thread was already stopped. */
  wasReceiving: boolean;
  /** Its applied GTID position once drained: nothing more arrives until it is started again. */
  executedGtid: string;
}

/**
 * The replica takes nothing more from its source and has applied what it took; the source stays
 * configured. A failover does this to every replica of the failed primary before comparing them
 * with the candidate: a hung primary that wakes up could otherwise hand them a transaction the
 * already-checked candidate never gets, and they could not follow it (error 1236).
 */
export async function stopReceiving(c: AdminConnection, timeoutMs: number): ActionResult<Detached> {
  const action = "detach";
  const before = await readThreads(c, action);
  if (!before.ok) return before;
  let wasReceiving = false;
  if (before.value !== null) {
    wasReceiving = before.value.ioState !== "no";
    const drained = await drainReceived(c, action, before.value, {
      relayApplyTimeoutMs: timeoutMs,
      discardUnappliedRelayLog: false,
      lossWording: "its unapplied relay log would be lost to the new primary",
    });
    if (!drained.ok) return drained;
    const after = await readThreads(c, action);
    if (!after.ok) return after;
    if (after.value !== null && after.value.ioState !== "no")
      return err(
        c.failure(action, ACTION_CODE.notVerified, `IO thread still ${after.value.ioState} after the stop`),
      );
  }
  const gtid = await executedGtid(c, action);
  if (!gtid.ok) return gtid;
  return ok({ wasReceiving, executedGtid: gtid.value });
}

/**
 * Undoes stopReceiving after an aborted failover: the replica's IO thread runs again, towards the
 * source it still has (which may be down: "connecting" counts as started). A replica without
 * replication, or already receiving, is left alone.
 */
export async function resumeReceiving(c: AdminConnection): ActionResult<{ changed: boolean }> {
  const action = "reattach";
  const before = await readThreads(c, action);
  if (!before.ok) return before;
  if (before.value === null || before.value.ioState !== "no") return ok({ changed: false });
  const started = await c.run(action, startReplication(c.dialect));
  if (!started.ok) return started;
  const timeoutMs = ACTION_REPLICATION_START_TIMEOUT_MS;
  const running = await pollThreads(
    c,
    action,
    timeoutMs,
    (t) => {
      if (t === null) return err(c.failure(action, ACTION_CODE.notVerified, "replication vanished"));
      if (t.ioState === "no" && t.lastIoErrno !== 0)
        return err(
          c.failure(
            action,
            ACTION_CODE.replicationNotRunning,
            `IO thread error ${t.lastIoErrno}: ${t.lastIoError}`,
          ),
        );
      return t.ioState === "no" ? null : ok(undefined);
    },
    () =>
      c.failure(action, ACTION_CODE.replicationNotRunning, `IO thread not started within ${timeoutMs} ms`),
  );
  return running.ok ? ok({ changed: true }) : running;
}
