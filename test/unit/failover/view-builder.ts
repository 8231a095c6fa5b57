// Builds ClusterViews for failover tests: a healthy cluster by default (every agent fresh, every
// replica replicating and reaching the primary), then one fluent call per fault.
import type { AgentView, ClusterView, DowntimeView, MemberStatus } from "../../../src/model/cluster-view.ts";
import type {
  Flavor,
  InstanceKey,
  PromotionRule,
  ReachableInstance,
  ReplicationChannel,
  UnreachableReason,
} from "../../../src/model/instance-state.ts";

export const NOW_MS = 5_000_000;
export const PORT = 3306;

/** Server UUIDs for MySQL-flavored members, by position (db1 → U[1]). */
export const U = [
  "00000000-0000-0000-0000-000000000000",
  "11111111-1111-1111-1111-111111111111",
  "22222222-2222-2222-2222-222222222222",
  "33333333-3333-3333-3333-333333333333",
  "44444444-4444-4444-4444-444444444444",
  "55555555-5555-5555-5555-555555555555",
  "66666666-6666-6666-6666-666666666666",
];

export function keyOf(nodeId: string): InstanceKey {
  return { host: `${nodeId}.example`, port: PORT };
}

function channelFrom(source: string, gtid: string): ReplicationChannel {
  const key = keyOf(source);
  return {
    name: "",
    sourceHost: key.host,
    sourcePort: key.port,
    sourceServerId: 1,
    ioState: "yes",
    sqlRunning: true,
    secondsBehind: 0,
    retrievedGtidSet: gtid,
    executedGtidSet: gtid,
    gtidAutoPosition: true,
    mariadbUsingGtid: null,
    sourceLogFile: "bin.000001",
    readSourceLogPos: 1000,
    relaySourceLogFile: "bin.000001",
    execSourceLogPos: 1000,
    lastIoErrno: 0,
    lastIoError: "",
    lastSqlErrno: 0,
    lastSqlError: "",
    sqlDelaySeconds: 0,
    heartbeatPeriodSeconds: 1,
    connectRetrySeconds: 1,
  };
}

function instanceFor(flavor: Flavor, nodeId: string, serverId: number, gtid: string): ReachableInstance {
  const mariadb = flavor === "mariadb";
  return {
    reachable: true,
    key: keyOf(nodeId),
    probedAtWallMs: 0,
    probeLatencyMs: 2,
    flavor,
    version: mariadb ? "10.11.6-MariaDB-log" : "8.0.36",
    versionNumbers: mariadb ? [10, 11, 6] : [8, 0, 36],
    versionComment: "",
    serverId,
    serverUuid: mariadb ? null : (U[serverId] ?? null),
    reportHost: null,
    reportPort: null,
    readOnly: true,
    superReadOnly: mariadb ? null : true,
    logBin: true,
    logReplicaUpdates: true,
    binlogFormat: "ROW",
    gtidMode: mariadb ? "MARIADB" : "ON",
    gtidExecuted: gtid,
    mariadbGtid: mariadb
      ? { binlogPos: gtid, binlogState: "", currentPos: gtid, slavePos: gtid, strictMode: true, domainId: 0 }
      : null,
    binlog: { file: "bin.000001", position: 1000 },
    channels: [],
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

export class ViewBuilder {
  private readonly agents: AgentView[] = [];
  private primaryId: string | null = null;
  private readonly downtimes: DowntimeView[] = [];
  private paused = { global: false, cluster: false };

  constructor(
    readonly flavor: Flavor,
    /** The primary's GTIDs; replicas start with the same. */
    readonly gtid: string = flavor === "mariadb" ? "0-1-100" : `${U[1]}:1-100`,
  ) {}

  private add(nodeId: string, inst: ReachableInstance | null, kind: AgentView["kind"] = "agent"): AgentView {
    const agent: AgentView = {
      nodeId,
      kind,
      memberStatus: "alive",
      recordAgeMs: 200,
      key: kind === "witness" ? null : keyOf(nodeId),
      instance: inst,
      lastKnownPosition:
        inst === null
          ? null
          : {
              flavor: inst.flavor,
              gtidExecuted: inst.gtidExecuted,
              serverId: inst.serverId,
              serverUuid: inst.serverUuid,
              ageMs: 200,
            },
      datacenter: "dc1",
      promotionRule: "neutral",
      primaryCheck: null,
      agentVersion: "0.1.0",
    };
    this.agents.push(agent);
    return agent;
  }

  primary(nodeId: string): this {
    this.primaryId = nodeId;
    const inst = instanceFor(this.flavor, nodeId, this.agents.length + 1, this.gtid);
    inst.readOnly = false;
    this.add(nodeId, inst);
    return this;
  }

  /** A replica of the primary, or of `from` (chained). */
  replica(nodeId: string, from?: string): this {
    const source = from ?? this.primaryId;
    if (source === null) throw new Error("declare the primary first");
    const inst = instanceFor(this.flavor, nodeId, this.agents.length + 1, this.gtid);
    inst.channels = [channelFrom(source, this.gtid)];
    const agent = this.add(nodeId, inst);
    agent.primaryCheck = { ok: true, failingForMs: 0, checkedAgeMs: 100 };
    return this;
  }

  witness(nodeId: string): this {
    this.add(nodeId, null, "witness");
    return this;
  }

  agent(nodeId: string): AgentView {
    const a = this.agents.find((x) => x.nodeId === nodeId);
    if (a === undefined) throw new Error(`no agent ${nodeId}`);
    return a;
  }

  inst(nodeId: string): ReachableInstance {
    const i = this.agent(nodeId).instance;
    if (i === null || !i.reachable) throw new Error(`${nodeId} has no reachable instance`);
    return i;
  }

  channel(nodeId: string): ReplicationChannel {
    const c = this.inst(nodeId).channels[0];
    if (c === undefined) throw new Error(`${nodeId} has no channel`);
    return c;
  }

  set(nodeId: string, patch: Partial<AgentView>): this {
    Object.assign(this.agent(nodeId), patch);
    return this;
  }

  patchInst(nodeId: string, patch: Partial<ReachableInstance>): this {
    Object.assign(this.inst(nodeId), patch);
    return this;
  }

  patchChannel(nodeId: string, patch: Partial<ReplicationChannel>): this {
    Object.assign(this.channel(nodeId), patch);
    return this;
  }

  /** Sets what a member has executed and (for replicas) received; executed doubles as received by default. */
  gtids(nodeId: string, executed: string, retrieved: string = executed): this {
    const inst = this.inst(nodeId);
    inst.gtidExecuted = executed;
    if (inst.mariadbGtid !== null)
      inst.mariadbGtid = {
        ...inst.mariadbGtid,
        binlogPos: executed,
        binlogState: "",
        currentPos: executed,
        slavePos: executed,
      };
    const agent = this.agent(nodeId);
    if (agent.lastKnownPosition !== null) agent.lastKnownPosition.gtidExecuted = executed;
    const c = inst.channels[0];
    if (c !== undefined) {
      c.retrievedGtidSet = retrieved;
      c.executedGtidSet = executed;
    }
    return this;
  }

  /** The member's own agent reports its mysqld unreachable (agent itself fresh). */
  mysqldDown(nodeId: string, reason: UnreachableReason = "refused", errorCode?: string): this {
    const agent = this.agent(nodeId);
    agent.instance = {
      reachable: false,
      key: keyOf(nodeId),
      probedAtWallMs: 0,
      probeLatencyMs: 1,
      reason,
      errorCode:
        errorCode ?? (reason === "refused" ? "ECONNREFUSED" : reason === "timeout" ? "ETIMEDOUT" : "EOTHER"),
      message: "connect failed",
    };
    return this;
  }

  /** The member's agent has gone quiet: its last record (instance included) is old. */
  agentSilent(nodeId: string, recordAgeMs = 5_000, memberStatus: MemberStatus = "alive"): this {
    return this.set(nodeId, { recordAgeMs, memberStatus });
  }

  /** These observers' handshakes to the primary have failed for failingForMs. */
  checksFail(nodeIds: readonly string[], failingForMs: number, errorCode = "ECONNREFUSED"): this {
    for (const id of nodeIds)
      this.set(id, { primaryCheck: { ok: false, failingForMs, checkedAgeMs: 100, errorCode } });
    return this;
  }

  /** These replicas' IO threads lost their source. */
  ioDown(nodeIds: readonly string[], ioState: "connecting" | "no" = "connecting"): this {
    for (const id of nodeIds) {
      this.patchChannel(id, {
        ioState,
        secondsBehind: null,
        lastIoErrno: 2003,
        lastIoError: "error reconnecting to master",
      });
    }
    return this;
  }

  downtime(d: DowntimeView): this {
    this.downtimes.push(d);
    return this;
  }

  pause(p: { global?: boolean; cluster?: boolean }): this {
    this.paused = { ...this.paused, ...p };
    return this;
  }

  rule(nodeId: string, promotionRule: PromotionRule): this {
    return this.set(nodeId, { promotionRule });
  }

  build(): ClusterView {
    const primaryAgent = this.primaryId === null ? null : this.agent(this.primaryId);
    return structuredClone({
      cluster: "main",
      nowMs: NOW_MS,
      primary:
        primaryAgent === null
          ? null
          : { nodeId: primaryAgent.nodeId, key: keyOf(primaryAgent.nodeId), epoch: 3 },
      agents: this.agents,
      downtimes: this.downtimes,
      paused: this.paused,
    });
  }
}

/** A healthy cluster: db1 primary, db2…dbN replicas. */
export function healthy(flavor: Flavor, instances: number): ViewBuilder {
  const b = new ViewBuilder(flavor).primary("db1");
  for (let i = 2; i <= instances; i++) b.replica(`db${i}`);
  return b;
}

export function replicaIds(instances: number): string[] {
  return Array.from({ length: instances - 1 }, (_, i) => `db${i + 2}`);
}
