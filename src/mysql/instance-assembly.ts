// Turns what one probe read (the rows of its statements) into a ReachableInstance. Pure, so
// every flavor's recorded output can be table-tested without a server.
import { err, ok, type Result } from "../lib/result.ts";
import type { BinlogCoordinates, InstanceKey, ReachableInstance } from "../model/instance-state.ts";
import { dialectFor, type FlavorError, parseServerVersion } from "./flavor.ts";
import {
  normaliseGtidText,
  parseReplicaStatusRows,
  type ReplicaStatusError,
  type StatusRow,
} from "./replica-status.ts";
import { parseSemiSync } from "./semi-sync.ts";

/** The rows each statement of probeStatements() returned. */
export interface ProbeReadings {
  /** The single row of variablesSql(). */
  variables: StatusRow;
  replicaStatus: readonly StatusRow[];
  binlogStatus: readonly StatusRow[];
  semiSyncVariables: readonly StatusRow[];
  semiSyncStatus: readonly StatusRow[];
}

export interface ProbeMeta {
  key: InstanceKey;
  probedAtWallMs: number;
  probeLatencyMs: number;
}

export type VariableError = { code: "mysql.variable"; name: string; value: string };

/** Everything that can make a reachable server's answers unreadable. */
export type ReadError = FlavorError | ReplicaStatusError | VariableError;

/** 0/1, ON/OFF, YES/NO → boolean; null for anything else (a variable that is not boolean). */
export function parseBoolean(value: string | number | null | undefined): boolean | null {
  if (value === null || value === undefined) return null;
  const v = String(value).trim().toUpperCase();
  if (v === "1" || v === "ON" || v === "YES" || v === "TRUE") return true;
  if (v === "0" || v === "OFF" || v === "NO" || v === "FALSE") return false;
  return null;
}

function requireBoolean(row: StatusRow, name: string): Result<boolean, VariableError> {
  const b = parseBoolean(row[name]);
  return b === null ? err({ code: "mysql.variable", name, value: String(row[name] ?? "NULL") }) : ok(b);
}

function optionalText(row: StatusRow, name: string): string | null {
  const v = row[name];
  return v === null || v === undefined || v === "" ? null : String(v);
}

function optionalInt(row: StatusRow, name: string): number | null {
  const v = optionalText(row, name);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function binlogFrom(rows: readonly StatusRow[], logBin: boolean): BinlogCoordinates | null {
  const row = rows[0];
  if (!logBin || !row || row.File === null || row.File === undefined) return null;
  return { file: String(row.File), position: Number(row.Position ?? 0) };
}

interface Flags {
  readOnly: boolean;
  superReadOnly: boolean | null;
  logBin: boolean;
  logReplicaUpdates: boolean;
}

function readFlags(v: StatusRow, hasSuperReadOnly: boolean): Result<Flags, VariableError> {
  const readOnly = requireBoolean(v, "read_only");
  if (!readOnly.ok) return readOnly;
  const logBin = requireBoolean(v, "log_bin");
  if (!logBin.ok) return logBin;
  const logReplicaUpdates = requireBoolean(v, "log_replica_updates");
  if (!logReplicaUpdates.ok) return logReplicaUpdates;
  let superReadOnly: boolean | null = null;
  if (hasSuperReadOnly) {
    const s = requireBoolean(v, "super_read_only");
    if (!s.ok) return s;
    superReadOnly = s.value;
  }
  return ok({
    readOnly: readOnly.value,
    superReadOnly,
    logBin: logBin.value,
    logReplicaUpdates: logReplicaUpdates.value,
  });
}

export function assembleInstance(r: ProbeReadings, meta: ProbeMeta): Result<ReachableInstance, ReadError> {
  const v = r.variables;
  const version = parseServerVersion(String(v.version ?? ""), String(v.version_comment ?? ""));
  if (!version.ok) return version;
  const sv = version.value;
  const dialect = dialectFor(sv);
  const flags = readFlags(v, dialect.hasSuperReadOnly);
  if (!flags.ok) return flags;
  const isMariadb = sv.flavor === "mariadb";
  const mariadbGtid = isMariadb
    ? {
        binlogPos: String(v.gtid_binlog_pos ?? ""),
        binlogState: normaliseGtidText(String(v.gtid_binlog_state ?? "")),
        currentPos: String(v.gtid_current_pos ?? ""),
        slavePos: String(v.gtid_slave_pos ?? ""),
        strictMode: parseBoolean(v.gtid_strict_mode) ?? false,
        domainId: optionalInt(v, "gtid_domain_id") ?? 0,
      }
    : null;
  const channels = parseReplicaStatusRows(r.replicaStatus, { mariadbGtidSlavePos: mariadbGtid?.slavePos });
  if (!channels.ok) return channels;
  return ok({
    reachable: true,
    key: meta.key,
    probedAtWallMs: meta.probedAtWallMs,
    probeLatencyMs: meta.probeLatencyMs,
    flavor: sv.flavor,
    version: sv.version,
    versionNumbers: sv.versionNumbers,
    versionComment: sv.versionComment,
    serverId: optionalInt(v, "server_id") ?? 0,
    serverUuid: isMariadb ? null : optionalText(v, "server_uuid"),
    reportHost: optionalText(v, "report_host"),
    reportPort: optionalInt(v, "report_port"),
    ...flags.value,
    binlogFormat: String(v.binlog_format ?? ""),
    gtidMode: isMariadb ? "MARIADB" : String(v.gtid_mode ?? "OFF"),
    gtidExecuted: normaliseGtidText(String((isMariadb ? v.gtid_binlog_pos : v.gtid_executed) ?? "")),
    mariadbGtid,
    binlog: binlogFrom(r.binlogStatus, flags.value.logBin),
    channels: channels.value,
    semiSync: parseSemiSync(
      r.semiSyncVariables,
      r.semiSyncStatus,
      dialect.semiSyncNames,
      dialect.semiSyncBuiltIn,
    ),
  });
}

/** A one-line description of a read error for UnreachableInstance.message (no secrets in it). */
export function describeReadError(e: ReadError): string {
  switch (e.code) {
    case "mysql.unknown-version":
      return `unrecognised server version "${e.version}" (${e.versionComment})`;
    case "mysql.replica-status-column":
      return `replica status of channel "${e.channel}" lacks column(s) ${e.columns.join(", ")}`;
    case "mysql.replica-status-value":
      return `replica status of channel "${e.channel}" has ${e.column}="${e.value}"`;
    case "mysql.variable":
      return `variable ${e.name} has unexpected value "${e.value}"`;
  }
}
