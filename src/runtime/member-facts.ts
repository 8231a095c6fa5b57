// What the read side derives from one gossip member and its decoded record before any cluster-wide
// reasoning: which cluster it belongs to, where its server is, and how fresh its word is. Pure.
import type { AgentRecord } from "../model/agent-record.ts";
import type { AgentKind, LastKnownPosition, MemberStatus, PrimaryCheck } from "../model/cluster-view.ts";
import type { InstanceKey, InstanceState, ReachableInstance } from "../model/instance-state.ts";

/** One member as the observer holds it: gossip's view plus the decoded record (if any). */
export interface MemberInput {
  id: string;
  /** Gossip address ("host:port"). */
  addr: string;
  kind: "agent" | "witness" | "observer";
  /** Cluster the member announced in gossip; its record's cluster wins when there is one. */
  cluster: string;
  status: MemberStatus;
  /** Since the observer last received anything from the member itself; null = never. */
  lastHeardAgeMs: number | null;
  /** null while no record arrived or it could not be decoded. */
  record: AgentRecord | null;
  /** Age of the record as the observer's clock reckons it; null without a record. */
  recordAgeMs: number | null;
}

/** Stands for "never heard": larger than any real age, and still a plain JSON number. */
export const NEVER_MS = Number.MAX_SAFE_INTEGER;

/** A member of one replication cluster with everything the assembly needs about it. */
export interface MemberFacts {
  nodeId: string;
  cluster: string;
  kind: AgentKind;
  status: MemberStatus;
  /** Freshest of the record's age and the last word from the member (see freshnessOf). */
  stateAgeMs: number;
  /** How much longer ago the record was produced than the member was last heard from. */
  unchangedForMs: number;
  key: InstanceKey | null;
  instance: InstanceState | null;
  lastReachable: ReachableInstance | null;
  record: AgentRecord | null;
}

export function parseInstanceKey(text: string): InstanceKey | null {
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return null;
  const port = Number(text.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) return null;
  return { host: text.slice(0, colon), port };
}

function keyOf(record: AgentRecord | null): InstanceKey | null {
  if (record === null || record.kind === "witness") return null;
  const advertised = record.instanceAddress === null ? null : parseInstanceKey(record.instanceAddress);
  return advertised ?? record.instance?.key ?? record.lastReachable?.key ?? null;
}

/**
 * An agent republishes its record whenever it changes meaningfully, so a record that has not been
 * replaced was still current when the member was last heard from: the state is as old as the
 * fresher of the two.
 */
function freshnessOf(m: MemberInput): { stateAgeMs: number; unchangedForMs: number } {
  const recordAge = m.recordAgeMs ?? NEVER_MS;
  const heardAge = m.lastHeardAgeMs ?? NEVER_MS;
  const stateAgeMs = Math.min(recordAge, heardAge);
  return { stateAgeMs, unchangedForMs: m.recordAgeMs === null ? 0 : Math.max(0, recordAge - stateAgeMs) };
}

/** Facts of a DB agent or witness; null for observers (consoles, read commands). */
export function factsOf(m: MemberInput): MemberFacts | null {
  if (m.kind === "observer") return null;
  const record = m.record;
  return {
    nodeId: m.id,
    cluster: record?.cluster ?? m.cluster,
    kind: record?.kind ?? m.kind,
    status: m.status,
    ...freshnessOf(m),
    key: keyOf(record),
    instance: record?.instance ?? null,
    lastReachable: record?.lastReachable ?? null,
    record,
  };
}

/** The probe that says where the server sits: the current one if it answered, else the last good one. */
export function knownInstance(f: MemberFacts): ReachableInstance | null {
  return f.instance?.reachable ? f.instance : f.lastReachable;
}

/**
 * The last good GTID position. Its age adds the gap between that probe and the record's production,
 * both stamped by the member's own wall clock, so no two hosts' clocks are compared.
 */
export function lastKnownPositionOf(f: MemberFacts): LastKnownPosition | null {
  const last = f.lastReachable;
  if (last === null || f.record === null) return null;
  const probeBeforeRecordMs = Math.max(0, f.record.producedAtWallMs - last.probedAtWallMs);
  return {
    flavor: last.flavor,
    gtidExecuted: last.gtidExecuted,
    serverId: last.serverId,
    serverUuid: last.serverUuid,
    mariadbBinlogState: last.mariadbGtid?.binlogState ?? "",
    ageMs: f.stateAgeMs + f.unchangedForMs + probeBeforeRecordMs,
  };
}

/** A failing check still unchanged when the member was last heard has been failing that much longer. */
export function primaryCheckOf(f: MemberFacts): PrimaryCheck | null {
  const c = f.record?.primaryCheck ?? null;
  if (c === null) return null;
  return {
    ok: c.ok,
    failingForMs: c.ok ? 0 : c.failingForMs + f.unchangedForMs,
    checkedAgeMs: f.stateAgeMs,
    ...(c.errorCode === null ? {} : { errorCode: c.errorCode }),
  };
}
