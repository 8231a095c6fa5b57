// One SHOW SLAVE/REPLICA STATUS row → a typed ReplicationChannel. Pure. MySQL renamed the
// columns in 8.0.22 (Master_* → Source_*, Slave_* → Replica_*), MariaDB kept the old names and
// added its own GTID columns; every spelling lands in the same flavor-neutral shape here.
import { err, ok, type Result } from "../lib/result.ts";
import type { IoThreadState, ReplicationChannel } from "../model/instance-state.ts";

/** A result row as a driver hands it over: integers may arrive as numbers or as text. */
export type StatusRow = Readonly<Record<string, string | number | null | undefined>>;

export type ReplicaStatusError =
  | { code: "mysql.replica-status-column"; channel: string; columns: string[] }
  | { code: "mysql.replica-status-value"; channel: string; column: string; value: string };

/** The spellings of one logical column, newest first. */
const COLUMN = {
  sourceHost: ["Source_Host", "Master_Host"],
  sourcePort: ["Source_Port", "Master_Port"],
  sourceServerId: ["Source_Server_Id", "Master_Server_Id"],
  ioRunning: ["Replica_IO_Running", "Slave_IO_Running"],
  sqlRunning: ["Replica_SQL_Running", "Slave_SQL_Running"],
  secondsBehind: ["Seconds_Behind_Source", "Seconds_Behind_Master"],
  sourceLogFile: ["Source_Log_File", "Master_Log_File"],
  readSourceLogPos: ["Read_Source_Log_Pos", "Read_Master_Log_Pos"],
  relaySourceLogFile: ["Relay_Source_Log_File", "Relay_Master_Log_File"],
  execSourceLogPos: ["Exec_Source_Log_Pos", "Exec_Master_Log_Pos"],
  lastIoErrno: ["Last_IO_Errno"],
  lastIoError: ["Last_IO_Error"],
  lastSqlErrno: ["Last_SQL_Errno"],
  lastSqlError: ["Last_SQL_Error"],
  retrievedGtidSet: ["Retrieved_Gtid_Set", "Gtid_IO_Pos"],
  executedGtidSet: ["Executed_Gtid_Set"],
  autoPosition: ["Auto_Position"],
  usingGtid: ["Using_Gtid"],
  sqlDelay: ["SQL_Delay"],
  heartbeatPeriod: ["Slave_heartbeat_period"],
  connectRetry: ["Connect_Retry"],
  channelName: ["Channel_Name", "Channel_name", "Connection_name"],
} as const satisfies Record<string, readonly string[]>;

type Logical = keyof typeof COLUMN;

/** Without these a channel cannot be judged at all; everything else has a safe default. */
const REQUIRED: readonly Logical[] = [
  "sourceHost",
  "sourcePort",
  "ioRunning",
  "sqlRunning",
  "secondsBehind",
  "sourceLogFile",
  "readSourceLogPos",
  "relaySourceLogFile",
  "execSourceLogPos",
  "lastIoErrno",
  "lastIoError",
  "lastSqlErrno",
  "lastSqlError",
];

function present(row: StatusRow, name: Logical): string | undefined {
  return COLUMN[name].find((c) => c in row && row[c] !== undefined);
}

function raw(row: StatusRow, name: Logical): string | number | null | undefined {
  const col = present(row, name);
  return col === undefined ? undefined : row[col];
}

function text(row: StatusRow, name: Logical): string {
  const v = raw(row, name);
  return v === null || v === undefined ? "" : String(v);
}

/** Integer column; null when absent, NULL or not a number (positions can exceed 2^31, not 2^53). */
function integer(row: StatusRow, name: Logical): number | null {
  const v = raw(row, name);
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** "Yes"/"No"/"Connecting"; MariaDB also shows "Preparing" while the IO thread sets up. */
export function parseIoState(value: string): IoThreadState | null {
  switch (value.trim().toLowerCase()) {
    case "yes":
      return "yes";
    case "no":
      return "no";
    case "connecting":
    case "preparing":
      return "connecting";
    default:
      return null;
  }
}

function parseYesNo(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  return v === "yes" ? true : v === "no" ? false : null;
}

export interface ChannelContext {
  /** MariaDB: @@gtid_slave_pos read in the same probe (the row has no executed set of its own). */
  mariadbGtidSlavePos?: string;
}

/** Maps one status row; reports every missing required column at once. */
export function parseReplicaStatusRow(
  row: StatusRow,
  ctx: ChannelContext = {},
): Result<ReplicationChannel, ReplicaStatusError> {
  const channel = text(row, "channelName");
  const missing = REQUIRED.filter((name) => present(row, name) === undefined).map((name) =>
    COLUMN[name].join("/"),
  );
  if (missing.length > 0) return err({ code: "mysql.replica-status-column", channel, columns: missing });

  const ioText = text(row, "ioRunning");
  const ioState = parseIoState(ioText);
  if (ioState === null) {
    return err({
      code: "mysql.replica-status-value",
      channel,
      column: COLUMN.ioRunning.join("/"),
      value: ioText,
    });
  }
  const sqlText = text(row, "sqlRunning");
  const sqlRunning = parseYesNo(sqlText);
  if (sqlRunning === null) {
    return err({
      code: "mysql.replica-status-value",
      channel,
      column: COLUMN.sqlRunning.join("/"),
      value: sqlText,
    });
  }
  const sourcePort = integer(row, "sourcePort");
  if (sourcePort === null) {
    const value = text(row, "sourcePort");
    return err({ code: "mysql.replica-status-value", channel, column: COLUMN.sourcePort.join("/"), value });
  }

  const usingGtid = present(row, "usingGtid") === undefined ? null : text(row, "usingGtid");
  const isMariadb = usingGtid !== null;
  const gtidAutoPosition = isMariadb ? usingGtid.toLowerCase() !== "no" : integer(row, "autoPosition") === 1;

  return ok({
    name: channel,
    sourceHost: text(row, "sourceHost"),
    sourcePort,
    sourceServerId: integer(row, "sourceServerId") ?? 0,
    ioState,
    sqlRunning,
    secondsBehind: integer(row, "secondsBehind"),
    retrievedGtidSet: normaliseGtidText(text(row, "retrievedGtidSet")),
    executedGtidSet: normaliseGtidText(
      isMariadb ? (ctx.mariadbGtidSlavePos ?? "") : text(row, "executedGtidSet"),
    ),
    gtidAutoPosition,
    mariadbUsingGtid: usingGtid,
    sourceLogFile: text(row, "sourceLogFile"),
    readSourceLogPos: integer(row, "readSourceLogPos") ?? 0,
    relaySourceLogFile: text(row, "relaySourceLogFile"),
    execSourceLogPos: integer(row, "execSourceLogPos") ?? 0,
    lastIoErrno: integer(row, "lastIoErrno") ?? 0,
    lastIoError: text(row, "lastIoError"),
    lastSqlErrno: integer(row, "lastSqlErrno") ?? 0,
    lastSqlError: text(row, "lastSqlError"),
    sqlDelaySeconds: integer(row, "sqlDelay") ?? 0,
    heartbeatPeriodSeconds: integer(row, "heartbeatPeriod"),
    connectRetrySeconds: integer(row, "connectRetry"),
  });
}

/** MySQL wraps long GTID sets over several lines ("uuid:1-5,\nuuid:1-2"); one line is easier to compare. */
export function normaliseGtidText(gtids: string): string {
  return gtids.replace(/\s+/g, "");
}

/** Maps every row, default channel first, then by name; the first bad row fails the whole read. */
export function parseReplicaStatusRows(
  rows: readonly StatusRow[],
  ctx: ChannelContext = {},
): Result<ReplicationChannel[], ReplicaStatusError> {
  const channels: ReplicationChannel[] = [];
  for (const row of rows) {
    const parsed = parseReplicaStatusRow(row, ctx);
    if (!parsed.ok) return parsed;
    channels.push(parsed.value);
  }
  channels.sort((a, b) =>
    a.name === b.name ? 0 : a.name === "" ? -1 : b.name === "" ? 1 : a.name < b.name ? -1 : 1,
  );
  return ok(channels);
}
