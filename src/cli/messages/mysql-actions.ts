// Words for what can go wrong when keel changes a server: fencing, promotion, repointing,
// demotion, waits. The fix depends on what failed, so it is chosen by the error's code.
import type { ActionError } from "../../mysql/admin-connection.ts";
import type { StatementError } from "../../mysql/statements.ts";
import { defineMessages } from "./define.ts";

export type MysqlActionsError = ActionError | StatementError;

const PRIVILEGES =
  "grant keel's admin account the privileges to change replication and read_only " +
  "(MariaDB: SUPER or READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, BINLOG ADMIN; MySQL: SUPER or " +
  "SYSTEM_VARIABLES_ADMIN and REPLICATION_SLAVE_ADMIN)";

const FIX_BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: "start the server, or check that keel's address for it is right",
  ETIMEDOUT: "check the server is not hung and that the network path to it is open",
  PROTOCOL_SEQUENCE_TIMEOUT:
    "the server did not answer in time: look for a long transaction or lock blocking it (SHOW PROCESSLIST) and retry",
  ACTION_DEADLINE:
    "the server did not answer in time: look for a long transaction or lock blocking it (SHOW PROCESSLIST) and retry",
  ER_ACCESS_DENIED_ERROR: "check the admin user and password keel is configured with",
  ER_SPECIFIC_ACCESS_DENIED_ERROR: PRIVILEGES,
  ER_SPECIFIC_ACCESS_DENIED: PRIVILEGES,
  CONNECTION_CLOSED: "the connection was lost earlier in this action; retry, keel opens a new one",
  NOT_VERIFIED:
    "something changed the server back or it reports an unexpected state; check for another tool managing it and retry",
  WAIT_TIMEOUT:
    "the server is behind; check its replication (keel topology) and retry, or allow a longer wait",
  WAIT_FAILED: "check the server's replication state (SHOW SLAVE STATUS / SHOW REPLICA STATUS) and retry",
  REPLICATION_NOT_RUNNING:
    "check the replication account and the source's reachability; error 1236 means the source lacks GTIDs this server has (errant transactions): compare GTID sets before rejoining it",
  SQL_THREAD_ERROR:
    "fix the replication SQL error shown (SHOW SLAVE STATUS / SHOW REPLICA STATUS), then retry",
  RELAY_LOG_NOT_APPLIED:
    "start replication again while the source is reachable so the relay log is applied, or promote with the force option accepting the loss of what only that relay log holds",
  INVALID_ARGUMENT: "correct the source address or replication settings in keel's configuration",
  UNKNOWN_VERSION: "keel supports MySQL/Percona 5.6.5+ and MariaDB 10.0.2+; report the version string",
};

const DEFAULT_FIX = "see the server's error above; fix it on the server and retry the action";

export const mysqlActionsMessages = defineMessages<MysqlActionsError>({
  "mysql.action-failed": (e) => ({
    problem:
      `${e.action} on ${e.host}:${e.port} failed: ${e.errorCode}` +
      `${e.errno !== null ? ` (${e.errno})` : ""}: ${e.message}` +
      `${e.statement ? ` [${e.statement}]` : ""}`,
    fix: FIX_BY_CODE[e.errorCode] ?? DEFAULT_FIX,
  }),
  "mysql.invalid-change-source": (e) => ({
    problem: `cannot configure replication: invalid ${e.field} "${e.value}"`,
    fix: "correct the source address or replication settings in keel's configuration",
  }),
});
