// Why a server could not be read, from whatever the driver threw. Pure, so the mapping is
// table-tested: the agent's failure detection depends on telling "refused" from "timeout".
import type { UnreachableReason } from "../model/instance-state.ts";

export interface ProbeFailure {
  reason: UnreachableReason;
  /** Driver code (ECONNREFUSED, PROTOCOL_SEQUENCE_TIMEOUT, ER_ACCESS_DENIED_ERROR, …) or keel's own. */
  errorCode: string;
  message: string;
}

/** keel's own codes for failures the driver does not name. */
export const PROBE_DEADLINE_CODE = "PROBE_DEADLINE";

const BY_CODE: Readonly<Record<string, UnreachableReason>> = {
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
  ER_CON_COUNT_ERROR: "error",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
};

/** Messages never contain a password; this is belt and braces should a driver ever echo one. */
export function scrubSecret(message: string, secret: string): string {
  // Short secrets would blank ordinary words; mysql never echoes a password anyway.
  if (secret.length < 4) return message;
  return message.split(secret).join("***");
}

export function classifyDriverError(e: unknown, password: string): ProbeFailure {
  const obj = (typeof e === "object" && e !== null ? e : {}) as { code?: unknown; message?: unknown };
  const errorCode = typeof obj.code === "string" && obj.code !== "" ? obj.code : "UNKNOWN";
  const rawMessage = typeof obj.message === "string" && obj.message !== "" ? obj.message : String(e);
  const reason = BY_CODE[errorCode] ?? "error";
  return { reason, errorCode, message: scrubSecret(rawMessage.split("\n")[0] ?? "", password) };
}
