// Gossip keys: base64 of exactly 32 random bytes (AES-256-GCM). Validated here, generated here.
import { randomBytes } from "node:crypto";
import { CONFIG_KEY_BYTES } from "../lib/limits.ts";
import { describeValue } from "./issues.ts";
import type { Spec } from "./spec.ts";

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded length of a canonical base64 string, or null when it is not base64 at all. */
export function base64ByteLength(text: string): number | null {
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) return null;
  const decoded = Buffer.from(text, "base64");
  // Round-tripping rejects non-canonical padding bits and stray '=' in the middle.
  return decoded.toString("base64") === text ? decoded.length : null;
}

/** A fresh random key, base64. */
export function generateKey(): string {
  return randomBytes(CONFIG_KEY_BYTES).toString("base64");
}

/** The raw bytes of a key that passed validation. */
export function keyBytes(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, "base64"));
}

const KEY_TYPE = `base64 of ${CONFIG_KEY_BYTES} bytes`;
const KEY_FIX =
  "generate a key with 'openssl rand -base64 32' (or run 'keel init' in a scratch dir and copy its key)";

/** A key entry; wrong shape or length is reported as config.bad-key-material, contents never echoed. */
export function keyMaterial(meaning: string): Spec<string> {
  return {
    type: KEY_TYPE,
    presence: { required: true },
    meaning,
    secret: true,
    decode(value, path, issues) {
      if (typeof value !== "string") {
        issues.add({
          code: "config.wrong-type",
          path,
          expected: KEY_TYPE,
          got: describeValue(value, true),
          fix: `set ${path} to a ${KEY_TYPE} string`,
        });
        return undefined;
      }
      const length = base64ByteLength(value.trim());
      if (length === CONFIG_KEY_BYTES) return value.trim();
      issues.add({
        code: "config.bad-key-material",
        path,
        expected: KEY_TYPE,
        got: length === null ? "a string that is not valid base64" : `base64 of ${length} bytes`,
        fix: KEY_FIX,
      });
      return undefined;
    },
  };
}
