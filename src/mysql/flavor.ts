// Which server we talk to and which SQL it understands. Pure: version strings in, facts out.
// MySQL renamed its replication statements and variables over 8.0.22–8.4 and MariaDB kept the
// old words (and rejects some new ones), so every statement the probe sends is chosen here.
import type { Flavor } from "../model/instance-state.ts";
import { err, ok, type Result } from "../lib/result.ts";

export type VersionTriple = [number, number, number];

export interface ServerVersion {
  flavor: Flavor;
  /** @@version verbatim. */
  version: string;
  versionNumbers: VersionTriple;
  versionComment: string;
}

export type FlavorError = { code: "mysql.unknown-version"; version: string; versionComment: string };

/** Oldest servers whose GTID and replication variables the probe relies on. */
export const OLDEST_MYSQL: VersionTriple = [5, 6, 5];
export const OLDEST_MARIADB: VersionTriple = [10, 0, 2];

/** Compares two version triples: negative, zero or positive like a sort comparator. */
export function compareVersions(a: VersionTriple, b: VersionTriple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function atLeast(v: VersionTriple, major: number, minor: number, patch: number): boolean {
  return compareVersions(v, [major, minor, patch]) >= 0;
}

/**
 * Reads flavor and numeric version from @@version and @@version_comment. MariaDB says so in
 * @@version ("10.11.6-MariaDB-0+deb12u1-log"; 10.x behind a "5.5.5-" prefix on old clients);
 * Percona Server says so only in the comment; anything else numbered is MySQL.
 */
export function parseServerVersion(
  version: string,
  versionComment: string,
): Result<ServerVersion, FlavorError> {
  const isMariadb = /mariadb/i.test(version) || /mariadb/i.test(versionComment);
  const text = isMariadb ? version.replace(/^5\.5\.5-/, "") : version;
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (!m) return err({ code: "mysql.unknown-version", version, versionComment });
  const versionNumbers: VersionTriple = [Number(m[1]), Number(m[2]), Number(m[3])];
  const flavor: Flavor = isMariadb ? "mariadb" : /percona/i.test(versionComment) ? "percona" : "mysql";
  const oldest = flavor === "mariadb" ? OLDEST_MARIADB : OLDEST_MYSQL;
  if (compareVersions(versionNumbers, oldest) < 0) {
    return err({ code: "mysql.unknown-version", version, versionComment });
  }
  return ok({ flavor, version, versionNumbers, versionComment });
}

/** Variable and status name families of the semi-synchronous replication plugin(s). */
export interface SemiSyncNames {
  sourcePrefix: "rpl_semi_sync_master_" | "rpl_semi_sync_source_";
  replicaPrefix: "rpl_semi_sync_slave_" | "rpl_semi_sync_replica_";
}

export const SEMI_SYNC_OLD_NAMES: SemiSyncNames = {
  sourcePrefix: "rpl_semi_sync_master_",
  replicaPrefix: "rpl_semi_sync_slave_",
};
export const SEMI_SYNC_NEW_NAMES: SemiSyncNames = {
  sourcePrefix: "rpl_semi_sync_source_",
  replicaPrefix: "rpl_semi_sync_replica_",
};

export interface ServerDialect {
  /** Lists every channel/connection, one row each. */
  replicaStatusSql: string;
  /** Current binlog file and position; an empty result when binary logging is off. */
  binlogStatusSql: string;
  /** The column that names a channel in replicaStatusSql's rows; null when there is only one. */
  channelNameColumn: "Channel_Name" | "Connection_name" | null;
  hasSuperReadOnly: boolean;
  /** MySQL ≥ 8.0.26 renamed log_slave_updates. */
  logReplicaUpdatesVariable: "log_replica_updates" | "log_slave_updates";
  /**
   * Semi-sync families to look for, preferred first. MySQL ≥ 8.0.26 ships both the old
   * semisync_master/slave and the new semisync_source/replica plugins; which one is loaded is
   * only visible in SHOW VARIABLES, so the probe reads both families and takes what exists.
   */
  semiSyncNames: readonly SemiSyncNames[];
  /** MariaDB has semi-sync built in since 10.3.3; elsewhere it is a plugin that may be absent. */
  semiSyncBuiltIn: boolean;
}

/** The SQL one server understands, decided once per connection from its version. */
export function dialectFor(v: ServerVersion): ServerDialect {
  const n = v.versionNumbers;
  if (v.flavor === "mariadb") {
    return {
      // SHOW ALL SLAVES STATUS lists every multi-source connection; SHOW SLAVE STATUS only the default.
      replicaStatusSql: "SHOW ALL SLAVES STATUS",
      // MariaDB rejects SHOW BINARY LOG STATUS with a parse error.
      binlogStatusSql: "SHOW MASTER STATUS",
      channelNameColumn: "Connection_name",
      hasSuperReadOnly: false,
      logReplicaUpdatesVariable: "log_slave_updates",
      semiSyncNames: [SEMI_SYNC_OLD_NAMES],
      semiSyncBuiltIn: atLeast(n, 10, 3, 3),
    };
  }
  const replicaWords = atLeast(n, 8, 0, 22);
  return {
    replicaStatusSql: replicaWords ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS",
    // SHOW BINARY LOG STATUS arrived in 8.2.0 and SHOW MASTER STATUS is gone in 8.4.
    binlogStatusSql: atLeast(n, 8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS",
    channelNameColumn: atLeast(n, 5, 7, 6) ? "Channel_Name" : null,
    hasSuperReadOnly: atLeast(n, 5, 7, 8),
    logReplicaUpdatesVariable: atLeast(n, 8, 0, 26) ? "log_replica_updates" : "log_slave_updates",
    semiSyncNames: atLeast(n, 8, 0, 26) ? [SEMI_SYNC_NEW_NAMES, SEMI_SYNC_OLD_NAMES] : [SEMI_SYNC_OLD_NAMES],
    semiSyncBuiltIn: false,
  };
}

/**
 * The one SELECT that reads every scalar the probe needs, aliased to stable column names so the
 * reader does not care which variable name this server uses.
 */
export function variablesSql(v: ServerVersion, d: ServerDialect): string {
  const cols = [
    "@@version AS version",
    "@@version_comment AS version_comment",
    "@@server_id AS server_id",
    "@@report_host AS report_host",
    "@@report_port AS report_port",
    "@@read_only AS read_only",
    "@@log_bin AS log_bin",
    `@@${d.logReplicaUpdatesVariable} AS log_replica_updates`,
    "@@binlog_format AS binlog_format",
  ];
  if (d.hasSuperReadOnly) cols.push("@@super_read_only AS super_read_only");
  if (v.flavor === "mariadb") {
    cols.push(
      "@@gtid_binlog_pos AS gtid_binlog_pos",
      "@@gtid_binlog_state AS gtid_binlog_state",
      "@@gtid_current_pos AS gtid_current_pos",
      "@@gtid_slave_pos AS gtid_slave_pos",
      "@@gtid_strict_mode AS gtid_strict_mode",
      "@@gtid_domain_id AS gtid_domain_id",
    );
  } else {
    cols.push("@@server_uuid AS server_uuid", "@@gtid_mode AS gtid_mode", "@@gtid_executed AS gtid_executed");
  }
  return `SELECT ${cols.join(", ")}`;
}

export const SEMI_SYNC_VARIABLES_SQL = "SHOW GLOBAL VARIABLES LIKE 'rpl_semi_sync%'";
export const SEMI_SYNC_STATUS_SQL = "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync%'";

/** Every statement of one probe, in the order the probe sends them (one round trip). */
export interface ProbeStatements {
  variables: string;
  replicaStatus: string;
  binlogStatus: string;
  semiSyncVariables: string;
  semiSyncStatus: string;
}

export function probeStatements(v: ServerVersion): ProbeStatements {
  const d = dialectFor(v);
  return {
    variables: variablesSql(v, d),
    replicaStatus: d.replicaStatusSql,
    binlogStatus: d.binlogStatusSql,
    semiSyncVariables: SEMI_SYNC_VARIABLES_SQL,
    semiSyncStatus: SEMI_SYNC_STATUS_SQL,
  };
}
