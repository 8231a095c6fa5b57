import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  createKeyring,
  decodeKey,
  describeKeyring,
  generateKey,
  installKey,
  keyIdOf,
  removeKey,
  useKey,
} from "../../../src/net/keyring.ts";
import { collidingKeys, keyringOf, keyWithFreshId, testKey } from "./keys.fixture.ts";

const A = testKey("a");
const B = keyWithFreshId(A);
const bytes = (k: string) => new Uint8Array(Buffer.from(k, "base64"));

describe("keyring", () => {
  test("the key id is the first byte of the key's SHA-256", () => {
    const key = bytes(A);
    expect(keyIdOf(key)).toBe(createHash("sha256").update(key).digest()[0] as number);
  });

  test("seals with the primary and opens with any installed key", () => {
    const ring = keyringOf({ primary: A, keys: [A, B] });
    expect(ring.primaryKeyId).toBe(keyIdOf(bytes(A)));
    expect(ring.primaryKey).toEqual(bytes(A));
    expect(ring.keyFor(keyIdOf(bytes(B)))).toEqual(bytes(B));
    expect([...ring.keyIds].sort()).toEqual([keyIdOf(bytes(A)), keyIdOf(bytes(B))].sort());
  });

  test("the primary is installed even when keys does not list it", () => {
    const ring = keyringOf({ primary: A, keys: [] });
    expect(ring.keyFor(keyIdOf(bytes(A)))).toEqual(bytes(A));
  });

  test.each([
    ["not base64", "not*base64!!", "not-base64", 0],
    ["31 bytes", Buffer.alloc(31, 1).toString("base64"), "wrong-length", 31],
    ["33 bytes", Buffer.alloc(33, 1).toString("base64"), "wrong-length", 33],
    ["empty", "", "wrong-length", 0],
  ])("a bad key (%s) is refused by position", (_, key, reason, lengthBytes) => {
    const r = createKeyring({ primary: A, keys: [A, key] });
    expect(r as unknown).toEqual({
      ok: false,
      error: { code: "net.keyring-bad-key", which: "keys[1]", reason, lengthBytes },
    });
  });

  test("exactly 32 bytes is accepted", () => {
    expect(decodeKey(Buffer.alloc(32, 7).toString("base64"), "x").ok).toBe(true);
    expect(decodeKey(generateKey(), "x").ok).toBe(true);
  });

  test("two installed keys with one id are refused at creation", () => {
    const [k1, k2] = collidingKeys();
    const r = createKeyring({ primary: k1, keys: [k1, k2] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({ code: "net.keyring-key-id-collision", which: ["primary", "keys[1]"] });
    expect(installKey({ primary: k1, keys: [k1] }, k2).ok).toBe(false);
  });

  test("errors never carry key material", () => {
    const [k1, k2] = collidingKeys();
    const errors = [
      createKeyring({ primary: k1, keys: [k2] }),
      removeKey({ primary: k1, keys: [k1] }, k1),
      useKey({ primary: k1, keys: [k1] }, B),
    ];
    for (const e of errors) {
      expect(e.ok).toBe(false);
      const text = JSON.stringify(e);
      for (const k of [k1, k2, B]) expect(text).not.toContain(k);
    }
  });

  test("rotation: install, use, remove", () => {
    const start = { primary: A, keys: [A] };
    const installed = installKey(start, B);
    expect(installed).toEqual({ ok: true, value: { primary: A, keys: [A, B] } });
    if (!installed.ok) return;
    expect(installKey(installed.value, B)).toEqual(installed); // idempotent
    const used = useKey(installed.value, B);
    expect(used).toEqual({ ok: true, value: { primary: B, keys: [A, B] } });
    if (!used.ok) return;
    const removed = removeKey(used.value, A);
    expect(removed).toEqual({ ok: true, value: { primary: B, keys: [B] } });
    expect(start).toEqual({ primary: A, keys: [A] }); // inputs untouched
  });

  test("using a key that is not installed, or removing the primary, is refused", () => {
    const cfg = { primary: A, keys: [A] };
    const idB = `0x${keyIdOf(bytes(B)).toString(16).padStart(2, "0")}`;
    expect(useKey(cfg, B)).toEqual({
      ok: false,
      error: { code: "net.keyring-key-not-installed", keyIdHex: idB },
    });
    expect(removeKey(cfg, B)).toEqual({
      ok: false,
      error: { code: "net.keyring-key-not-installed", keyIdHex: idB },
    });
    const r = removeKey(cfg, A);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("net.keyring-remove-primary");
  });

  test("switching primary keeps an unlisted old primary installed", () => {
    const r = useKey({ primary: A, keys: [B] }, B);
    expect(r).toEqual({ ok: true, value: { primary: B, keys: [A, B] } });
  });

  test("describeKeyring lists ids and fingerprints, not keys", () => {
    const r = describeKeyring({ primary: B, keys: [A, B] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((d) => d.primary)).toEqual([true, false]);
    expect(r.value[0]?.fingerprint).toHaveLength(16);
    expect(JSON.stringify(r.value)).not.toContain(A);
  });
});
