// Deterministic test keys (never use fixed keys outside tests).
import { createHash } from "node:crypto";
import { createKeyring, type Keyring, type KeyringConfig, keyIdOf } from "../../../src/net/keyring.ts";

export function testKey(label: string): string {
  return createHash("sha256").update(`keel-test-key:${label}`).digest("base64");
}

export function keyringOf(cfg: KeyringConfig): Keyring {
  const r = createKeyring(cfg);
  if (!r.ok) throw new Error(`test keyring invalid: ${r.error.code}`);
  return r.value;
}

/** Two different keys whose ids collide, plus their shared id. */
export function collidingKeys(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const k = testKey(`collide-${i}`);
    const id = keyIdOf(Buffer.from(k, "base64"));
    const prior = seen.get(id);
    if (prior) return [prior, k];
    seen.set(id, k);
  }
}

/** A key whose id differs from every given key's. */
export function keyWithFreshId(...others: string[]): string {
  const ids = new Set(others.map((k) => keyIdOf(Buffer.from(k, "base64"))));
  for (let i = 0; ; i++) {
    const k = testKey(`fresh-${i}`);
    if (!ids.has(keyIdOf(Buffer.from(k, "base64")))) return k;
  }
}
