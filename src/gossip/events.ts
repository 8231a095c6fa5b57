// What a gossip node tells its shell (and the views) about the membership it sees.
import type { Member } from "./member-table.ts";
import type { MemberKind, MemberStatus } from "./messages.ts";

export type GossipEvent =
  | { type: "member-joined"; id: string; kind: MemberKind; cluster: string }
  | { type: "member-suspected"; id: string; by: string }
  | { type: "member-alive"; id: string; incarnation: number }
  | { type: "member-dead"; id: string; by: string }
  | { type: "member-left"; id: string }
  | { type: "member-reclaimed"; id: string }
  | { type: "member-refused"; id: string }
  | { type: "record-updated"; id: string; version: number }
  | { type: "self-refuted"; incarnation: number; accusedBy: string };

export interface RecordView {
  data: Uint8Array;
  version: number;
  updatedAtMs: number;
  ageMs: number;
  /** The owner is dead or gone: this is its last word, not its current state. */
  stale: boolean;
}

export interface MemberView {
  id: string;
  addr: string;
  kind: MemberKind;
  cluster: string;
  incarnation: number;
  status: MemberStatus;
  record: RecordView | null;
  /** Local time of the last message from the member itself; null if none arrived yet. */
  lastHeardAtMs: number | null;
  /** nowMs minus lastHeardAtMs; null if nothing was heard from it yet. */
  lastHeardAgeMs: number | null;
}

export function viewOf(m: Member, nowMs: number): MemberView {
  const r = m.record;
  return {
    id: m.id,
    addr: m.addr,
    kind: m.kind,
    cluster: m.cluster,
    incarnation: m.incarnation,
    status: m.status,
    lastHeardAtMs: m.lastHeardAtMs,
    lastHeardAgeMs: m.lastHeardAtMs === null ? null : Math.max(0, nowMs - m.lastHeardAtMs),
    record:
      r === null
        ? null
        : {
            data: r.data,
            version: r.version,
            updatedAtMs: r.updatedAtMs,
            ageMs: Math.max(0, nowMs - r.updatedAtMs),
            stale: m.status === "dead" || m.status === "left",
          },
  };
}
