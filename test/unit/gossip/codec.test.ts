import { describe, expect, test } from "bun:test";
import { pack, unpack } from "msgpackr";
import { decodeGossipMessage } from "../../../src/gossip/codec.ts";
import type { GossipMessage } from "../../../src/gossip/messages.ts";
import { msgpackSize } from "../../../src/gossip/wire-size.ts";

const alive = { t: "alive", id: "n1", inc: 3, addr: "10.0.0.1:7946", kind: "agent", cluster: "c1" } as const;
const rec = {
  t: "rec",
  id: "n2",
  ver: 7,
  idx: 1,
  cnt: 2,
  ageMs: 40,
  data: new Uint8Array([1, 2, 3]),
} as const;

const samples: GossipMessage[] = [
  { type: "ping", seq: 1, target: "n2", updates: [alive, { t: "suspect", id: "n3", inc: 1, by: "n1" }] },
  { type: "ack", seq: 99, updates: [rec, { t: "dead", id: "n4", inc: 0, by: "n4" }] },
  { type: "ping-req", seq: 5, target: "n3", updates: [] },
  { type: "nack", seq: 5 },
  { type: "gossip", updates: [rec] },
  { type: "sync", wantReply: true, entries: [["n1", 2, "suspect", "h:1", "observer", "c9", 4]] },
  { type: "rec-req", ids: ["n1", "n2"] },
];

function roundTrip(v: unknown): unknown {
  return unpack(pack(v));
}

describe("decodeGossipMessage", () => {
  for (const msg of samples) {
    test(`round-trips a ${msg.type}`, () => {
      const r = decodeGossipMessage(roundTrip(msg));
      expect(r).toEqual({ ok: true, value: msg });
    });
  }

  const garbage: [string, unknown, object][] = [
    ["a number", 42, { code: "gossip.not-an-object" }],
    ["null", null, { code: "gossip.not-an-object" }],
    ["an array", [1, 2], { code: "gossip.not-an-object" }],
    ["bytes", new Uint8Array(3), { code: "gossip.not-an-object" }],
    ["no type", { seq: 1 }, { code: "gossip.unknown-type", type: "undefined" }],
    ["an unknown type", { type: "hello" }, { code: "gossip.unknown-type", type: "hello" }],
    ["a negative seq", { type: "nack", seq: -1 }, { code: "gossip.bad-field", type: "nack", field: "seq" }],
    [
      "a fractional seq",
      { type: "nack", seq: 1.5 },
      { code: "gossip.bad-field", type: "nack", field: "seq" },
    ],
    [
      "updates not a list",
      { type: "gossip", updates: {} },
      { code: "gossip.bad-field", type: "gossip", field: "updates" },
    ],
    [
      "an unknown update",
      { type: "gossip", updates: [{ t: "boom" }] },
      { code: "gossip.bad-field", type: "gossip", field: "updates" },
    ],
    [
      "a bad member kind",
      { type: "gossip", updates: [{ ...alive, kind: "king" }] },
      { code: "gossip.bad-field", type: "gossip", field: "kind" },
    ],
    [
      "a chunk index past its count",
      { type: "gossip", updates: [{ ...rec, idx: 2 }] },
      { code: "gossip.bad-field", type: "gossip", field: "idx" },
    ],
    [
      "record version 0",
      { type: "gossip", updates: [{ ...rec, ver: 0 }] },
      { code: "gossip.bad-field", type: "gossip", field: "ver" },
    ],
    [
      "record data as a string",
      { type: "gossip", updates: [{ ...rec, data: "xyz" }] },
      { code: "gossip.bad-field", type: "gossip", field: "data" },
    ],
    [
      "an oversized chunk",
      { type: "gossip", updates: [{ ...rec, data: new Uint8Array(5_000) }] },
      { code: "gossip.bad-field", type: "gossip", field: "data" },
    ],
    [
      "a short sync entry",
      { type: "sync", wantReply: false, entries: [["n1", 1, "alive"]] },
      { code: "gossip.bad-field", type: "sync", field: "entries" },
    ],
    [
      "a bad sync status",
      { type: "sync", wantReply: false, entries: [["n1", 1, "zombie", "a", "agent", "c", 0]] },
      { code: "gossip.bad-field", type: "sync", field: "entries" },
    ],
    [
      "wantReply missing",
      { type: "sync", entries: [] },
      { code: "gossip.bad-field", type: "sync", field: "wantReply" },
    ],
    [
      "an overlong id",
      { type: "rec-req", ids: ["x".repeat(300)] },
      { code: "gossip.bad-field", type: "rec-req", field: "ids" },
    ],
    [
      "a ping without target",
      { type: "ping", seq: 1, updates: [] },
      { code: "gossip.bad-field", type: "ping", field: "target" },
    ],
  ];
  for (const [name, value, error] of garbage) {
    test(`rejects ${name} without throwing`, () => {
      expect(decodeGossipMessage(roundTrip(value))).toEqual({ ok: false, error } as never);
    });
  }

  test("survives random junk", () => {
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      return x;
    };
    const pieces: unknown[] = [null, 1, -1, "ping", "gossip", [], {}, new Uint8Array(2), true, 1e20];
    for (let i = 0; i < 2_000; i++) {
      const v = {
        type: pieces[next() % pieces.length],
        seq: pieces[next() % pieces.length],
        updates: [pieces[next() % 10]],
      };
      expect(() => decodeGossipMessage(v)).not.toThrow();
    }
  });
});

describe("msgpackSize", () => {
  const values: unknown[] = [
    ...samples,
    0,
    127,
    128,
    255,
    256,
    65_535,
    65_536,
    2 ** 32,
    -1,
    -32,
    -33,
    -200,
    -40_000,
    "",
    "x".repeat(31),
    "x".repeat(32),
    "x".repeat(300),
    "héllo wörld ✓ 🙂",
    new Uint8Array(255),
    new Uint8Array(256),
    new Uint8Array(70_000),
    Array.from({ length: 16 }, (_, i) => i),
    Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])),
    true,
    null,
  ];
  values.forEach((v, i) => {
    test(`matches msgpackr for sample ${i}`, () => {
      expect(msgpackSize(v)).toBe(pack(v).length);
    });
  });
});
