// Every bound keel relies on, named in one place (house rule 9). Each module appends its own
// section; tests exercise each limit at the limit.

// --- probe / mysql ---
/** A probe of a hung or dead server must answer within this bound. */
export const PROBE_DEADLINE_MS = 2_000;
/** TCP connect timeout for probes; below PROBE_DEADLINE_MS so the deadline can still report. */
export const MYSQL_CONNECT_TIMEOUT_MS = 1_500;
/** Per-query timeout on probe queries. */
export const MYSQL_QUERY_TIMEOUT_MS = 1_500;
