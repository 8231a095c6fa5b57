// What one node believes about every member, and SWIM's precedence rules for changing it:
// a higher incarnation wins; at the same incarnation suspect beats alive and dead beats both;
// dead and left are final until the member itself announces a higher incarnation.
import { GOSSIP_MEMBERS_MAX } from "../lib/limits.ts";
import type { AliveUpdate, DeadUpdate, MemberKind, MemberStatus, SuspectUpdate } from "./messages.ts";

export interface StoredRecord {
  data: Uint8Array;
  version: number;
  /** Local time the owner published this version (receive time minus the age it travelled with). */
  updatedAtMs: number;
}

export interface Member {
  id: string;
  addr: string;
  kind: MemberKind;
  cluster: string;
  incarnation: number;
  status: MemberStatus;
  statusChangedAtMs: number;
  record: StoredRecord | null;
  /** Local time of the last valid message from this member itself (any type, acks included);
   *  null until one arrives. Lets a shell judge freshness without the member republishing. */
  lastHeardAtMs: number | null;
}

export type AliveOutcome = "ignored" | "joined" | "refreshed" | "revived" | "full";
export type SuspectOutcome = "ignored" | "suspected" | "already-suspect";
export type DeadOutcome = "ignored" | "dead" | "left";

export function isLive(m: Member): boolean {
  return m.status === "alive" || m.status === "suspect";
}

export class MemberTable {
  private readonly byId = new Map<string, Member>();
  /** Bumped on every change of who is live, so callers can cache derived lists. */
  private versionValue = 0;

  constructor(private readonly capacity: number = GOSSIP_MEMBERS_MAX) {}

  get version(): number {
    return this.versionValue;
  }

  get(id: string): Member | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Member> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  applyAlive(u: AliveUpdate, nowMs: number): AliveOutcome {
    const m = this.byId.get(u.id);
    if (m === undefined) {
      if (this.byId.size >= this.capacity) return "full";
      this.byId.set(u.id, {
        id: u.id,
        addr: u.addr,
        kind: u.kind,
        cluster: u.cluster,
        incarnation: u.inc,
        status: "alive",
        statusChangedAtMs: nowMs,
        record: null,
        lastHeardAtMs: null,
      });
      this.versionValue++;
      return "joined";
    }
    if (u.inc <= m.incarnation) return "ignored";
    const wasLive = m.status === "alive";
    m.incarnation = u.inc;
    m.addr = u.addr;
    m.kind = u.kind;
    m.cluster = u.cluster;
    if (!wasLive) {
      m.status = "alive";
      m.statusChangedAtMs = nowMs;
      this.versionValue++;
      return "revived";
    }
    return "refreshed";
  }

  applySuspect(u: SuspectUpdate, nowMs: number): SuspectOutcome {
    const m = this.byId.get(u.id);
    if (m === undefined || u.inc < m.incarnation || !isLive(m)) return "ignored";
    if (m.status === "suspect") {
      m.incarnation = u.inc;
      return "already-suspect";
    }
    m.incarnation = u.inc;
    m.status = "suspect";
    m.statusChangedAtMs = nowMs;
    this.versionValue++;
    return "suspected";
  }

  applyDead(u: DeadUpdate, nowMs: number): DeadOutcome {
    const m = this.byId.get(u.id);
    if (m === undefined || u.inc < m.incarnation || !isLive(m)) return "ignored";
    m.incarnation = u.inc;
    m.status = u.by === u.id ? "left" : "dead";
    m.statusChangedAtMs = nowMs;
    this.versionValue++;
    return m.status === "left" ? "left" : "dead";
  }

  /** Notes that a message from `id` itself arrived; unknown ids are ignored. */
  heardFrom(id: string, nowMs: number): void {
    const m = this.byId.get(id);
    if (m !== undefined) m.lastHeardAtMs = nowMs;
  }

  /** Forgets members dead or gone for `afterMs`; returns their ids. */
  reclaim(nowMs: number, afterMs: number): string[] {
    const gone: string[] = [];
    for (const m of this.byId.values()) {
      if (!isLive(m) && nowMs - m.statusChangedAtMs >= afterMs) gone.push(m.id);
    }
    for (const id of gone) this.byId.delete(id);
    if (gone.length > 0) this.versionValue++;
    return gone;
  }
}
