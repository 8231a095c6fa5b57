// Checks that a decoded msgpack value really is an AgentRecord, field by field, and names the
// first field that isn't. Records come from authenticated peers, so a bad one means a version
// skew or a bug, never a reason to crash or to trust half a record.
import type { AgentPrimaryCheck, AgentRaftSummary, AgentRecord } from "../model/agent-record.ts";
import {
  type InstanceState,
  PROMOTION_RULES,
  type ReachableInstance,
  type ReplicationChannel,
  type SemiSyncState,
  type UnreachableInstance,
} from "../model/instance-state.ts";

/** Thrown inside this file only; decodeAgentRecord turns it into a typed error. */
export class RecordFieldError {
  constructor(readonly field: string) {}
}

type Obj = Record<string, unknown>;

/** Longest string field accepted: GTID sets of big MySQL fleets run to kilobytes, not more. */
const TEXT_CHARS_MAX = 65_536;
const CHANNELS_MAX = 256;

function obj(v: unknown, field: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array)
    throw new RecordFieldError(field);
  return v as Obj;
}

function str(o: Obj, k: string, path: string): string {
  const v = o[k];
  if (typeof v !== "string" || v.length > TEXT_CHARS_MAX) throw new RecordFieldError(`${path}.${k}`);
  return v;
}

function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RecordFieldError(`${path}.${k}`);
  return v;
}

function bool(o: Obj, k: string, path: string): boolean {
  const v = o[k];
  if (typeof v !== "boolean") throw new RecordFieldError(`${path}.${k}`);
  return v;
}

function orNull<T>(o: Obj, k: string, path: string, read: (o: Obj, k: string, path: string) => T): T | null {
  return o[k] === null ? null : read(o, k, path);
}

function oneOf<T extends string>(o: Obj, k: string, path: string, allowed: readonly T[]): T {
  const v = o[k];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v))
    throw new RecordFieldError(`${path}.${k}`);
  return v as T;
}

function channel(v: unknown, path: string): ReplicationChannel {
  const o = obj(v, path);
  return {
    name: str(o, "name", path),
    sourceHost: str(o, "sourceHost", path),
    sourcePort: num(o, "sourcePort", path),
    sourceServerId: num(o, "sourceServerId", path),
    ioState: oneOf(o, "ioState", path, ["yes", "no", "connecting"] as const),
    sqlRunning: bool(o, "sqlRunning", path),
    secondsBehind: orNull(o, "secondsBehind", path, num),
    retrievedGtidSet: str(o, "retrievedGtidSet", path),
    executedGtidSet: str(o, "executedGtidSet", path),
    gtidAutoPosition: bool(o, "gtidAutoPosition", path),
    mariadbUsingGtid: orNull(o, "mariadbUsingGtid", path, str),
    sourceLogFile: str(o, "sourceLogFile", path),
    readSourceLogPos: num(o, "readSourceLogPos", path),
    relaySourceLogFile: str(o, "relaySourceLogFile", path),
    execSourceLogPos: num(o, "execSourceLogPos", path),
    lastIoErrno: num(o, "lastIoErrno", path),
    lastIoError: str(o, "lastIoError", path),
    lastSqlErrno: num(o, "lastSqlErrno", path),
    lastSqlError: str(o, "lastSqlError", path),
    sqlDelaySeconds: num(o, "sqlDelaySeconds", path),
    heartbeatPeriodSeconds: orNull(o, "heartbeatPeriodSeconds", path, num),
    connectRetrySeconds: orNull(o, "connectRetrySeconds", path, num),
  };
}

function semiSync(v: unknown, path: string): SemiSyncState {
  const o = obj(v, path);
  return {
    available: bool(o, "available", path),
    sourceEnabled: bool(o, "sourceEnabled", path),
    sourceActive: bool(o, "sourceActive", path),
    replicaEnabled: bool(o, "replicaEnabled", path),
    replicaActive: bool(o, "replicaActive", path),
    sourceClients: num(o, "sourceClients", path),
    sourceTimeoutMs: orNull(o, "sourceTimeoutMs", path, num),
    waitForReplicaCount: num(o, "waitForReplicaCount", path),
  };
}

function mariadbGtid(v: unknown, path: string): ReachableInstance["mariadbGtid"] {
  if (v === null) return null;
  const o = obj(v, path);
  return {
    binlogPos: str(o, "binlogPos", path),
    // Absent from an agent of an earlier version.
    binlogState: o.binlogState === undefined ? "" : str(o, "binlogState", path),
    currentPos: str(o, "currentPos", path),
    slavePos: str(o, "slavePos", path),
    strictMode: bool(o, "strictMode", path),
    domainId: num(o, "domainId", path),
  };
}

function versionNumbers(v: unknown, path: string): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => typeof n === "number" && Number.isFinite(n)))
    throw new RecordFieldError(path);
  return [v[0], v[1], v[2]];
}

function instanceKey(v: unknown, path: string): { host: string; port: number } {
  const o = obj(v, path);
  return { host: str(o, "host", path), port: num(o, "port", path) };
}

function reachable(o: Obj, path: string): ReachableInstance {
  const channels = o.channels;
  if (!Array.isArray(channels) || channels.length > CHANNELS_MAX)
    throw new RecordFieldError(`${path}.channels`);
  const binlog = o.binlog === null ? null : obj(o.binlog, `${path}.binlog`);
  return {
    reachable: true,
    key: instanceKey(o.key, `${path}.key`),
    probedAtWallMs: num(o, "probedAtWallMs", path),
    probeLatencyMs: num(o, "probeLatencyMs", path),
    flavor: oneOf(o, "flavor", path, ["mysql", "mariadb", "percona"] as const),
    version: str(o, "version", path),
    versionNumbers: versionNumbers(o.versionNumbers, `${path}.versionNumbers`),
    versionComment: str(o, "versionComment", path),
    serverId: num(o, "serverId", path),
    serverUuid: orNull(o, "serverUuid", path, str),
    reportHost: orNull(o, "reportHost", path, str),
    reportPort: orNull(o, "reportPort", path, num),
    readOnly: bool(o, "readOnly", path),
    superReadOnly: orNull(o, "superReadOnly", path, bool),
    logBin: bool(o, "logBin", path),
    logReplicaUpdates: bool(o, "logReplicaUpdates", path),
    binlogFormat: str(o, "binlogFormat", path),
    gtidMode: str(o, "gtidMode", path),
    gtidExecuted: str(o, "gtidExecuted", path),
    mariadbGtid: mariadbGtid(o.mariadbGtid, `${path}.mariadbGtid`),
    binlog:
      binlog === null
        ? null
        : {
            file: str(binlog, "file", `${path}.binlog`),
            position: num(binlog, "position", `${path}.binlog`),
          },
    channels: channels.map((c, i) => channel(c, `${path}.channels[${i}]`)),
    semiSync: semiSync(o.semiSync, `${path}.semiSync`),
  };
}

function unreachable(o: Obj, path: string): UnreachableInstance {
  return {
    reachable: false,
    key: instanceKey(o.key, `${path}.key`),
    probedAtWallMs: num(o, "probedAtWallMs", path),
    probeLatencyMs: num(o, "probeLatencyMs", path),
    reason: oneOf(o, "reason", path, ["refused", "timeout", "auth", "reset", "dns", "error"] as const),
    errorCode: str(o, "errorCode", path),
    message: str(o, "message", path),
  };
}

function instance(v: unknown, path: string): InstanceState | null {
  if (v === null) return null;
  const o = obj(v, path);
  if (o.reachable === true) return reachable(o, path);
  if (o.reachable === false) return unreachable(o, path);
  throw new RecordFieldError(`${path}.reachable`);
}

function primaryCheck(v: unknown, path: string): AgentPrimaryCheck | null {
  if (v === null) return null;
  const o = obj(v, path);
  return {
    target: str(o, "target", path),
    ok: bool(o, "ok", path),
    failingForMs: num(o, "failingForMs", path),
    errorCode: orNull(o, "errorCode", path, str),
  };
}

function raft(v: unknown, path: string): AgentRaftSummary | null {
  if (v === null) return null;
  const o = obj(v, path);
  return {
    term: num(o, "term", path),
    leader: orNull(o, "leader", path, str),
    role: oneOf(o, "role", path, ["leader", "follower", "candidate", "pre-candidate"] as const),
  };
}

/** The record, rebuilt from exactly the known fields (unknown extra fields are left behind). */
export function readAgentRecord(v: unknown): AgentRecord {
  const o = obj(v, "record");
  const last = instance(o.lastReachable, "record.lastReachable");
  if (last !== null && !last.reachable) throw new RecordFieldError("record.lastReachable.reachable");
  return {
    nodeId: str(o, "nodeId", "record"),
    cluster: str(o, "cluster", "record"),
    kind: oneOf(o, "kind", "record", ["agent", "witness"] as const),
    datacenter: str(o, "datacenter", "record"),
    promotionRule: oneOf(o, "promotionRule", "record", PROMOTION_RULES),
    agentVersion: str(o, "agentVersion", "record"),
    instanceAddress: orNull(o, "instanceAddress", "record", str),
    producedAtWallMs: num(o, "producedAtWallMs", "record"),
    instance: instance(o.instance, "record.instance"),
    lastReachable: last,
    primaryCheck: primaryCheck(o.primaryCheck, "record.primaryCheck"),
    raft: raft(o.raft, "record.raft"),
  };
}
