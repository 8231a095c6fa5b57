// What one probe learned about one MySQL/MariaDB server, flavor-neutral. Produced by
// src/mysql/probe.ts, gossiped by agents, read by detection, candidate choice and the views.

export type Flavor = "mysql" | "mariadb" | "percona";

/** orchestrator's promotion rules, verbatim. */
export type PromotionRule = "prefer" | "neutral" | "prefer_not" | "must_not";
export const PROMOTION_RULES: readonly PromotionRule[] = ["prefer", "neutral", "prefer_not", "must_not"];

export interface InstanceKey {
  host: string;
  port: number;
}

export function formatInstanceKey(key: InstanceKey): string {
  return `${key.host}:${key.port}`;
}

/** IO thread: MySQL/MariaDB report Yes / No / Connecting; orchestrator treats only Yes as running. */
export type IoThreadState = "yes" | "no" | "connecting";

/** One replication channel (MySQL channel or MariaDB multi-source connection). */
export interface ReplicationChannel {
  /** "" for the default channel/connection. */
  name: string;
  sourceHost: string;
  sourcePort: number;
  /** Source's server_id as the replica last saw it (0 when never connected). */
  sourceServerId: number;
  ioState: IoThreadState;
  sqlRunning: boolean;
  /** null while the SQL thread or IO thread is not running (what the server reports as NULL). */
  secondsBehind: number | null;
  /** MySQL Retrieved_Gtid_Set; MariaDB Gtid_IO_Pos. */
  retrievedGtidSet: string;
  /** MySQL Executed_Gtid_Set; MariaDB @@gtid_slave_pos at probe time. */
  executedGtidSet: string;
  /** MySQL Auto_Position=1, or MariaDB Using_Gtid other than No. */
  gtidAutoPosition: boolean;
  /** MariaDB Using_Gtid verbatim ("No", "Current_Pos", "Slave_Pos"); null on MySQL. */
  mariadbUsingGtid: string | null;
  sourceLogFile: string;
  readSourceLogPos: number;
  relaySourceLogFile: string;
  execSourceLogPos: number;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  sqlDelaySeconds: number;
  /** Seconds between heartbeats the replica asked for; null where not reported. */
  heartbeatPeriodSeconds: number | null;
  connectRetrySeconds: number | null;
}

export interface SemiSyncState {
  /** Plugin/feature present at all (MariaDB 10.3+: built in). */
  available: boolean;
  sourceEnabled: boolean;
  /** Rpl_semi_sync_master_status / source_status: ON while acks are awaited. */
  sourceActive: boolean;
  replicaEnabled: boolean;
  replicaActive: boolean;
  /** Connected semi-sync replicas as the source counts them. */
  sourceClients: number;
  sourceTimeoutMs: number | null;
  /** rpl_semi_sync_master_wait_for_slave_count (MySQL); 1 on MariaDB. */
  waitForReplicaCount: number;
}

export interface BinlogCoordinates {
  file: string;
  position: number;
}

export interface ReachableInstance {
  reachable: true;
  /** The address the probe connected to. */
  key: InstanceKey;
  probedAtWallMs: number;
  probeLatencyMs: number;
  flavor: Flavor;
  /** @@version verbatim, e.g. "10.11.6-MariaDB-0+deb12u1-log". */
  version: string;
  /** Numeric [major, minor, patch]. */
  versionNumbers: [number, number, number];
  versionComment: string;
  serverId: number;
  /** MySQL @@server_uuid; null on MariaDB. */
  serverUuid: string | null;
  reportHost: string | null;
  reportPort: number | null;
  readOnly: boolean;
  /** null where the variable does not exist (MariaDB, MySQL < 5.7.8). */
  superReadOnly: boolean | null;
  logBin: boolean;
  logReplicaUpdates: boolean;
  binlogFormat: string;
  /** MySQL @@gtid_mode ("ON", "OFF", …); MariaDB always has GTIDs: "MARIADB". */
  gtidMode: string;
  /** MySQL @@gtid_executed; MariaDB @@gtid_binlog_pos. */
  gtidExecuted: string;
  /** MariaDB only. */
  mariadbGtid: {
    binlogPos: string;
    /**
     * @@gtid_binlog_state: the last GTID logged per domain *and server id*, which binlog_pos (one
     * per domain) loses; "" when unknown (an agent of an earlier version). See rejoin.ts.
     */
    binlogState: string;
    currentPos: string;
    slavePos: string;
    strictMode: boolean;
    domainId: number;
  } | null;
  /** SHOW MASTER STATUS / SHOW BINARY LOG STATUS; null when binary logging is off. */
  binlog: BinlogCoordinates | null;
  /** Every replication channel, default first. Empty on a server that replicates from nobody. */
  channels: ReplicationChannel[];
  semiSync: SemiSyncState;
}

/** Why a server could not be read. */
export type UnreachableReason =
  | "refused" // nothing listening: mysqld down, host up
  | "timeout" // connect or query timed out: hung server or unreachable host
  | "auth" // credentials rejected
  | "reset" // connection dropped mid-probe
  | "dns" // host name did not resolve
  | "error"; // anything else, see message

export interface UnreachableInstance {
  reachable: false;
  key: InstanceKey;
  probedAtWallMs: number;
  probeLatencyMs: number;
  reason: UnreachableReason;
  /** Driver error code (ECONNREFUSED, PROTOCOL_SEQUENCE_TIMEOUT, ER_ACCESS_DENIED_ERROR, …). */
  errorCode: string;
  /** Human message, never containing a password. */
  message: string;
}

export type InstanceState = ReachableInstance | UnreachableInstance;
