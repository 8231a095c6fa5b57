// Hand-built records for the agent's unit tests: a MariaDB replica as the sandbox reports one,
// and a MySQL replica with a long GTID set (many server UUIDs, as in an old, much-failed-over fleet).
import type { AgentRecord } from "../../../../src/model/agent-record.ts";
import type { ReachableInstance, ReplicationChannel } from "../../../../src/model/instance-state.ts";

export function channel(over: Partial<ReplicationChannel> = {}): ReplicationChannel {
  return {
    name: "",
    sourceHost: "127.0.0.1",
    sourcePort: 28101,
    sourceServerId: 1,
    ioState: "yes",
    sqlRunning: true,
    secondsBehind: 0,
    retrievedGtidSet: "0-1-1042",
    executedGtidSet: "0-1-1042",
    gtidAutoPosition: true,
    mariadbUsingGtid: "Slave_Pos",
    sourceLogFile: "mysql-bin.000002",
    readSourceLogPos: 123456,
    relaySourceLogFile: "mysql-bin.000002",
    execSourceLogPos: 123456,
    lastIoErrno: 0,
    lastIoError: "",
    lastSqlErrno: 0,
    lastSqlError: "",
    sqlDelaySeconds: 0,
    heartbeatPeriodSeconds: 30,
    connectRetrySeconds: 60,
    ...over,
  };
}

export function mariadbReplica(over: Partial<ReachableInstance> = {}): ReachableInstance {
  return {
    reachable: true,
    key: { host: "127.0.0.1", port: 28102 },
    probedAtWallMs: 1_764_000_000_000,
    probeLatencyMs: 1.7,
    flavor: "mariadb",
    version: "10.11.14-MariaDB-0+deb12u2-log",
    versionNumbers: [10, 11, 14],
    versionComment: "Debian 12",
    serverId: 2,
    serverUuid: null,
    reportHost: "127.0.0.1",
    reportPort: 28102,
    readOnly: true,
    superReadOnly: null,
    logBin: true,
    logReplicaUpdates: true,
    binlogFormat: "ROW",
    gtidMode: "MARIADB",
    gtidExecuted: "0-1-1042",
    mariadbGtid: {
      binlogPos: "0-1-1042",
      binlogState: "",
      currentPos: "0-1-1042",
      slavePos: "0-1-1042",
      strictMode: true,
      domainId: 0,
    },
    binlog: { file: "mysql-bin.000002", position: 98765 },
    channels: [channel()],
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

/** A MySQL gtid_executed with `uuids` server UUIDs, each with a few ranges. */
export function longMysqlGtidSet(uuids: number): string {
  const parts: string[] = [];
  for (let i = 0; i < uuids; i++) {
    const hex = (i * 2654435761).toString(16).padStart(8, "0").slice(-8);
    parts.push(`${hex}-aaaa-11ee-8c99-0242ac12${hex.slice(0, 4)}:1-${1000 + i}:${2000 + i}-${3000 + i * 7}`);
  }
  return parts.join(",\n");
}

export function mysqlReplica(uuids: number): ReachableInstance {
  const gtid = longMysqlGtidSet(uuids);
  return mariadbReplica({
    flavor: "mysql",
    version: "8.0.36",
    versionNumbers: [8, 0, 36],
    versionComment: "MySQL Community Server - GPL",
    serverUuid: "3e11fa47-71ca-11e1-9e33-c80aa9429562",
    superReadOnly: true,
    gtidMode: "ON",
    gtidExecuted: gtid,
    mariadbGtid: null,
    channels: [
      channel({
        retrievedGtidSet: gtid,
        executedGtidSet: gtid,
        mariadbUsingGtid: null,
        heartbeatPeriodSeconds: null,
      }),
    ],
  });
}

export function agentRecord(over: Partial<AgentRecord> = {}): AgentRecord {
  const instance = mariadbReplica();
  return {
    nodeId: "db2",
    cluster: "main",
    kind: "agent",
    datacenter: "dc1",
    promotionRule: "neutral",
    agentVersion: "0.1.0",
    instanceAddress: "127.0.0.1:28102",
    producedAtWallMs: 1_764_000_000_100,
    instance,
    lastReachable: instance,
    primaryCheck: { target: "127.0.0.1:28101", ok: true, failingForMs: 0, errorCode: null },
    raft: { term: 3, leader: "db1", role: "follower" },
    ...over,
  };
}
