// Why a server could not be read, from whatever the driver threw. Pure, so the mapping is
// table-tested: the agent's failure detection depends on telling "refused" from "timeout", and on
// telling an error the server sent (it is alive) from one on the client's side. Server errors
// carry a name starting "ER_" (ER_<errno> when the driver has none); failover's check-failure.ts
// counts only refused, reset and timeout codes as evidence of a dead server.
import type { UnreachableReason } from "../model/instance-state.ts";

export interface ProbeFailure {
  reason: UnreachableReason;
  /** Driver code (ECONNREFUSED, PROTOCOL_SEQUENCE_TIMEOUT, ER_ACCESS_DENIED_ERROR, …) or keel's own. */
  errorCode: string;
  message: string;
}

/** keel's own codes for failures the driver does not name. */
export const PROBE_DEADLINE_CODE = "PROBE_DEADLINE";

/** Every code with a reason of its own; any other code is "error". */
export const DRIVER_CODE_REASONS: Readonly<Record<string, UnreachableReason>> = {
  ECONNREFUSED: "refused",
  // A unix socket path that does not exist means no server is listening there.
  ENOENT: "refused",
  ETIMEDOUT: "timeout",
  PROTOCOL_SEQUENCE_TIMEOUT: "timeout",
  [PROBE_DEADLINE_CODE]: "timeout",
  EHOSTUNREACH: "timeout",
  ENETUNREACH: "timeout",
  ER_ACCESS_DENIED_ERROR: "auth",
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: "auth",
  ER_DBACCESS_DENIED_ERROR: "auth",
  ER_SPECIFIC_ACCESS_DENIED_ERROR: "auth",
  ER_TABLEACCESS_DENIED_ERROR: "auth",
  ER_NOT_SUPPORTED_AUTH_MODE: "auth",
  HANDSHAKE_NO_SSL_SUPPORT: "auth",
  AUTH_SWITCH_PLUGIN_ERROR: "auth",
  ECONNRESET: "reset",
  EPIPE: "reset",
  PROTOCOL_CONNECTION_LOST: "reset",
  ER_SERVER_SHUTDOWN: "reset",
  ER_CONNECTION_KILLED: "reset",
  // Too many connections: the server answered, so it is alive; only failover's verdict differs.
  ER_CON_COUNT_ERROR: "error",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
};

/** How mysql2 (sqlstring) escapes a string value inside quotes: what a server echoes back. */
const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "\\0",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\x1a": "\\Z",
  '"': '\\"',
  "'": "\\'",
  "\\": "\\\\",
};

export function escapedForm(value: string): string {
  return value.replace(/[\0\b\t\n\r\x1a"'\\]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Belt and braces: a message should never contain a password, but a server quoting a statement
 * back shows a value as the driver escaped it, so both forms are masked. Secrets shorter than 4
 * characters would blank ordinary words and are left alone here; messages about statements that
 * carry a secret are not passed on at all (admin-connection.ts).
 */
export function scrubSecret(message: string, secret: string): string {
  if (secret.length < 4) return message;
  let out = message;
  for (const form of new Set([escapedForm(secret), secret])) out = out.split(form).join("***");
  return out;
}

function errorCodeOf(obj: { code?: unknown; errno?: unknown; sqlState?: unknown }): string {
  if (typeof obj.code === "string" && obj.code !== "") return obj.code;
  // A server error the driver has no name for: the errno still says the server sent it.
  if (typeof obj.sqlState === "string" && typeof obj.errno === "number") return `ER_${obj.errno}`;
  return "UNKNOWN";
}

export function classifyDriverError(e: unknown, password: string): ProbeFailure {
  const obj = (typeof e === "object" && e !== null ? e : {}) as {
    code?: unknown;
    errno?: unknown;
    sqlState?: unknown;
    message?: unknown;
  };
  const errorCode = errorCodeOf(obj);
  const rawMessage = typeof obj.message === "string" && obj.message !== "" ? obj.message : String(e);
  const reason = DRIVER_CODE_REASONS[errorCode] ?? "error";
  return { reason, errorCode, message: scrubSecret(rawMessage.split("\n")[0] ?? "", password) };
}
