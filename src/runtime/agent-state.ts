// What GET /api/state returns: this agent, every member it knows with its decoded record and
// ages measured on this agent's own monotonic clock, and drop counters. Never a secret: records
// hold no credentials, and the config is not part of it.
import type { MemberView } from "../gossip/events.ts";
import type { MemberKind, MemberStatus } from "../gossip/messages.ts";
import type { AgentRecord } from "../model/agent-record.ts";
import type { DropCounts } from "../net/drop-counters.ts";
import { decodeAgentRecord, type RecordDecodeError } from "./agent-record-codec.ts";
import type { ChannelDropReason, ChannelTraffic } from "./channels.ts";

export interface AgentSelfState {
  nodeId: string;
  cluster: string;
  kind: MemberKind;
  version: string;
  /** Gossip address ("host:port") peers reach this agent at. */
  address: string;
  incarnation: number;
  healthScore: number;
}

export interface MemberState {
  id: string;
  addr: string;
  kind: MemberKind;
  cluster: string;
  status: MemberStatus;
  incarnation: number;
  /** How long since this agent last got a message from the member itself (0 for self). */
  lastHeardAgeMs: number | null;
  record: AgentRecord | null;
  recordVersion: number | null;
  recordAgeMs: number | null;
  /** Why the record could not be decoded (a version skew or bug), when it couldn't. */
  recordError: RecordDecodeError | null;
  /** The record can't be taken as the member's current state: it is dead or gone, or neither a
   *  record nor any message has come from it recently. */
  stale: boolean;
}

export interface AgentState {
  self: AgentSelfState;
  members: MemberState[];
  drops: { envelope: DropCounts; channel: Record<ChannelDropReason, number> };
  traffic: ChannelTraffic;
  /** Filled by the raft host once it is plugged in. */
  raft: unknown | null;
}

export interface FreshnessBounds {
  /** A record younger than this is fresh (two keepalive periods). */
  recordFreshMs: number;
  /** A member heard from more recently than this is fresh. */
  heardFreshMs: number;
}

/** Decoding each record once per version, not once per request. */
export class RecordDecodeCache {
  private readonly byId = new Map<
    string,
    { version: number; decoded: ReturnType<typeof decodeAgentRecord> }
  >();

  decode(id: string, version: number, data: Uint8Array): ReturnType<typeof decodeAgentRecord> {
    const hit = this.byId.get(id);
    if (hit !== undefined && hit.version === version) return hit.decoded;
    const decoded = decodeAgentRecord(data);
    this.byId.set(id, { version, decoded });
    return decoded;
  }

  /** Drops entries of members no longer listed. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!ids.has(id)) this.byId.delete(id);
  }
}

export function memberState(
  m: MemberView,
  selfId: string,
  cache: RecordDecodeCache,
  bounds: FreshnessBounds,
): MemberState {
  const decoded = m.record === null ? null : cache.decode(m.id, m.record.version, m.record.data);
  const isSelf = m.id === selfId;
  const heardAgeMs = isSelf ? 0 : m.lastHeardAgeMs;
  const recordAgeMs = m.record?.ageMs ?? null;
  const recentRecord = recordAgeMs !== null && recordAgeMs <= bounds.recordFreshMs;
  const recentlyHeard = heardAgeMs !== null && heardAgeMs <= bounds.heardFreshMs;
  const gone = m.status === "dead" || m.status === "left";
  return {
    id: m.id,
    addr: m.addr,
    kind: m.kind,
    cluster: m.cluster,
    status: m.status,
    incarnation: m.incarnation,
    lastHeardAgeMs: heardAgeMs,
    record: decoded?.ok ? decoded.value : null,
    recordVersion: m.record?.version ?? null,
    recordAgeMs,
    recordError: decoded !== null && !decoded.ok ? decoded.error : null,
    stale: !isSelf && (gone || !(recentRecord || recentlyHeard)),
  };
}

export interface AgentStateInput {
  self: AgentSelfState;
  members: readonly MemberView[];
  envelopeDrops: DropCounts;
  channelDrops: Record<ChannelDropReason, number>;
  traffic: ChannelTraffic;
  raft: unknown | null;
}

export function buildAgentState(
  input: AgentStateInput,
  cache: RecordDecodeCache,
  bounds: FreshnessBounds,
): AgentState {
  cache.retain(new Set(input.members.map((m) => m.id)));
  return {
    self: input.self,
    members: input.members.map((m) => memberState(m, input.self.nodeId, cache, bounds)),
    drops: { envelope: input.envelopeDrops, channel: input.channelDrops },
    traffic: input.traffic,
    raft: input.raft,
  };
}
