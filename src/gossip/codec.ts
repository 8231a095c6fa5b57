// Decoded msgpack (unknown) → typed GossipMessage, or a typed error. Never throws: whatever an
// authenticated but buggy or newer peer sends becomes a value the shell can count and log.
import { GOSSIP_CHUNK_BYTES_MAX, GOSSIP_MESSAGE_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import {
  type GossipMessage,
  type GossipUpdate,
  MEMBER_KINDS,
  MEMBER_STATUSES,
  type MemberKind,
  type MemberStatus,
  type SyncEntry,
} from "./messages.ts";

export type GossipDecodeError =
  | { code: "gossip.not-an-object" }
  | { code: "gossip.unknown-type"; type: string }
  | { code: "gossip.bad-field"; type: string; field: string };

type Obj = Record<string, unknown>;

class FieldError {
  constructor(readonly field: string) {}
}

/** Longest id, address or cluster name accepted; keeps one message's worth of ids bounded. */
const NAME_LENGTH_MAX = 255;
/** More items than could ever fit a datagram means the value is not ours. */
const ITEMS_MAX = GOSSIP_MESSAGE_BYTES_MAX;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function str(o: Obj, field: string): string {
  const v = o[field];
  if (typeof v !== "string" || v.length > NAME_LENGTH_MAX) throw new FieldError(field);
  return v;
}

function nat(o: Obj, field: string): number {
  const v = o[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new FieldError(field);
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) throw new FieldError(field);
  return v as T;
}

function list(o: Obj, field: string): unknown[] {
  const v = o[field];
  if (!Array.isArray(v) || v.length > ITEMS_MAX) throw new FieldError(field);
  return v;
}

function bytes(o: Obj, field: string): Uint8Array {
  const v = o[field];
  if (!(v instanceof Uint8Array) || v.length > GOSSIP_CHUNK_BYTES_MAX) throw new FieldError(field);
  return v;
}

function decodeUpdate(v: unknown): GossipUpdate {
  if (!isObj(v)) throw new FieldError("updates");
  switch (v.t) {
    case "alive":
      return {
        t: "alive",
        id: str(v, "id"),
        inc: nat(v, "inc"),
        addr: str(v, "addr"),
        kind: oneOf<MemberKind>(v.kind, MEMBER_KINDS, "kind"),
        cluster: str(v, "cluster"),
      };
    case "suspect":
    case "dead":
      return { t: v.t, id: str(v, "id"), inc: nat(v, "inc"), by: str(v, "by") };
    case "rec": {
      const cnt = nat(v, "cnt");
      const idx = nat(v, "idx");
      if (cnt < 1 || idx >= cnt) throw new FieldError("idx");
      const ver = nat(v, "ver");
      if (ver < 1) throw new FieldError("ver");
      return { t: "rec", id: str(v, "id"), ver, idx, cnt, ageMs: nat(v, "ageMs"), data: bytes(v, "data") };
    }
    default:
      throw new FieldError("updates");
  }
}

function decodeEntry(v: unknown): SyncEntry {
  if (!Array.isArray(v) || v.length !== 7) throw new FieldError("entries");
  const o: Obj = { id: v[0], inc: v[1], addr: v[3], cluster: v[5], ver: v[6] };
  return [
    str(o, "id"),
    nat(o, "inc"),
    oneOf<MemberStatus>(v[2], MEMBER_STATUSES, "entries"),
    str(o, "addr"),
    oneOf<MemberKind>(v[4], MEMBER_KINDS, "entries"),
    str(o, "cluster"),
    nat(o, "ver"),
  ];
}

function decodeBody(type: string, v: Obj): GossipMessage | null {
  switch (type) {
    case "ping":
      return {
        type,
        seq: nat(v, "seq"),
        target: str(v, "target"),
        updates: list(v, "updates").map(decodeUpdate),
      };
    case "ack":
      return { type, seq: nat(v, "seq"), updates: list(v, "updates").map(decodeUpdate) };
    case "ping-req":
      return {
        type,
        seq: nat(v, "seq"),
        target: str(v, "target"),
        updates: list(v, "updates").map(decodeUpdate),
      };
    case "nack":
      return { type, seq: nat(v, "seq") };
    case "gossip":
      return { type, updates: list(v, "updates").map(decodeUpdate) };
    case "sync":
      if (typeof v.wantReply !== "boolean") throw new FieldError("wantReply");
      return { type, wantReply: v.wantReply, entries: list(v, "entries").map(decodeEntry) };
    case "rec-req":
      return {
        type,
        ids: list(v, "ids").map((id) => {
          if (typeof id !== "string" || id.length > NAME_LENGTH_MAX) throw new FieldError("ids");
          return id;
        }),
      };
    default:
      return null;
  }
}

export function decodeGossipMessage(value: unknown): Result<GossipMessage, GossipDecodeError> {
  if (!isObj(value)) return err({ code: "gossip.not-an-object" });
  const type = value.type;
  if (typeof type !== "string") return err({ code: "gossip.unknown-type", type: String(type).slice(0, 40) });
  try {
    const msg = decodeBody(type, value);
    if (msg === null) return err({ code: "gossip.unknown-type", type: type.slice(0, 40) });
    return ok(msg);
  } catch (e) {
    if (e instanceof FieldError) return err({ code: "gossip.bad-field", type, field: e.field });
    throw e;
  }
}
