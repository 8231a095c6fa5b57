import { describe, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import { pack } from "msgpackr";
import { MAX_DATAGRAM_BYTES } from "../../../src/lib/limits.ts";
import {
  type EnvelopeBody,
  HEADER_BYTES,
  MIN_DATAGRAM_BYTES,
  open,
  seal,
  TAG_BYTES,
} from "../../../src/net/envelope.ts";
import { keyIdOf } from "../../../src/net/keyring.ts";
import { collidingKeys, keyringOf, keyWithFreshId, testKey } from "./keys.fixture.ts";

const A = testKey("a");
const B = keyWithFreshId(A);
const ringA = keyringOf({ primary: A, keys: [A] });
const body: EnvelopeBody = {
  sender: "db1:7946",
  incarnation: 3,
  seq: 41,
  sentAtWallMs: 1_764_000_000_123,
  msg: { type: "ping", probe: 9, tags: ["a", "b"] },
};

function sealed(b: EnvelopeBody = body, ring = ringA): Uint8Array {
  const r = seal(b, ring);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

/** An independent encoder for hand-made plaintexts the real seal() would never produce. */
function sealRaw(plain: Uint8Array, keyB64: string): Uint8Array {
  const key = Buffer.from(keyB64, "base64");
  const header = new Uint8Array([0x4b, 0x45, 0x45, 0x4c, 1, keyIdOf(key), ...new Uint8Array(12).fill(5)]);
  const c = createCipheriv("aes-256-gcm", key, header.subarray(6), { authTagLength: 16 });
  c.setAAD(header);
  return new Uint8Array(Buffer.concat([header, c.update(plain), c.final(), c.getAuthTag()]));
}

function reason(bytes: Uint8Array, ring = ringA): string {
  const r = open(bytes, ring);
  return r.ok ? "ok" : r.error;
}

describe("envelope", () => {
  test("round-trips a body and lays out the header", () => {
    const bytes = sealed();
    expect(open(bytes, ringA)).toEqual({ ok: true, value: body });
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe("KEEL");
    expect(bytes[4]).toBe(1);
    expect(bytes[5]).toBe(ringA.primaryKeyId);
    expect(bytes.length).toBeGreaterThan(MIN_DATAGRAM_BYTES);
  });

  test("each seal uses a fresh nonce", () => {
    const a = sealed();
    const b = sealed();
    expect(a.subarray(6, HEADER_BYTES)).not.toEqual(b.subarray(6, HEADER_BYTES));
    expect(a).not.toEqual(b);
  });

  test("an injected nonce source is used", () => {
    const nonce = new Uint8Array(12).fill(9);
    const r = seal(body, ringA, () => nonce);
    expect(r.ok && r.value.subarray(6, HEADER_BYTES)).toEqual(nonce);
  });

  test("tampering with any single byte is rejected", () => {
    const bytes = sealed();
    const seen = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const t = bytes.slice();
        t[i] = (t[i] as number) ^ flip;
        const r = reason(t);
        expect(r).not.toBe("ok");
        seen.add(r);
        if (i >= HEADER_BYTES || (i >= 6 && i < HEADER_BYTES)) expect(r).toBe("auth-failed");
      }
    }
    expect([...seen].sort()).toEqual(["auth-failed", "bad-magic", "bad-version", "unknown-key"]);
  });

  test("a key id rewritten to another installed key fails authentication", () => {
    const ring = keyringOf({ primary: A, keys: [A, B] });
    const t = sealed(body, ring);
    t[5] = keyIdOf(Buffer.from(B, "base64"));
    expect(reason(t, ring)).toBe("auth-failed");
  });

  test("truncation at every length is rejected", () => {
    const bytes = sealed();
    for (let n = 0; n < bytes.length; n++) {
      expect(reason(bytes.subarray(0, n))).toBe(n < MIN_DATAGRAM_BYTES ? "truncated" : "auth-failed");
    }
  });

  test("a wrong key is rejected: unknown id, or same id but different key", () => {
    expect(reason(sealed(), keyringOf({ primary: B, keys: [B] }))).toBe("unknown-key");
    const [k1, k2] = collidingKeys();
    expect(
      reason(sealed(body, keyringOf({ primary: k1, keys: [] })), keyringOf({ primary: k2, keys: [] })),
    ).toBe("auth-failed");
  });

  test("rotation: the old key opens while installed; the new primary seals", () => {
    const before = sealed(body, ringA);
    const rotated = keyringOf({ primary: B, keys: [A, B] });
    expect(reason(before, rotated)).toBe("ok");
    const after = sealed(body, rotated);
    expect(after[5]).toBe(keyIdOf(Buffer.from(B, "base64")));
    expect(reason(after, keyringOf({ primary: A, keys: [A, B] }))).toBe("ok");
    expect(reason(after, ringA)).toBe("unknown-key");
    expect(reason(before, keyringOf({ primary: B, keys: [B] }))).toBe("unknown-key");
  });

  test("seal accepts exactly MAX_DATAGRAM_BYTES and refuses one more", () => {
    const sizeWith = (n: number) => {
      const r = seal({ ...body, msg: "x".repeat(n) }, ringA);
      return r.ok ? r.value.length : r.error.code === "net.envelope-oversized" ? r.error.sizeBytes : -1;
    };
    let n = 1_000;
    while (sizeWith(n) < MAX_DATAGRAM_BYTES) n++;
    expect(sizeWith(n)).toBe(MAX_DATAGRAM_BYTES);
    const atLimit = seal({ ...body, msg: "x".repeat(n) }, ringA);
    expect(atLimit.ok && atLimit.value.length).toBe(MAX_DATAGRAM_BYTES);
    if (atLimit.ok) expect(reason(atLimit.value)).toBe("ok");
    expect(seal({ ...body, msg: "x".repeat(n + 1) }, ringA)).toEqual({
      ok: false,
      error: {
        code: "net.envelope-oversized",
        sizeBytes: MAX_DATAGRAM_BYTES + 1,
        limitBytes: MAX_DATAGRAM_BYTES,
      },
    });
  });

  test("a sender id of exactly MAX_SENDER_ID_BYTES travels; one byte more is refused by seal", () => {
    const atLimit = "é".repeat(127) + "x"; // 255 UTF-8 bytes
    expect(open(sealed({ ...body, sender: atLimit }), ringA)).toMatchObject({
      ok: true,
      value: { sender: atLimit },
    });
    const over = seal({ ...body, sender: `${atLimit}x` }, ringA);
    expect(over.ok || over.error.code).toBe("net.envelope-unencodable");
  });

  test.each([
    ["empty sender", { sender: "" }],
    ["negative seq", { seq: -1 }],
    ["fractional incarnation", { incarnation: 0.5 }],
    ["infinite send time", { sentAtWallMs: Number.POSITIVE_INFINITY }],
  ])("seal refuses a body open() would reject (%s)", (_, patch) => {
    const r = seal({ ...body, ...patch }, ringA);
    expect(r.ok || r.error.code).toBe("net.envelope-unencodable");
  });

  test("a received datagram over the limit is dropped before any crypto", () => {
    const big = new Uint8Array(MAX_DATAGRAM_BYTES + 1);
    big.set(sealed());
    expect(reason(big)).toBe("oversized");
  });

  test.each([
    ["a map instead of the tuple", pack({ sender: "x", incarnation: 1, seq: 1, sentAtWallMs: 1, msg: 1 })],
    ["four fields", pack(["x", 1, 1, 1])],
    ["six fields", pack(["x", 1, 1, 1, 1, 1])],
    ["empty sender", pack(["", 1, 1, 1, null])],
    ["numeric sender", pack([7, 1, 1, 1, null])],
    ["sender over 255 bytes", pack(["é".repeat(128), 1, 1, 1, null])],
    ["negative incarnation", pack(["x", -1, 1, 1, null])],
    ["fractional seq", pack(["x", 1, 1.5, 1, null])],
    ["seq beyond 2^53", pack(["x", 1, 2 ** 60, 1, null])],
    ["NaN send time", pack(["x", 1, 1, Number.NaN, null])],
    ["trailing garbage", Buffer.concat([pack(["x", 1, 1, 1, null]), Buffer.from([0xc1])])],
    ["not msgpack", Buffer.from([0xc1])],
    ["empty", Buffer.alloc(0)],
  ])("an authenticated body of the wrong shape (%s) is bad-body", (_, plain) => {
    expect(reason(sealRaw(plain, A))).toBe("bad-body");
  });

  test("the independent encoder agrees with open() on a good body", () => {
    const plain = pack([body.sender, body.incarnation, body.seq, body.sentAtWallMs, body.msg]);
    expect(open(sealRaw(plain, A), ringA)).toEqual({ ok: true, value: body });
    expect(sealRaw(plain, A).length).toBe(HEADER_BYTES + plain.length + TAG_BYTES);
  });
});
