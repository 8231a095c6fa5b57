// MariaDB servers, gossip members and ledgers for the reconciler's tests.
import type { AgentRecord } from "../../../../src/model/agent-record.ts";
import type { ReachableInstance, ReplicationChannel } from "../../../../src/model/instance-state.ts";
import { emptyLedger, type LedgerState } from "../../../../src/raft/ledger.ts";
import type { MemberInput } from "../../../../src/runtime/member-facts.ts";

export const HOST = "127.0.0.1";
export const PORTS: Record<string, number> = { db1: 33001, db2: 33002, db3: 33003 };

export function addr(nodeId: string): string {
  return `${HOST}:${PORTS[nodeId]}`;
}

export function channelFrom(source: string): ReplicationChannel {
  return {
    name: "",
    sourceHost: HOST,
    sourcePort: PORTS[source] ?? 0,
    sourceServerId: 1,
    ioState: "yes",
    sqlRunning: true,
    secondsBehind: 0,
    retrievedGtidSet: "",
    executedGtidSet: "",
    gtidAutoPosition: true,
    mariadbUsingGtid: "Slave_Pos",
    sourceLogFile: "bin.000001",
    readSourceLogPos: 100,
    relaySourceLogFile: "bin.000001",
    execSourceLogPos: 100,
    lastIoErrno: 0,
    lastIoError: "",
    lastSqlErrno: 0,
    lastSqlError: "",
    sqlDelaySeconds: 0,
    heartbeatPeriodSeconds: 1,
    connectRetrySeconds: 1,
  };
}

export interface ServerShape {
  serverId?: number;
  readOnly?: boolean;
  /** gtid_binlog_pos (also gtid_current_pos unless `current` says otherwise). */
  gtid?: string;
  current?: string;
  slavePos?: string;
  follows?: string | null;
  probedAtWallMs?: number;
}

export function server(nodeId: string, s: ServerShape = {}): ReachableInstance {
  const gtid = s.gtid ?? "0-1-100";
  return {
    reachable: true,
    key: { host: HOST, port: PORTS[nodeId] ?? 0 },
    probedAtWallMs: s.probedAtWallMs ?? 1_000,
    probeLatencyMs: 2,
    flavor: "mariadb",
    version: "10.11.6-MariaDB-log",
    versionNumbers: [10, 11, 6],
    versionComment: "",
    serverId: s.serverId ?? Number(nodeId.slice(2)),
    serverUuid: null,
    reportHost: null,
    reportPort: null,
    readOnly: s.readOnly ?? true,
    superReadOnly: null,
    logBin: true,
    logReplicaUpdates: true,
    binlogFormat: "ROW",
    gtidMode: "MARIADB",
    gtidExecuted: gtid,
    mariadbGtid: {
      binlogPos: gtid,
      binlogState: "",
      currentPos: s.current ?? gtid,
      slavePos: s.slavePos ?? "",
      strictMode: true,
      domainId: 0,
    },
    binlog: { file: "bin.000001", position: 100 },
    channels: s.follows ? [channelFrom(s.follows)] : [],
    semiSync: {
      available: true,
      sourceEnabled: false,
      sourceActive: false,
      replicaEnabled: false,
      replicaActive: false,
      sourceClients: 0,
      sourceTimeoutMs: null,
      waitForReplicaCount: 1,
    },
  };
}

export function member(nodeId: string, inst: ReachableInstance | null, cluster = "c1"): MemberInput {
  const record: AgentRecord = {
    nodeId,
    cluster,
    kind: "agent",
    datacenter: "",
    promotionRule: "neutral",
    agentVersion: "test",
    instanceAddress: addr(nodeId),
    producedAtWallMs: inst?.probedAtWallMs ?? 1_000,
    instance: inst,
    lastReachable: inst,
    primaryCheck: null,
    raft: null,
  };
  return {
    id: nodeId,
    addr: `${HOST}:${(PORTS[nodeId] ?? 0) + 1000}`,
    kind: "agent",
    cluster,
    status: "alive",
    lastHeardAgeMs: 10,
    record,
    recordAgeMs: 10,
  };
}

export function ledgerWith(
  primary: string | null,
  epoch: number,
  more: Partial<LedgerState> = {},
): LedgerState {
  return { ...emptyLedger(), primary, epoch, ...more };
}
