// Builders for view-model fixtures: a healthy MariaDB 10.11 primary/replica by default, with
// overrides for the state under test. Wall times sit on 2026-11-24 12:00:00 UTC.
import type {
  InstanceKey,
  ReachableInstance,
  ReplicationChannel,
  UnreachableInstance,
  UnreachableReason,
} from "../../../../src/model/instance-state.ts";
import type { TopologyInstanceView } from "../../../../src/model/topology-view.ts";

export const WALL_MS = Date.UTC(2026, 10, 24, 12, 0, 0);
export const DOMAIN0 = "0-1-1042";

function keyOf(key: string): InstanceKey {
  const i = key.lastIndexOf(":");
  return { host: key.slice(0, i), port: Number(key.slice(i + 1)) };
}

export function channel(source: string, over: Partial<ReplicationChannel> = {}): ReplicationChannel {
  const k = keyOf(source);
  return {
    name: "",
    sourceHost: k.host,
    sourcePort: k.port,
    sourceServerId: 1,
    ioState: "yes",
    sqlRunning: true,
    secondsBehind: 0,
    retrievedGtidSet: DOMAIN0,
    executedGtidSet: DOMAIN0,
    gtidAutoPosition: true,
    mariadbUsingGtid: "Slave_Pos",
    sourceLogFile: "mysql-bin.000003",
    readSourceLogPos: 8812,
    relaySourceLogFile: "mysql-bin.000003",
    execSourceLogPos: 8812,
    lastIoErrno: 0,
    lastIoError: "",
    lastSqlErrno: 0,
    lastSqlError: "",
    sqlDelaySeconds: 0,
    heartbeatPeriodSeconds: 1,
    connectRetrySeconds: 1,
    ...over,
  };
}

export function mariadb(key: string, over: Partial<ReachableInstance> = {}): ReachableInstance {
  const k = keyOf(key);
  return {
    reachable: true,
    key: k,
    probedAtWallMs: WALL_MS,
    probeLatencyMs: 3,
    flavor: "mariadb",
    version: "10.11.19-MariaDB-log",
    versionNumbers: [10, 11, 19],
    versionComment: "MariaDB Server",
    serverId: k.port,
    serverUuid: null,
    reportHost: null,
    reportPort: null,
    readOnly: false,
    superReadOnly: null,
    logBin: true,
    logReplicaUpdates: true,
    binlogFormat: "ROW",
    gtidMode: "MARIADB",
    gtidExecuted: DOMAIN0,
    mariadbGtid: {
      binlogPos: DOMAIN0,
      binlogState: DOMAIN0,
      currentPos: DOMAIN0,
      slavePos: "",
      strictMode: true,
      domainId: 0,
    },
    binlog: { file: "mysql-bin.000003", position: 8812 },
    channels: [],
    semiSync: {
      available: true,
      sourceEnabled: false,
      sourceActive: false,
      replicaEnabled: false,
      replicaActive: false,
      sourceClients: 0,
      sourceTimeoutMs: 10_000,
      waitForReplicaCount: 1,
    },
    ...over,
  };
}

export function replicaOf(
  key: string,
  source: string,
  over: Partial<ReachableInstance> = {},
): ReachableInstance {
  return mariadb(key, { readOnly: true, channels: [channel(source)], ...over });
}

export function unreachable(key: string, reason: UnreachableReason): UnreachableInstance {
  const codes: Record<UnreachableReason, [string, string]> = {
    refused: ["ECONNREFUSED", `connect ECONNREFUSED ${key}`],
    timeout: ["ETIMEDOUT", "connect ETIMEDOUT"],
    auth: ["ER_ACCESS_DENIED_ERROR", "Access denied for user 'keel'@'127.0.0.1'"],
    reset: ["ECONNRESET", "read ECONNRESET"],
    dns: ["ENOTFOUND", "getaddrinfo ENOTFOUND"],
    error: ["EUNKNOWN", "something else"],
  };
  const [errorCode, message] = codes[reason];
  return {
    reachable: false,
    key: keyOf(key),
    probedAtWallMs: WALL_MS,
    probeLatencyMs: 1500,
    reason,
    errorCode,
    message,
  };
}

export function view(
  key: string,
  instance: ReachableInstance | UnreachableInstance | null,
  over: Partial<TopologyInstanceView> = {},
): TopologyInstanceView {
  return {
    key,
    nodeId: `node-${key.slice(key.lastIndexOf(":") + 1)}`,
    instance,
    lastReachable: instance?.reachable ? instance : null,
    agentStatus: "alive",
    stateAgeMs: 300,
    downtime: null,
    errantGtids: null,
    isLedgerPrimary: instance?.reachable === true && instance.channels.length === 0 && !instance.readOnly,
    promotionRule: "neutral",
    datacenter: "dc1",
    analysis: [],
    ...over,
  };
}
