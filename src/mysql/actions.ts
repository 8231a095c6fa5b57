// The operations failover, switchover, fencing and rejoin are made of, each over one
// AdminConnection. Every one is idempotent (run twice, same end state, the second run changes
// nothing), bounded in time, verified by reading the server back, and reports failure as a
// typed mysql.action-failed value. None of them makes a server writable as a side effect.
import { setTimeout as sleep } from "node:timers/promises";
import {
  ACTION_POLL_INTERVAL_MS,
  ACTION_RELAY_APPLY_TIMEOUT_MS,
  ACTION_RELAY_TAIL_STALL_MS,
  ACTION_REPLICATION_START_TIMEOUT_MS,
  ACTION_WAIT_MARGIN_MS,
  REPLICA_CONNECT_RETRY_SECONDS,
  REPLICA_HEARTBEAT_PERIOD_SECONDS,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import {
  ACTION_CODE,
  type ActionError,
  type ActionName,
  type AdminConnection,
  type Row,
} from "./admin-connection.ts";
import { fence } from "./actions-read-only.ts";
import {
  judgeStart,
  type ReplicaThreads,
  readReplicaThreads,
  relayTailAbandoned,
  replicatesFrom,
  type SourceAddress,
} from "./actions-replica-state.ts";
import { fixed } from "./statements-sql.ts";
import {
  changeSource,
  executedGtidPosition,
  readWaitResult,
  replicaStatus,
  resetReplicationAll,
  startReplication,
  startReplicationSql,
  stopReplication,
  stopReplicationIo,
  waitForGtid,
} from "./statements.ts";

export { type FenceOptions, fence, makeWritable, writeHeartbeat } from "./actions-read-only.ts";
export type { SourceAddress } from "./actions-replica-state.ts";

export interface ReplicationCredentials {
  user: string;
  /** Sent to the server as an escaped value; never logged (statements display it as '***'). */
  password: string;
}

type ActionResult<T> = Promise<Result<T, ActionError>>;

const monoMs = (): number => performance.now();

/** MariaDB's replica status has no executed set: what the SQL thread applied, read just after it. */
const MARIADB_SLAVE_POS = fixed("SELECT @@global.gtid_slave_pos AS gtid");

async function readThreads(c: AdminConnection, action: ActionName): ActionResult<ReplicaThreads | null> {
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
async function pollThreads<T>(
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

export interface PromoteOptions {
  /** Bound on applying the relay log already received. */
  relayApplyTimeoutMs?: number;
  /**
   * Promote even when the relay log cannot be applied (MariaDB, both threads already stopped):
   * the transactions only this relay log holds are lost. For an operator's forced promotion.
   */
  discardUnappliedRelayLog?: boolean;
}

export interface Promoted {
  /** false when the server had no replication configured (already promoted). */
  wasReplica: boolean;
  /** Its applied GTID position once promoted: what every other server must catch up to. */
  executedGtid: string;
  relayApplyMs: number;
}

/**
 * Stops receiving, lets the SQL thread apply everything already in the relay log (a reset would
 * throw it away), then forgets the source. An SQL thread stopped on an error fails the promotion
 * rather than silently dropping the unapplied transactions. Leaves the server read-only.
 */
export async function promote(c: AdminConnection, o: PromoteOptions = {}): ActionResult<Promoted> {
  const action = "promote";
  const before = await readThreads(c, action);
  if (!before.ok) return before;
  let relayApplyMs = 0;
  if (before.value !== null) {
    const t = before.value;
    if (!t.sqlRunning && t.lastSqlErrno !== 0) {
      const detail = `SQL thread stopped with error ${t.lastSqlErrno}: ${t.lastSqlError}`;
      return err(
        c.failure(action, ACTION_CODE.sqlThreadError, `${detail}; its unapplied relay log would be lost`),
      );
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
    const applied = await waitRelayApplied(c, o.relayApplyTimeoutMs ?? ACTION_RELAY_APPLY_TIMEOUT_MS);
    if (!applied.ok) return applied;
    relayApplyMs = monoMs() - startMs;
    const reset = await c.runAll(action, [stopReplication(c.dialect), resetReplicationAll(c.dialect)]);
    if (!reset.ok) return reset;
    const after = await readThreads(c, action);
    if (!after.ok) return after;
    if (after.value !== null)
      return err(c.failure(action, ACTION_CODE.notVerified, "replication still configured after the reset"));
  }
  const gtid = await executedGtid(c, action);
  if (!gtid.ok) return gtid;
  return ok({ wasReplica: before.value !== null, executedGtid: gtid.value, relayApplyMs });
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

/** Waits until the server has applied `gtid` (a MariaDB position or a MySQL set). */
export async function waitCaughtUp(
  c: AdminConnection,
  gtid: string,
  timeoutMs: number,
): ActionResult<{ waitedMs: number }> {
  const action = "wait-caught-up";
  if (gtid.trim() === "") return ok({ waitedMs: 0 });
  const startMs = monoMs();
  const st = waitForGtid(c.dialect, gtid.replace(/\s+/g, ""), timeoutMs / 1000);
  const row = await c.one(action, st, timeoutMs + ACTION_WAIT_MARGIN_MS);
  if (!row.ok) return row;
  const outcome = readWaitResult(c.dialect, row.value.result);
  if (outcome === "reached") return ok({ waitedMs: monoMs() - startMs });
  if (outcome === "timeout")
    return err(
      c.failure(action, ACTION_CODE.waitTimeout, `${gtid} not applied within ${timeoutMs} ms`, st.display),
    );
  return err(
    c.failure(
      action,
      ACTION_CODE.waitFailed,
      `the wait for ${gtid} returned ${String(row.value.result)}`,
      st.display,
    ),
  );
}

export interface RepointOptions {
  connectRetrySeconds?: number;
  heartbeatPeriodSeconds?: number;
  /** Bound on both replication threads running after the start. */
  startTimeoutMs?: number;
  /** The server was a primary: adopt its own position first (see changeSource). */
  demote?: boolean;
}

/**
 * Makes the server replicate from `source` with GTID positioning and checks that it does. A
 * server already replicating from there is left running untouched.
 */
export async function repoint(
  c: AdminConnection,
  source: SourceAddress,
  creds: ReplicationCredentials,
  o: RepointOptions = {},
): ActionResult<{ changed: boolean }> {
  const action: ActionName = o.demote ? "demote" : "repoint";
  const before = await readThreads(c, action);
  if (!before.ok) return before;
  if (replicatesFrom(before.value, source)) return ok({ changed: false });
  const change = changeSource(c.dialect, {
    host: source.host,
    port: source.port,
    user: creds.user,
    password: creds.password,
    connectRetrySeconds: o.connectRetrySeconds ?? REPLICA_CONNECT_RETRY_SECONDS,
    heartbeatPeriodSeconds: o.heartbeatPeriodSeconds ?? REPLICA_HEARTBEAT_PERIOD_SECONDS,
    demoteToReplica: o.demote === true,
  });
  if (!change.ok) {
    return err(
      c.failure(action, ACTION_CODE.invalidArgument, `invalid ${change.error.field} "${change.error.value}"`),
    );
  }
  const steps = [
    ...(before.value !== null ? [stopReplication(c.dialect)] : []),
    ...change.value,
    startReplication(c.dialect),
  ];
  const ran = await c.runAll(action, steps);
  if (!ran.ok) return ran;
  const timeoutMs = o.startTimeoutMs ?? ACTION_REPLICATION_START_TIMEOUT_MS;
  let last = "";
  const running = await pollThreads(
    c,
    action,
    timeoutMs,
    (t) => {
      const v = judgeStart(t);
      if (v.kind === "running") return ok(undefined);
      if (v.kind === "failed") return err(c.failure(action, v.errorCode, v.detail));
      last = v.detail;
      return null;
    },
    () =>
      c.failure(
        action,
        ACTION_CODE.replicationNotRunning,
        `replication from ${source.host}:${source.port} not running within ${timeoutMs} ms (${last})`,
      ),
  );
  return running.ok ? ok({ changed: true }) : running;
}

/** A former primary rejoins as a replica: fenced first, then repointed with its own position adopted. */
export async function demoteToReplica(
  c: AdminConnection,
  source: SourceAddress,
  creds: ReplicationCredentials,
  o: Omit<RepointOptions, "demote"> = {},
): ActionResult<{ changed: boolean }> {
  const fenced = await fence(c);
  if (!fenced.ok) return fenced;
  const repointed = await repoint(c, source, creds, { ...o, demote: true });
  if (!repointed.ok) return repointed;
  return ok({ changed: fenced.value.changed || repointed.value.changed });
}

export interface ReplicationHealth {
  configured: boolean;
  /** IO thread Yes and SQL thread Yes. */
  healthy: boolean;
  source: SourceAddress | null;
  ioState: ReplicaThreads["ioState"] | null;
  sqlRunning: boolean;
  lastError: string;
}

export async function replicationHealthy(c: AdminConnection): ActionResult<ReplicationHealth> {
  const t = await readThreads(c, "replication-status");
  if (!t.ok) return t;
  const x = t.value;
  if (x === null)
    return ok({
      configured: false,
      healthy: false,
      source: null,
      ioState: null,
      sqlRunning: false,
      lastError: "",
    });
  return ok({
    configured: true,
    healthy: x.ioState === "yes" && x.sqlRunning,
    source: { host: x.sourceHost, port: x.sourcePort },
    ioState: x.ioState,
    sqlRunning: x.sqlRunning,
    lastError: x.lastIoError || x.lastSqlError,
  });
}

export type { ActionError, Row };
