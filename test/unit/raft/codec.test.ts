import { describe, expect, test } from "bun:test";
import { pack, unpack } from "msgpackr";
import {
  RAFT_APPEND_ENTRIES_MAX,
  RAFT_ENTRY_DATA_BYTES_MAX,
  RAFT_MESSAGE_BYTES_MAX,
  RAFT_NODE_ID_BYTES_MAX,
} from "../../../src/lib/limits.ts";
import { seededRng } from "../../../src/lib/rng.ts";
import { decodeRaftMessage, encodeRaftMessage } from "../../../src/raft/codec.ts";
import type { RaftMessage } from "../../../src/raft/messages.ts";
import { Harness } from "./harness.ts";

const wire = (m: RaftMessage) => pack(encodeRaftMessage(m));
const roundTrip = (m: RaftMessage) => decodeRaftMessage(unpack(wire(m)));

const samples: RaftMessage[] = [
  { type: "vote", from: "a", to: "b", term: 3, preVote: true, lastIndex: 9, lastTerm: 2 },
  { type: "vote-response", from: "b", to: "a", term: 3, preVote: false, granted: true },
  {
    type: "append",
    from: "a",
    to: "b",
    term: 3,
    prevIndex: 4,
    prevTerm: 2,
    commit: 4,
    entries: [{ index: 5, term: 3, data: new Uint8Array([1, 2, 3]) }],
  },
  {
    type: "append-response",
    from: "b",
    to: "a",
    term: 3,
    success: false,
    index: 4,
    hintIndex: 2,
    hintTerm: 1,
  },
  { type: "heartbeat", from: "a", to: "b", term: 3, commit: 7, leaderCommit: 9 },
  { type: "heartbeat-response", from: "b", to: "a", term: 3 },
  {
    type: "snapshot",
    from: "a",
    to: "b",
    term: 3,
    index: 40,
    snapshotTerm: 2,
    offset: 0,
    totalBytes: 4,
    chunk: new Uint8Array([9, 9, 9, 9]),
  },
  { type: "snapshot-response", from: "b", to: "a", term: 3, index: 40, receivedBytes: 4 },
];

describe("codec", () => {
  test.each(samples.map((m) => [m.type, m] as const))("%s survives msgpack round trip", (_t, m) => {
    const r = roundTrip(m);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(m);
  });

  test.each([
    ["not a map", 42, ""],
    ["unknown type", { type: "nope", from: "a", to: "b", term: 1 }, "type"],
    ["negative term", { type: "heartbeat", from: "a", to: "b", term: -1, commit: 0 }, "term"],
    ["fractional index", { type: "heartbeat", from: "a", to: "b", term: 1, commit: 1.5 }, "commit"],
    [
      "negative leader commit",
      { type: "heartbeat", from: "a", to: "b", term: 1, commit: 0, leaderCommit: -1 },
      "leaderCommit",
    ],
    ["missing sender", { type: "heartbeat-response", to: "b", term: 1 }, "from"],
    [
      "overlong id",
      { type: "heartbeat-response", from: "x".repeat(RAFT_NODE_ID_BYTES_MAX + 1), to: "b", term: 1 },
      "from",
    ],
    [
      "entries not a list",
      { type: "append", from: "a", to: "b", term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: {} },
      "entries",
    ],
    [
      "entry data not bytes",
      {
        type: "append",
        from: "a",
        to: "b",
        term: 1,
        prevIndex: 0,
        prevTerm: 0,
        commit: 0,
        entries: [{ index: 1, term: 1, data: "x" }],
      },
      "data",
    ],
    [
      "too many entries",
      {
        type: "append",
        from: "a",
        to: "b",
        term: 1,
        prevIndex: 0,
        prevTerm: 0,
        commit: 0,
        entries: Array.from({ length: RAFT_APPEND_ENTRIES_MAX + 1 }, (_, i) => ({
          index: i + 1,
          term: 1,
          data: new Uint8Array(0),
        })),
      },
      "entries",
    ],
    [
      "vote without preVote flag",
      { type: "vote", from: "a", to: "b", term: 1, lastIndex: 0, lastTerm: 0 },
      "preVote",
    ],
  ])("rejects %s with a typed error naming the field", (_name, raw, field) => {
    const r = decodeRaftMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("raft.message-malformed");
      expect(r.error.field).toBe(field);
    }
  });

  test("a heartbeat from an agent that sends no leaderCommit reads as its capped commit", () => {
    const r = decodeRaftMessage({ type: "heartbeat", from: "a", to: "b", term: 1, commit: 4 });
    expect(r).toEqual({
      ok: true,
      value: { type: "heartbeat", from: "a", to: "b", term: 1, commit: 4, leaderCommit: 4 },
    });
  });
});

describe("datagram budget", () => {
  test("every message a busy leader sends fits RAFT_MESSAGE_BYTES_MAX, even with the longest ids", () => {
    const long = (c: string) => c.repeat(RAFT_NODE_ID_BYTES_MAX);
    const h = new Harness([long("a"), long("b"), long("c")]);
    const rng = seededRng(9);
    h.node(long("a")).campaign(0);
    h.stabilize();
    let largest = 0;
    let appendsWithSeveral = 0;
    const check = (m: RaftMessage) => {
      const size = wire(m).length;
      largest = Math.max(largest, size);
      if (m.type === "append" && m.entries.length > 1) appendsWithSeveral++;
    };
    h.onSend = check;
    h.crash(long("c"));
    for (let i = 0; i < 200; i++) {
      const size = rng.chance(0.2) ? RAFT_ENTRY_DATA_BYTES_MAX : rng.int(300);
      expect(h.node(long("a")).propose(new Uint8Array(size).fill(0xff)).ok).toBe(true);
      h.stabilize();
    }
    const snap = h.node(long("a")).compact(150, new Uint8Array(20_000).fill(0xee));
    expect(snap.ok).toBe(true);
    h.start(long("c"));
    h.advance(2_000);
    expect(h.node(long("c")).status().commit).toBe(201);
    expect(appendsWithSeveral).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(RAFT_MESSAGE_BYTES_MAX);
    expect(largest).toBeGreaterThan(RAFT_MESSAGE_BYTES_MAX - 200);
  });
});
