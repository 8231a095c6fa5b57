// What a failed connection attempt to a MySQL server says about that server. Only three kinds of
// failure are evidence that mysqld is down: nothing listens (refused), the connection dropped
// (reset, or the server said it is shutting down), or no answer in time (timeout). An error the
// server itself sent (too many connections, access denied, …) proves mysqld is alive, and a
// failure on the asking side (name resolution, an unknown client error) proves nothing either way.
// The codes are the driver's (mysql2) or keel's own PROBE_DEADLINE; src/mysql/driver-error.ts
// names server-sent errors "ER_*" (ER_<errno> when the driver has no name for the errno), and a
// unit test keeps the two tables in step.

export type CheckFailureVerdict =
  /** Counts toward "mysqld is down". */
  | "down"
  /** mysqld answered (with an error): it is not down. */
  | "alive"
  /** Says nothing about mysqld: the failure happened on the asking side. */
  | "unknown";

/** Refused, reset and timeout: a failed attempt that means mysqld is not serving. */
export const DOWN_ERROR_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOENT",
  "ECONNRESET",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "ETIMEDOUT",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROBE_DEADLINE",
  "EHOSTUNREACH",
  "ENETUNREACH",
];

/** Client-side codes that can only follow an answer from the server's handshake. */
const ANSWERED_CODES: readonly string[] = ["HANDSHAKE_NO_SSL_SUPPORT", "AUTH_SWITCH_PLUGIN_ERROR"];

export function checkFailureVerdict(errorCode: string | undefined | null): CheckFailureVerdict {
  if (errorCode === undefined || errorCode === null) return "unknown";
  if (DOWN_ERROR_CODES.includes(errorCode)) return "down";
  if (errorCode.startsWith("ER_") || ANSWERED_CODES.includes(errorCode)) return "alive";
  return "unknown";
}
