// Words for the mysql module's error codes: the probe, `keel probe`, and what a server's answers
// can get wrong.
import type { UnreachableReason } from "../../model/instance-state.ts";
import { defineMessages } from "./define.ts";

export type MysqlCliError =
  | {
      code: "mysql.unreachable";
      target: string;
      reason: UnreachableReason;
      errorCode: string;
      detail: string;
    }
  | { code: "mysql.password-file"; path: string; detail: string }
  | { code: "mysql.unknown-version"; version: string; versionComment: string }
  | { code: "mysql.replica-status-column"; channel: string; columns: string[] }
  | { code: "mysql.replica-status-value"; channel: string; column: string; value: string }
  | { code: "mysql.variable"; name: string; value: string };

const FIX_BY_REASON: Record<UnreachableReason, string> = {
  refused: "start the server, or check --host/--port/--socket point at it",
  timeout: "check the server is not hung (stopped, overloaded) and that the network path to it is open",
  auth: "check --user and the password (--password-file or KEEL_MYSQL_PASSWORD) and the account's grants (REPLICATION CLIENT, REPLICA MONITOR)",
  reset: "the server dropped the connection; check its error log for a crash or restart and probe again",
  dns: "check the host name resolves from this machine, or use an IP address",
  error:
    "see the detail above; if the server answers something keel does not understand, report it with the server version",
};

export const mysqlMessages = defineMessages<MysqlCliError>({
  "mysql.unreachable": (e) => ({
    problem: `cannot read ${e.target}: ${e.reason} (${e.errorCode}: ${e.detail})`,
    fix: FIX_BY_REASON[e.reason],
  }),
  "mysql.password-file": (e) => ({
    problem: `cannot read the password file ${e.path}: ${e.detail}`,
    fix: "point --password-file at a readable file holding only the password, or set KEEL_MYSQL_PASSWORD",
  }),
  "mysql.unknown-version": (e) => ({
    problem: `unrecognised server version "${e.version}" ("${e.versionComment}")`,
    fix: "keel supports MySQL/Percona 5.6.5+ and MariaDB 10.0.2+; report the version string if this is one of them",
  }),
  "mysql.replica-status-column": (e) => ({
    problem: `replica status of channel "${e.channel}" lacks column(s) ${e.columns.join(", ")}`,
    fix: "keel may not know this server version's SHOW REPLICA STATUS yet; report the server version and its output",
  }),
  "mysql.replica-status-value": (e) => ({
    problem: `replica status of channel "${e.channel}" has ${e.column}="${e.value}", which keel does not understand`,
    fix: "report the server version and this value so keel can map it",
  }),
  "mysql.variable": (e) => ({
    problem: `server variable ${e.name} has unexpected value "${e.value}"`,
    fix: "check the server's configuration of that variable; report it if the value is valid for your server",
  }),
});
