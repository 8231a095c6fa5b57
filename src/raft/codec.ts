// Decoded msgpack (unknown) → a typed RaftMessage, or a typed error naming the bad field.
// Never throws: anything can arrive in a datagram once the envelope is authenticated.
import {
  RAFT_APPEND_ENTRIES_MAX,
  RAFT_ENTRY_DATA_BYTES_MAX,
  RAFT_NODE_ID_BYTES_MAX,
  RAFT_SNAPSHOT_BYTES_MAX,
  RAFT_SNAPSHOT_CHUNK_BYTES,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Entry, RaftMessage } from "./messages.ts";

export type RaftCodecError = { code: "raft.message-malformed"; field: string; detail: string };

class Malformed {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {}
}

type Fields = Record<string, unknown>;

function isFields(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function nat(o: Fields, field: string): number {
  const v = o[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new Malformed(field, "must be a non-negative integer");
  return v;
}

function bool(o: Fields, field: string): boolean {
  const v = o[field];
  if (typeof v !== "boolean") throw new Malformed(field, "must be a boolean");
  return v;
}

function id(o: Fields, field: string): string {
  const v = o[field];
  if (typeof v !== "string" || v.length === 0) throw new Malformed(field, "must be a voter id");
  if (new TextEncoder().encode(v).length > RAFT_NODE_ID_BYTES_MAX) throw new Malformed(field, "is too long");
  return v;
}

function bytes(o: Fields, field: string, maxBytes: number): Uint8Array {
  const v = o[field];
  if (!(v instanceof Uint8Array)) throw new Malformed(field, "must be bytes");
  if (v.length > maxBytes) throw new Malformed(field, `is longer than ${maxBytes} bytes`);
  return v;
}

function entries(o: Fields): Entry[] {
  const v = o.entries;
  if (!Array.isArray(v)) throw new Malformed("entries", "must be a list");
  if (v.length > RAFT_APPEND_ENTRIES_MAX) throw new Malformed("entries", "has too many entries");
  return v.map((e: unknown, i: number) => {
    if (!isFields(e)) throw new Malformed(`entries[${i}]`, "must be a map");
    return {
      index: nat(e, "index"),
      term: nat(e, "term"),
      data: bytes(e, "data", RAFT_ENTRY_DATA_BYTES_MAX),
    };
  });
}

function decodeFields(o: Fields): RaftMessage {
  const base = { from: id(o, "from"), to: id(o, "to"), term: nat(o, "term") };
  switch (o.type) {
    case "vote":
      return {
        type: "vote",
        ...base,
        preVote: bool(o, "preVote"),
        lastIndex: nat(o, "lastIndex"),
        lastTerm: nat(o, "lastTerm"),
      };
    case "vote-response":
      return { type: "vote-response", ...base, preVote: bool(o, "preVote"), granted: bool(o, "granted") };
    case "append":
      return {
        type: "append",
        ...base,
        prevIndex: nat(o, "prevIndex"),
        prevTerm: nat(o, "prevTerm"),
        entries: entries(o),
        commit: nat(o, "commit"),
      };
    case "append-response":
      return {
        type: "append-response",
        ...base,
        success: bool(o, "success"),
        index: nat(o, "index"),
        hintIndex: nat(o, "hintIndex"),
        hintTerm: nat(o, "hintTerm"),
      };
    case "heartbeat": {
      const commit = nat(o, "commit");
      // An agent of an earlier version sends no leaderCommit: its capped commit is all there is.
      const leaderCommit = o.leaderCommit === undefined ? commit : nat(o, "leaderCommit");
      return { type: "heartbeat", ...base, commit, leaderCommit };
    }
    case "heartbeat-response":
      return { type: "heartbeat-response", ...base };
    case "snapshot": {
      const totalBytes = nat(o, "totalBytes");
      if (totalBytes > RAFT_SNAPSHOT_BYTES_MAX)
        throw new Malformed("totalBytes", "is above the snapshot limit");
      return {
        type: "snapshot",
        ...base,
        index: nat(o, "index"),
        snapshotTerm: nat(o, "snapshotTerm"),
        offset: nat(o, "offset"),
        totalBytes,
        chunk: bytes(o, "chunk", RAFT_SNAPSHOT_CHUNK_BYTES),
      };
    }
    case "snapshot-response":
      return {
        type: "snapshot-response",
        ...base,
        index: nat(o, "index"),
        receivedBytes: nat(o, "receivedBytes"),
      };
    default:
      throw new Malformed("type", "is not a raft message type");
  }
}

export function decodeRaftMessage(raw: unknown): Result<RaftMessage, RaftCodecError> {
  if (!isFields(raw)) return err({ code: "raft.message-malformed", field: "", detail: "must be a map" });
  try {
    return ok(decodeFields(raw));
  } catch (e) {
    if (e instanceof Malformed)
      return err({ code: "raft.message-malformed", field: e.field, detail: e.detail });
    return err({ code: "raft.message-malformed", field: "", detail: "unreadable" });
  }
}

/** The plain value to msgpack-encode; typed messages already are plain data. */
export function encodeRaftMessage(m: RaftMessage): Fields {
  return { ...m };
}
