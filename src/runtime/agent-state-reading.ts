// Reads a local agent's GET /api/state answer (agent-state.ts, ledger-view.ts) back into the read
// side's inputs: members with their records and ages, and the ledger of the agent's cluster. The
// JSON crossed a process boundary, so every field is checked; what doesn't fit is left out.
import type { MemberStatus } from "../model/cluster-view.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { RecordFieldError, readAgentRecord } from "./agent-record-shape.ts";
import type { MemberInput } from "./member-facts.ts";
import type { LedgerDowntime, LedgerSnapshot } from "./view-assembly.ts";

export interface AgentStateReading {
  self: { nodeId: string; cluster: string; address: string };
  members: MemberInput[];
  /** The agent's own cluster's ledger, when its raft host reports one. */
  ledgers: Record<string, LedgerSnapshot>;
  /** Members whose record was present but unreadable (version skew), by id. */
  undecodable: { id: string; field: string }[];
}

export type AgentStateReadError = { code: "read.agent-state-malformed"; field: string };

type Obj = Record<string, unknown>;
const STATUSES: readonly MemberStatus[] = ["alive", "suspect", "dead", "left"];
const KINDS = ["agent", "witness", "observer"] as const;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function ageOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null;
}

function recordOf(v: unknown, id: string, undecodable: AgentStateReading["undecodable"]) {
  if (v === null || v === undefined) return null;
  try {
    return readAgentRecord(v);
  } catch (e) {
    undecodable.push({ id, field: e instanceof RecordFieldError ? e.field : "record" });
    return null;
  }
}

function memberOf(v: unknown, undecodable: AgentStateReading["undecodable"]): MemberInput | null {
  if (!isObj(v)) return null;
  const { id, addr, kind, cluster, status } = v;
  if (typeof id !== "string" || typeof addr !== "string" || typeof cluster !== "string") return null;
  if (!KINDS.includes(kind as (typeof KINDS)[number]) || !STATUSES.includes(status as MemberStatus))
    return null;
  const record = recordOf(v.record, id, undecodable);
  return {
    id,
    addr,
    kind: kind as MemberInput["kind"],
    cluster,
    status: status as MemberStatus,
    lastHeardAgeMs: ageOrNull(v.lastHeardAgeMs),
    record,
    recordAgeMs: record === null ? null : ageOrNull(v.recordAgeMs),
  };
}

function downtimesOf(v: unknown): LedgerDowntime[] {
  if (!isObj(v)) return [];
  return Object.entries(v).flatMap(([instance, d]) => {
    if (!isObj(d) || typeof d.untilWallMs !== "number") return [];
    const text = (x: unknown) => (typeof x === "string" ? x : "");
    return [{ instance, untilWallMs: d.untilWallMs, reason: text(d.reason), owner: text(d.owner) }];
  });
}

/** The raft view's ledger summary (ledger-view.ts) as a snapshot; null when absent or not a ledger. */
export function ledgerSnapshotOf(raft: unknown): LedgerSnapshot | null {
  if (!isObj(raft) || !isObj(raft.ledger)) return null;
  const l = raft.ledger;
  if (typeof l.epoch !== "number") return null;
  const recoveries = Array.isArray(l.recoveries) ? l.recoveries : [];
  return {
    primary: typeof l.primary === "string" ? l.primary : null,
    epoch: l.epoch,
    // The ledger's pause is per raft group, and a raft group is one cluster.
    paused: { global: false, cluster: isObj(l.paused) },
    downtimes: downtimesOf(l.downtimes),
    recoveryActive: recoveries.some((r) => isObj(r) && (r.state === "detected" || r.state === "planned")),
    quorumOk: raft.quorum === "OK" ? true : raft.quorum === "LOST" ? false : null,
  };
}

export function readAgentState(json: unknown): Result<AgentStateReading, AgentStateReadError> {
  if (!isObj(json)) return err({ code: "read.agent-state-malformed", field: "(top level)" });
  const self = json.self;
  if (!isObj(self) || typeof self.nodeId !== "string" || typeof self.cluster !== "string")
    return err({ code: "read.agent-state-malformed", field: "self" });
  if (!Array.isArray(json.members)) return err({ code: "read.agent-state-malformed", field: "members" });
  const undecodable: AgentStateReading["undecodable"] = [];
  const members = json.members.flatMap((m) => memberOf(m, undecodable) ?? []);
  const ledger = ledgerSnapshotOf(json.raft);
  return ok({
    self: {
      nodeId: self.nodeId,
      cluster: self.cluster,
      address: typeof self.address === "string" ? self.address : "",
    },
    members,
    ledgers: ledger === null ? {} : { [self.cluster]: ledger },
    undecodable,
  });
}
