// Authentication of the agent's local API: only holders of the cluster key may propose. Every
// request carries `X-Keel-Auth: v1 t=<wall ms> n=<nonce hex> s=<hmac hex>`, the HMAC-SHA256 over
// "METHOD|path|t|n|" + body with a key derived from a keyring key (HKDF, info "keel-api-v1", so
// the datagram key itself never signs anything else). The agent accepts a timestamp within
// ±API_AUTH_SKEW_MS of its wall clock and each nonce once.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { API_AUTH_SKEW_MS, API_NONCE_CACHE_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Keyring } from "../net/keyring.ts";

export const API_AUTH_HEADER = "x-keel-auth";
const HKDF_INFO = "keel-api-v1";
const NONCE_BYTES = 16;
const HEADER_RE = /^v1 t=(\d{1,16}) n=([0-9a-f]{32}) s=([0-9a-f]{64})$/;

export type ApiAuthReason = "missing" | "malformed" | "stale" | "bad-signature" | "replayed" | "busy";

export type ApiAuthError = { code: "api.unauthorized"; reason: ApiAuthReason; detail: string };

export interface SignableRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  body: Uint8Array;
}

export function deriveApiKey(keyringKey: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", keyringKey, new Uint8Array(0), HKDF_INFO, 32));
}

function mac(key: Uint8Array, req: SignableRequest, timestampMs: number, nonceHex: string): Buffer {
  return createHmac("sha256", key)
    .update(`${req.method.toUpperCase()}|${req.path}|${timestampMs}|${nonceHex}|`)
    .update(req.body)
    .digest();
}

/** The X-Keel-Auth header value for one request. */
export function signRequest(
  key: Uint8Array,
  req: SignableRequest,
  wallMs: number,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): string {
  const t = Math.floor(wallMs);
  const n = Buffer.from(nonce).toString("hex");
  return `v1 t=${t} n=${n} s=${mac(key, req, t, n).toString("hex")}`;
}

function refuse(reason: ApiAuthReason, detail: string): Result<never, ApiAuthError> {
  return err({ code: "api.unauthorized", reason, detail });
}

export class ApiAuthVerifier {
  private readonly keys: readonly Uint8Array[];
  /** nonce → wall ms after which it can no longer pass the timestamp check anyway. */
  private readonly nonces = new Map<string, number>();
  private prunedAtWallMs = Number.NEGATIVE_INFINITY;

  /** Accepts a signature by any installed key, so a key rotation never locks the CLI out. */
  constructor(keyring: Keyring) {
    this.keys = keyring.keyIds.flatMap((id) => {
      const k = keyring.keyFor(id);
      return k ? [deriveApiKey(k)] : [];
    });
  }

  verify(req: SignableRequest, header: string | null, wallMs: number): Result<void, ApiAuthError> {
    if (header === null || header === "") return refuse("missing", `no ${API_AUTH_HEADER} header`);
    const m = HEADER_RE.exec(header.trim());
    if (m === null) return refuse("malformed", `${API_AUTH_HEADER} is not "v1 t=<ms> n=<hex> s=<hex>"`);
    const t = Number(m[1]);
    const n = m[2] as string;
    const skewMs = t - wallMs;
    if (Math.abs(skewMs) > API_AUTH_SKEW_MS)
      return refuse(
        "stale",
        `timestamp is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs < 0 ? "old" : "ahead"} (limit ±${API_AUTH_SKEW_MS / 1000} s)`,
      );
    const given = Buffer.from(m[3] as string, "hex");
    if (!this.keys.some((k) => timingSafeEqual(mac(k, req, t, n), given)))
      return refuse("bad-signature", "signature does not match any installed key");
    this.forgetOld(wallMs);
    if (this.nonces.has(n)) return refuse("replayed", "nonce was already used");
    if (this.nonces.size >= API_NONCE_CACHE_MAX)
      return refuse("busy", "too many recent requests to remember; retry in a minute");
    this.nonces.set(n, t + API_AUTH_SKEW_MS);
    return ok(undefined);
  }

  /** At most once a second (or when full): a sweep walks every remembered nonce. */
  private forgetOld(wallMs: number): void {
    if (wallMs - this.prunedAtWallMs < 1_000 && this.nonces.size < API_NONCE_CACHE_MAX) return;
    this.prunedAtWallMs = wallMs;
    for (const [n, untilMs] of this.nonces) if (untilMs < wallMs) this.nonces.delete(n);
  }
}
