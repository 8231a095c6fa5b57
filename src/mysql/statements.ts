// The exact SQL of every action keel takes on a server (fence, promote, repoint, demote, wait),
// chosen per flavor and version. Pure. MySQL renamed the replication verbs in 8.0.22 and the
// CHANGE MASTER options in 8.0.23 and dropped the old words in 8.4; MariaDB kept the old words,
// has no super_read_only, and since 10.10 can demote a former primary in CHANGE MASTER itself.
import { err, ok, type Result } from "../lib/result.ts";
import type { Flavor } from "../model/instance-state.ts";
import { atLeast, dialectFor, type SemiSyncNames, type ServerVersion } from "./flavor.ts";
import { fixed, joinOptions, option, type Statement, secret, sql } from "./statements-sql.ts";

export type { Statement } from "./statements-sql.ts";

export interface ActionDialect {
  flavor: Flavor;
  /** START/STOP/RESET REPLICA (MySQL ≥ 8.0.22) rather than … SLAVE. */
  replicaVerbs: boolean;
  /** CHANGE REPLICATION SOURCE TO with SOURCE_* options (MySQL ≥ 8.0.23). */
  sourceOptions: boolean;
  /** MySQL ≥ 5.7.8: read_only alone does not stop SUPER users writing. */
  superReadOnly: boolean;
  /**
   * MariaDB with GTID positioning discards the relay log when the SQL thread starts while the IO
   * thread is stopped too (it re-fetches from gtid_slave_pos instead; checked on 10.11), so an
   * unapplied relay log can only be applied by starting the SQL thread before stopping the IO one.
   */
  sqlStartAloneDiscardsRelayLog: boolean;
  /** MariaDB ≥ 10.10: CHANGE MASTER … MASTER_DEMOTE_TO_SLAVE=1 adopts the binlog position itself. */
  demoteInChangeMaster: boolean;
  waitFunction: "MASTER_GTID_WAIT" | "WAIT_FOR_EXECUTED_GTID_SET" | "WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS";
  /** MySQL ≥ 8.0.4 replicas fetch the RSA key for caching_sha2_password over plain TCP. */
  publicKeyOption: "GET_SOURCE_PUBLIC_KEY" | "GET_MASTER_PUBLIC_KEY" | null;
  /** Semi-sync variable family to set, the server's preferred one first. */
  semiSyncNames: SemiSyncNames;
  /** Status of the default replication connection/channel. */
  replicaStatusSql: string;
}

export function actionDialectFor(v: ServerVersion): ActionDialect {
  const n = v.versionNumbers;
  const base = dialectFor(v);
  const semiSyncNames = base.semiSyncNames[0]!;
  if (v.flavor === "mariadb") {
    return {
      flavor: v.flavor,
      replicaVerbs: false,
      sourceOptions: false,
      superReadOnly: false,
      sqlStartAloneDiscardsRelayLog: true,
      demoteInChangeMaster: atLeast(n, 10, 10, 0),
      waitFunction: "MASTER_GTID_WAIT",
      publicKeyOption: null,
      semiSyncNames,
      // Actions drive the default connection only; SHOW ALL SLAVES STATUS would list others too.
      replicaStatusSql: "SHOW SLAVE STATUS",
    };
  }
  const sourceOptions = atLeast(n, 8, 0, 23);
  return {
    flavor: v.flavor,
    replicaVerbs: atLeast(n, 8, 0, 22),
    sourceOptions,
    superReadOnly: base.hasSuperReadOnly,
    sqlStartAloneDiscardsRelayLog: false,
    demoteInChangeMaster: false,
    waitFunction: atLeast(n, 5, 7, 5) ? "WAIT_FOR_EXECUTED_GTID_SET" : "WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS",
    publicKeyOption: sourceOptions
      ? "GET_SOURCE_PUBLIC_KEY"
      : atLeast(n, 8, 0, 4)
        ? "GET_MASTER_PUBLIC_KEY"
        : null,
    semiSyncNames,
    replicaStatusSql: base.replicaStatusSql,
  };
}

function verb(d: ActionDialect, action: "START" | "STOP" | "RESET", rest = ""): Statement {
  return fixed(`${action} ${d.replicaVerbs ? "REPLICA" : "SLAVE"}${rest}`);
}

export const stopReplication = (d: ActionDialect): Statement => verb(d, "STOP");
/** Stops receiving only; the SQL thread keeps applying what the relay log already holds. */
export const stopReplicationIo = (d: ActionDialect): Statement => verb(d, "STOP", " IO_THREAD");
export const startReplication = (d: ActionDialect): Statement => verb(d, "START");
export const startReplicationSql = (d: ActionDialect): Statement => verb(d, "START", " SQL_THREAD");
/** Forgets the source entirely (host, credentials, relay logs); the GTID position stays. */
export const resetReplicationAll = (d: ActionDialect): Statement => verb(d, "RESET", " ALL");
export const replicaStatus = (d: ActionDialect): Statement => fixed(d.replicaStatusSql);

/**
 * On: read_only, then super_read_only (which would also switch read_only on by itself). Off:
 * super_read_only first, so a failure between the two statements leaves the server read-only
 * rather than open to SUPER users only.
 */
export function setReadOnly(d: ActionDialect, on: boolean): Statement[] {
  const value = on ? "ON" : "OFF";
  const ro = fixed(`SET GLOBAL read_only = ${value}`);
  if (!d.superReadOnly) return [ro];
  const sro = fixed(`SET GLOBAL super_read_only = ${value}`);
  return on ? [ro, sro] : [sro, ro];
}

/**
 * setReadOnly that gives up after `lockWaitSeconds` behind commits in progress (error 1205), so
 * fence can release commits stuck in a semi-sync wait and try again. MariaDB scopes the bound to
 * the statement; MySQL has no SET STATEMENT, so the session bound is put back by
 * RESTORE_LOCK_WAIT afterwards.
 */
export function setReadOnlyWithin(d: ActionDialect, on: boolean, lockWaitSeconds: number): Statement[] {
  const secs = Math.max(1, Math.ceil(lockWaitSeconds));
  if (d.flavor === "mariadb") {
    return setReadOnly(d, on).map((st) => fixed(`SET STATEMENT lock_wait_timeout=${secs} FOR ${st.sql}`));
  }
  return [fixed(`SET SESSION lock_wait_timeout = ${secs}`), ...setReadOnly(d, on)];
}

export const RESTORE_LOCK_WAIT: Statement = fixed("SET SESSION lock_wait_timeout = DEFAULT");

/**
 * Sessions whose commit waits for a semi-sync ACK (MariaDB "…from slave", MySQL ≥ 8.0.26
 * "…from replica"), other than this one; column `id`. A pending SET GLOBAL read_only waits
 * behind them for up to the semi-sync timeout.
 */
export function semiSyncAckWaiters(): Statement {
  return fixed(
    "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND " +
      "LOWER(STATE) IN ('waiting for semi-sync ack from slave', 'waiting for semi-sync ack from replica')",
  );
}

/** The thread ids in semiSyncAckWaiters' rows; anything that is not a positive integer is dropped. */
export function readThreadIds(rows: readonly Record<string, unknown>[]): number[] {
  const ids: number[] = [];
  for (const r of rows) {
    const n = Number(r.id);
    if (Number.isSafeInteger(n) && n > 0) ids.push(n);
  }
  return ids;
}

/** Ends a session (KILL CONNECTION). null for an id that is not a thread id. */
export function killConnection(id: number): Statement | null {
  return Number.isSafeInteger(id) && id > 0 ? fixed(`KILL CONNECTION ${id}`) : null;
}

/** Reads back what setReadOnly changed: columns read_only and (MySQL ≥ 5.7.8) super_read_only. */
export function readOnlyState(d: ActionDialect): Statement {
  const sro = d.superReadOnly ? ", @@global.super_read_only AS super_read_only" : "";
  return fixed(`SELECT @@global.read_only AS read_only${sro}`);
}

/** What a replica of this server can fetch: column `gtid`. */
export function sourceGtidPosition(d: ActionDialect): Statement {
  return fixed(
    d.flavor === "mariadb"
      ? "SELECT @@global.gtid_binlog_pos AS gtid"
      : "SELECT @@global.gtid_executed AS gtid",
  );
}

/** What this server has applied: MariaDB's gtid_current_pos, MySQL's gtid_executed. Column `gtid`. */
export function executedGtidPosition(d: ActionDialect): Statement {
  return fixed(
    d.flavor === "mariadb"
      ? "SELECT @@global.gtid_current_pos AS gtid"
      : "SELECT @@global.gtid_executed AS gtid",
  );
}

export interface ChangeSourceSpec {
  host: string;
  port: number;
  user: string;
  /** Sent as a value the driver escapes; masked in the display form. */
  password: string;
  connectRetrySeconds: number;
  heartbeatPeriodSeconds: number;
  /** The server was a primary: adopt its own binlog position as its replication position. */
  demoteToReplica: boolean;
}

export type StatementError = { code: "mysql.invalid-change-source"; field: string; value: string };

/** Largest heartbeat period MySQL and MariaDB accept, in seconds. */
export const HEARTBEAT_PERIOD_SECONDS_MAX = 4_294_967;
/** Longest MASTER_HOST / SOURCE_HOST the servers accept (MySQL ≥ 8.0.17, MariaDB). */
export const SOURCE_HOST_CHARS_MAX = 255;

function checkSpec(s: ChangeSourceSpec): StatementError | null {
  const bad = (field: string, value: unknown): StatementError => ({
    code: "mysql.invalid-change-source",
    field,
    value: String(value),
  });
  if (s.host.trim() === "" || s.host.length > SOURCE_HOST_CHARS_MAX) return bad("host", s.host);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65_535) return bad("port", s.port);
  if (s.user === "") return bad("user", s.user);
  if (!Number.isInteger(s.connectRetrySeconds) || s.connectRetrySeconds < 1)
    return bad("connectRetrySeconds", s.connectRetrySeconds);
  const hb = s.heartbeatPeriodSeconds;
  if (!Number.isFinite(hb) || hb < 0 || hb > HEARTBEAT_PERIOD_SECONDS_MAX)
    return bad("heartbeatPeriodSeconds", hb);
  return null;
}

/**
 * CHANGE MASTER / CHANGE REPLICATION SOURCE with GTID positioning, preceded on MariaDB < 10.10
 * by adopting gtid_current_pos as gtid_slave_pos when demoting: a former primary's gtid_slave_pos
 * is empty or stale, and MASTER_USE_GTID=slave_pos would then ask the new source for
 * transactions the server already has. Replication must be stopped first.
 */
export function changeSource(d: ActionDialect, s: ChangeSourceSpec): Result<Statement[], StatementError> {
  const problem = checkSpec(s);
  if (problem) return err(problem);
  const heartbeat = Math.round(s.heartbeatPeriodSeconds * 1000) / 1000;
  const p = d.sourceOptions ? "SOURCE" : "MASTER";
  const options: Statement[] = [
    option(`${p}_HOST`, s.host),
    option(`${p}_PORT`, s.port),
    option(`${p}_USER`, s.user),
    option(`${p}_PASSWORD`, secret(s.password)),
    option(`${p}_CONNECT_RETRY`, s.connectRetrySeconds),
    option(`${p}_HEARTBEAT_PERIOD`, heartbeat),
  ];
  const before: Statement[] = [];
  if (d.flavor === "mariadb") {
    options.push(fixed("MASTER_USE_GTID=slave_pos"));
    if (s.demoteToReplica && d.demoteInChangeMaster) options.push(fixed("MASTER_DEMOTE_TO_SLAVE=1"));
    else if (s.demoteToReplica) before.push(fixed("SET GLOBAL gtid_slave_pos = @@global.gtid_current_pos"));
  } else {
    options.push(fixed(`${p}_AUTO_POSITION=1`));
    if (d.publicKeyOption) options.push(fixed(`${d.publicKeyOption}=1`));
  }
  const head = d.sourceOptions ? "CHANGE REPLICATION SOURCE TO" : "CHANGE MASTER TO";
  return ok([...before, joinOptions(head, options)]);
}

export type WaitOutcome = "reached" | "timeout" | "failed";

/**
 * Blocks on the server until it has applied `gtid` or `timeoutSeconds` pass; column `result`.
 * MASTER_GTID_WAIT tracks gtid_slave_pos, so on MariaDB it is for replicas, not a primary's own
 * writes. MySQL's function takes whole seconds on older versions, so the wait is rounded up.
 */
export function waitForGtid(d: ActionDialect, gtid: string, timeoutSeconds: number): Statement {
  const secs =
    d.waitFunction === "MASTER_GTID_WAIT"
      ? Math.max(0.001, Math.round(timeoutSeconds * 1000) / 1000)
      : Math.max(1, Math.ceil(timeoutSeconds));
  const call = sql`(${gtid}, ${secs}) AS result`;
  return {
    ...call,
    sql: `SELECT ${d.waitFunction}${call.sql}`,
    display: `SELECT ${d.waitFunction}${call.display}`,
  };
}

/** What the wait function's result means, per function. */
export function readWaitResult(d: ActionDialect, value: unknown): WaitOutcome {
  if (value === null || value === undefined) return "failed";
  const n = Number(value);
  if (!Number.isFinite(n)) return "failed";
  switch (d.waitFunction) {
    case "MASTER_GTID_WAIT":
      return n === 0 ? "reached" : n === -1 ? "timeout" : "failed";
    case "WAIT_FOR_EXECUTED_GTID_SET":
      return n === 0 ? "reached" : n === 1 ? "timeout" : "failed";
    case "WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS":
      // An event count when reached, -1 on timeout.
      return n >= 0 ? "reached" : n === -1 ? "timeout" : "failed";
  }
}

export type SemiSyncRole = "source" | "replica";

/**
 * Turns one side of semi-sync on or off. A replica's change takes effect when its IO thread
 * next connects (the caller restarts it if it must apply now).
 */
export function setSemiSync(
  d: ActionDialect,
  role: SemiSyncRole,
  on: boolean,
  names: SemiSyncNames = d.semiSyncNames,
): Statement {
  const prefix = role === "source" ? names.sourcePrefix : names.replicaPrefix;
  return fixed(`SET GLOBAL ${prefix}enabled = ${on ? "ON" : "OFF"}`);
}

/** keel's own schema for the optional write test; the row per server proves a commit went through. */
export const HEARTBEAT_SCHEMA = "keel";
export const HEARTBEAT_TABLE = "heartbeat";

export interface HeartbeatStatements {
  upsert: Statement;
  createSchema: Statement;
  createTable: Statement;
}

/** The write test: the upsert alone normally; schema and table only when missing (they binlog). */
export function heartbeatStatements(): HeartbeatStatements {
  const table = `${HEARTBEAT_SCHEMA}.${HEARTBEAT_TABLE}`;
  return {
    upsert: fixed(
      `INSERT INTO ${table} (server_id, written_at) VALUES (@@server_id, NOW(6)) ` +
        "ON DUPLICATE KEY UPDATE written_at = NOW(6)",
    ),
    createSchema: fixed(`CREATE DATABASE IF NOT EXISTS ${HEARTBEAT_SCHEMA}`),
    createTable: fixed(
      `CREATE TABLE IF NOT EXISTS ${table} ` +
        "(server_id INT UNSIGNED NOT NULL PRIMARY KEY, written_at TIMESTAMP(6) NOT NULL) ENGINE=InnoDB",
    ),
  };
}
