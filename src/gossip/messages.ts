// The gossip wire vocabulary. These travel as the `msg` of an authenticated envelope (which
// already names the sender), so they carry only what the protocol itself needs.

export type MemberKind = "agent" | "witness" | "observer";
export const MEMBER_KINDS: readonly MemberKind[] = ["agent", "witness", "observer"];

export type MemberStatus = "alive" | "suspect" | "dead" | "left";
export const MEMBER_STATUSES: readonly MemberStatus[] = ["alive", "suspect", "dead", "left"];

/** A member announces (or re-announces, at a higher incarnation) that it is alive. */
export interface AliveUpdate {
  t: "alive";
  id: string;
  inc: number;
  addr: string;
  kind: MemberKind;
  cluster: string;
}

/** `by` suspects `id` at incarnation `inc`; `id` refutes by announcing alive at a higher one. */
export interface SuspectUpdate {
  t: "suspect";
  id: string;
  inc: number;
  by: string;
}

/** `by` declares `id` dead; when `by` is `id` itself the member left gracefully. */
export interface DeadUpdate {
  t: "dead";
  id: string;
  inc: number;
  by: string;
}

/** One chunk (often the only one) of member `id`'s opaque record at version `ver`. `ageMs` is
 *  how long ago the owner published it, as the sender reckons: ages travel, clocks don't. */
export interface RecordUpdate {
  t: "rec";
  id: string;
  ver: number;
  idx: number;
  cnt: number;
  ageMs: number;
  data: Uint8Array;
}

export type MembershipUpdate = AliveUpdate | SuspectUpdate | DeadUpdate;
export type GossipUpdate = MembershipUpdate | RecordUpdate;

/** Sync digest entry, a tuple to keep anti-entropy pages dense:
 *  [id, incarnation, status, addr, kind, cluster, recordVersion (0 = none)]. */
export type SyncEntry = [string, number, MemberStatus, string, MemberKind, string, number];

export interface PingMessage {
  type: "ping";
  seq: number;
  /** The member the sender meant to reach; a restarted process under another id ignores it. */
  target: string;
  updates: GossipUpdate[];
}

export interface AckMessage {
  type: "ack";
  seq: number;
  updates: GossipUpdate[];
}

/** Ask the receiver to probe `target` on the sender's behalf (SWIM indirect probe). */
export interface PingReqMessage {
  type: "ping-req";
  seq: number;
  target: string;
  updates: GossipUpdate[];
}

/** Lifeguard: the helper of a ping-req says it heard nothing from the target, so the asker knows
 *  its own link works and the silence is the target's. */
export interface NackMessage {
  type: "nack";
  seq: number;
}

/** Fan-out dissemination and direct record pushes: updates only, no answer expected. */
export interface GossipPushMessage {
  type: "gossip";
  updates: GossipUpdate[];
}

/** One page of a push-pull anti-entropy exchange (also how a node joins via its seeds). */
export interface SyncMessage {
  type: "sync";
  /** True when the receiver should answer with its own pages. */
  wantReply: boolean;
  entries: SyncEntry[];
}

/** Ask for whole records the sender lacks (learned from a sync digest). */
export interface RecordRequestMessage {
  type: "rec-req";
  ids: string[];
}

export type GossipMessage =
  | PingMessage
  | AckMessage
  | PingReqMessage
  | NackMessage
  | GossipPushMessage
  | SyncMessage
  | RecordRequestMessage;

export type GossipMessageType = GossipMessage["type"];
export const GOSSIP_MESSAGE_TYPES: readonly GossipMessageType[] = [
  "ping",
  "ack",
  "ping-req",
  "nack",
  "gossip",
  "sync",
  "rec-req",
];
