// The operations failover, switchover, fencing and rejoin are made of, each over one
// AdminConnection. Every one is idempotent (run twice, same end state, the second run changes
// nothing), bounded in time, verified by reading the server back, and reports failure as a
// typed mysql.action-failed value. None of them makes a server writable as a side effect.
import {
  ACTION_RELAY_APPLY_TIMEOUT_MS,
  ACTION_REPLICATION_START_TIMEOUT_MS,
  ACTION_WAIT_MARGIN_MS,
  REPLICA_CONNECT_RETRY_SECONDS,
  REPLICA_HEARTBEAT_PERIOD_SECONDS,
} from "../lib/limits.ts";
import { err, ok } from "../lib/result.ts";
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
  replicatesFrom,
  type SourceAddress,
} from "./actions-replica-state.ts";
import {
  type ActionResult,
  drainReceived,
  executedGtid,
  pollThreads,
  readThreads,
} from "./actions-threads.ts";
import {
  changeSource,
  readWaitResult,
  resetReplicationAll,
  startReplication,
  stopReplication,
  waitForGtid,
} from "./statements.ts";

export { type FenceOptions, fence, makeWritable, writeHeartbeat } from "./actions-read-only.ts";
export type { SourceAddress } from "./actions-replica-state.ts";
export {
  type Detached,
  executedGtid,
  resumeReceiving,
  stopReceiving,
  waitRelayApplied,
} from "./actions-threads.ts";

export interface ReplicationCredentials {
  user: string;
  /** Sent to the server as an escaped value; never logged (statements display it as '***'). */
  password: string;
}

const monoMs = (): number => performance.now();

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
    const drained = await drainReceived(c, action, before.value, {
      relayApplyTimeoutMs: o.relayApplyTimeoutMs ?? ACTION_RELAY_APPLY_TIMEOUT_MS,
      discardUnappliedRelayLog: o.discardUnappliedRelayLog === true,
      lossWording: "its unapplied relay log would be lost",
    });
    if (!drained.ok) return drained;
    relayApplyMs = drained.value.relayApplyMs;
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
