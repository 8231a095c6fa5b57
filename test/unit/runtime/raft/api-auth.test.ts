import { describe, expect, test } from "bun:test";
import { API_AUTH_SKEW_MS, API_NONCE_CACHE_MAX } from "../../../../src/lib/limits.ts";
import { createKeyring } from "../../../../src/net/keyring.ts";
import { ApiAuthVerifier, deriveApiKey, signRequest } from "../../../../src/runtime/api-auth.ts";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const KEY_C = Buffer.alloc(32, 3).toString("base64");

function keyring(primary: string, keys: string[] = [primary]) {
  const k = createKeyring({ primary, keys });
  if (!k.ok) throw new Error(k.error.code);
  return k.value;
}

const ring = keyring(KEY_A, [KEY_A, KEY_B]);
const keyA = deriveApiKey(ring.primaryKey);
const body = new TextEncoder().encode(JSON.stringify({ type: "resume", by: "ops" }));
const req = { method: "POST", path: "/api/propose", body };
const NOW = 1_764_000_000_000;
let nonceSeq = 0;
const nonce = () => {
  const n = new Uint8Array(16);
  new DataView(n.buffer).setUint32(0, ++nonceSeq);
  return n;
};

describe("API request authentication", () => {
  test("a correctly signed request passes", () => {
    const v = new ApiAuthVerifier(ring);
    expect(v.verify(req, signRequest(keyA, req, NOW, nonce()), NOW).ok).toBe(true);
  });

  test("a signature by any installed key passes (rotation), one by an unknown key does not", () => {
    const v = new ApiAuthVerifier(ring);
    const keyB = deriveApiKey(keyring(KEY_B).primaryKey);
    expect(v.verify(req, signRequest(keyB, req, NOW, nonce()), NOW).ok).toBe(true);
    const keyC = deriveApiKey(keyring(KEY_C).primaryKey);
    const r = v.verify(req, signRequest(keyC, req, NOW, nonce()), NOW);
    expect(r.ok ? null : r.error.reason).toBe("bad-signature");
  });

  test("the raw keyring key is not the API key (HKDF separates them)", () => {
    const v = new ApiAuthVerifier(ring);
    const r = v.verify(req, signRequest(ring.primaryKey, req, NOW, nonce()), NOW);
    expect(r.ok ? null : r.error.reason).toBe("bad-signature");
  });

  test("a stale or future timestamp is refused; the edge of the window passes", () => {
    const v = new ApiAuthVerifier(ring);
    const old = v.verify(req, signRequest(keyA, req, NOW - API_AUTH_SKEW_MS - 1, nonce()), NOW);
    expect(old.ok ? null : old.error).toMatchObject({ code: "api.unauthorized", reason: "stale" });
    const ahead = v.verify(req, signRequest(keyA, req, NOW + API_AUTH_SKEW_MS + 1, nonce()), NOW);
    expect(ahead.ok ? null : ahead.error.reason).toBe("stale");
    expect(v.verify(req, signRequest(keyA, req, NOW - API_AUTH_SKEW_MS, nonce()), NOW).ok).toBe(true);
  });

  test("a replayed nonce is refused", () => {
    const v = new ApiAuthVerifier(ring);
    const header = signRequest(keyA, req, NOW, nonce());
    expect(v.verify(req, header, NOW).ok).toBe(true);
    const again = v.verify(req, header, NOW + 1_000);
    expect(again.ok ? null : again.error.reason).toBe("replayed");
  });

  test("a tampered body, path or method is refused", () => {
    const v = new ApiAuthVerifier(ring);
    const header = signRequest(keyA, req, NOW, nonce());
    const tampered = new TextEncoder().encode(JSON.stringify({ type: "resume", by: "eve" }));
    for (const other of [
      { ...req, body: tampered },
      { ...req, path: "/api/raft" },
      { ...req, method: "GET" },
    ]) {
      const r = v.verify(other, header, NOW);
      expect(r.ok ? null : r.error.reason).toBe("bad-signature");
    }
    // The failed attempts did not burn the nonce: the genuine request still passes.
    expect(v.verify(req, header, NOW).ok).toBe(true);
  });

  test("a missing or malformed header is refused with its reason", () => {
    const v = new ApiAuthVerifier(ring);
    const missing = v.verify(req, null, NOW);
    expect(missing.ok ? null : missing.error.reason).toBe("missing");
    const bad = v.verify(req, "Bearer xyz", NOW);
    expect(bad.ok ? null : bad.error.reason).toBe("malformed");
  });

  test("nonces are forgotten once their timestamp can no longer pass; a full cache refuses", () => {
    const v = new ApiAuthVerifier(ring);
    let accepted = 0;
    for (let i = 0; i < API_NONCE_CACHE_MAX; i++)
      if (v.verify(req, signRequest(keyA, req, NOW, nonce()), NOW).ok) accepted++;
    expect(accepted).toBe(API_NONCE_CACHE_MAX);
    const full = v.verify(req, signRequest(keyA, req, NOW, nonce()), NOW);
    expect(full.ok ? null : full.error.reason).toBe("busy");
    const later = NOW + 2 * API_AUTH_SKEW_MS + 1;
    expect(v.verify(req, signRequest(keyA, req, later, nonce()), later).ok).toBe(true);
  });
});
