// One connection keel acts through: it knows its server's version (so it picks the right SQL),
// bounds every statement, and turns every failure into a typed mysql.action-failed value with
// any password scrubbed. After a timeout or a lost connection it refuses further work: mysql2
// closes a connection whose query timed out, and the caller opens a fresh one.
import type { Connection } from "mysql2/promise";
import { ACTION_CONNECT_TIMEOUT_MS, ACTION_QUERY_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { destroyQuietly, keyOfAddress, openConnection, type ProbeTarget, raceDeadline } from "./connect.ts";
import { scrubSecret } from "./driver-error.ts";
import { parseServerVersion, type ServerVersion } from "./flavor.ts";
import type { StatusRow } from "./replica-status.ts";
import { type ActionDialect, actionDialectFor, type Statement } from "./statements.ts";
import { secretValuesOf } from "./statements-sql.ts";

export type ActionName =
  | "connect"
  | "fence"
  | "make-writable"
  | "promote"
  | "detach"
  | "reattach"
  | "wait-caught-up"
  | "repoint"
  | "demote"
  | "replication-status"
  | "write-heartbeat";

/** keel's own errorCode values, for failures that are not a driver or server error. */
export const ACTION_CODE = {
  deadline: "ACTION_DEADLINE",
  closed: "CONNECTION_CLOSED",
  notVerified: "NOT_VERIFIED",
  waitTimeout: "WAIT_TIMEOUT",
  waitFailed: "WAIT_FAILED",
  replicationNotRunning: "REPLICATION_NOT_RUNNING",
  relayNotApplied: "RELAY_LOG_NOT_APPLIED",
  sqlThreadError: "SQL_THREAD_ERROR",
  invalidArgument: "INVALID_ARGUMENT",
  unknownVersion: "UNKNOWN_VERSION",
} as const;

export interface ActionError {
  code: "mysql.action-failed";
  action: ActionName;
  host: string;
  port: number;
  /** The server's error number when the server refused a statement; null otherwise. */
  errno: number | null;
  /** Driver or server code (ER_…, ECONNREFUSED, PROTOCOL_SEQUENCE_TIMEOUT) or one of ACTION_CODE. */
  errorCode: string;
  message: string;
  /** The statement that failed, secrets masked; "" when the failure was not a statement's. */
  statement: string;
}

export type Row = StatusRow;

export interface AdminOptions {
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  /**
   * Speak an older version's SQL to this server (e.g. MariaDB 10.6 rules on a 10.11 server), to
   * exercise the compatibility paths against a real server. Off in production.
   */
  speakAs?: ServerVersion;
}

const VERSION_SQL = "SELECT @@version AS version, @@version_comment AS version_comment";
/**
 * The driver escapes values with backslashes; under NO_BACKSLASH_ESCAPES a quote in a password
 * would end the string early. This session never runs with it.
 */
const SESSION_SQL_MODE = "SET SESSION sql_mode = REPLACE(@@session.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

export class AdminConnection {
  private broken = false;

  constructor(
    private readonly conn: Connection,
    readonly host: string,
    readonly port: number,
    readonly version: ServerVersion,
    readonly dialect: ActionDialect,
    private readonly password: string,
    readonly queryTimeoutMs: number,
  ) {}

  /** A failure of `action` that is keel's finding, not a statement's error. */
  failure(action: ActionName, errorCode: string, message: string, statement = ""): ActionError {
    const m = scrubSecret(message, this.password);
    return {
      code: "mysql.action-failed",
      action,
      host: this.host,
      port: this.port,
      errno: null,
      errorCode,
      message: m,
      statement,
    };
  }

  /** Runs one statement within timeoutMs; rows for a SELECT/SHOW, [] otherwise. */
  async run(
    action: ActionName,
    st: Statement,
    timeoutMs = this.queryTimeoutMs,
  ): Promise<Result<Row[], ActionError>> {
    if (this.broken) {
      return err(
        this.failure(
          action,
          ACTION_CODE.closed,
          "connection closed after an earlier failure; open a new one",
          st.display,
        ),
      );
    }
    const work = this.conn.query({ sql: st.sql, values: [...st.values], timeout: timeoutMs });
    try {
      // mysql2's own timeout normally fires first; the race covers a driver that never answers.
      const raced = await raceDeadline(work, timeoutMs + 250);
      if (!raced.done) {
        this.close();
        return err(
          this.failure(action, ACTION_CODE.deadline, `no answer within ${timeoutMs} ms`, st.display),
        );
      }
      const [rows] = raced.value;
      return ok(Array.isArray(rows) ? (rows as unknown as Row[]) : []);
    } catch (e) {
      return err(this.statementFailure(action, st, e));
    }
  }

  /** Runs statements in order, stopping at the first failure. */
  async runAll(
    action: ActionName,
    sts: readonly Statement[],
    timeoutMs?: number,
  ): Promise<Result<void, ActionError>> {
    for (const st of sts) {
      const r = await this.run(action, st, timeoutMs);
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  /** The first row of a SELECT, or a failure naming the statement when there is none. */
  async one(action: ActionName, st: Statement, timeoutMs?: number): Promise<Result<Row, ActionError>> {
    const r = await this.run(action, st, timeoutMs);
    if (!r.ok) return r;
    const row = r.value[0];
    return row
      ? ok(row)
      : err(this.failure(action, ACTION_CODE.notVerified, "the server returned no row", st.display));
  }

  close(): void {
    this.broken = true;
    destroyQuietly(this.conn);
  }

  private statementFailure(action: ActionName, st: Statement, e: unknown): ActionError {
    const x = (typeof e === "object" && e !== null ? e : {}) as {
      code?: unknown;
      errno?: unknown;
      sqlState?: unknown;
      message?: unknown;
      fatal?: unknown;
    };
    const isServerError = typeof x.sqlState === "string" && typeof x.errno === "number";
    if (!isServerError || x.fatal === true) this.close();
    const errno = isServerError ? (x.errno as number) : null;
    const errorCode = typeof x.code === "string" && x.code !== "" ? x.code : "UNKNOWN";
    return {
      code: "mysql.action-failed",
      action,
      host: this.host,
      port: this.port,
      errno,
      errorCode,
      message: this.safeMessage(st, errno, errorCode, typeof x.message === "string" ? x.message : String(e)),
      statement: st.display,
    };
  }

  /**
   * A server quoting a statement back (syntax errors: "near '…'") shows its values, cut at any
   * length and escaped, which no scrubbing can reliably find. So for a statement that carries a
   * secret the server's words are dropped and the statement's masked form speaks instead.
   */
  private safeMessage(st: Statement, errno: number | null, errorCode: string, raw: string): string {
    if (secretValuesOf(st).length > 0) {
      const from = errno === null ? errorCode : `error ${errno} (${errorCode})`;
      return `${from}; the message is withheld because the statement carries a password`;
    }
    return scrubSecret(raw.split("\n")[0] ?? "", this.password);
  }
}

/** Connects, learns the server's version, and returns a connection ready for actions. */
export async function openAdminConnection(
  target: ProbeTarget,
  o: AdminOptions = {},
): Promise<Result<AdminConnection, ActionError>> {
  const key = keyOfAddress(target.address);
  const connectTimeoutMs = o.connectTimeoutMs ?? ACTION_CONNECT_TIMEOUT_MS;
  const queryTimeoutMs = o.queryTimeoutMs ?? ACTION_QUERY_TIMEOUT_MS;
  const fail = (errorCode: string, message: string, errno: number | null = null): ActionError => ({
    code: "mysql.action-failed",
    action: "connect",
    host: key.host,
    port: key.port,
    errno,
    errorCode,
    message: scrubSecret(message, target.password),
    statement: "",
  });
  let conn: Connection | null = null;
  let admin: AdminConnection | null = null;
  try {
    // A server that dies while the connection idles must mark it unusable, not crash the process.
    const opening = openConnection(target, { connectTimeoutMs, onFatal: () => admin?.close() });
    const raced = await raceDeadline(opening, connectTimeoutMs + 250);
    if (!raced.done) {
      opening.then(destroyQuietly, () => undefined);
      return err(fail(ACTION_CODE.deadline, `no connection within ${connectTimeoutMs} ms`));
    }
    conn = raced.value;
    await conn.query({ sql: SESSION_SQL_MODE, timeout: queryTimeoutMs });
    const [rows] = await conn.query({ sql: VERSION_SQL, timeout: queryTimeoutMs });
    const row = (rows as unknown as Row[])[0] ?? {};
    const parsed = parseServerVersion(String(row.version ?? ""), String(row.version_comment ?? ""));
    if (!parsed.ok) {
      destroyQuietly(conn);
      return err(fail(ACTION_CODE.unknownVersion, `unrecognised server version "${parsed.error.version}"`));
    }
    const dialect = actionDialectFor(o.speakAs ?? parsed.value);
    admin = new AdminConnection(
      conn,
      key.host,
      key.port,
      parsed.value,
      dialect,
      target.password,
      queryTimeoutMs,
    );
    return ok(admin);
  } catch (e) {
    destroyQuietly(conn);
    const x = (typeof e === "object" && e !== null ? e : {}) as {
      code?: unknown;
      errno?: unknown;
      sqlState?: unknown;
      message?: unknown;
    };
    const errno = typeof x.sqlState === "string" && typeof x.errno === "number" ? x.errno : null;
    const code = typeof x.code === "string" && x.code !== "" ? x.code : "UNKNOWN";
    return err(fail(code, typeof x.message === "string" ? x.message : String(e), errno));
  }
}
