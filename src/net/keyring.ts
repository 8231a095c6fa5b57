// The shared AES-256 keys agents authenticate each other with. Seal with the primary, open with
// any installed key, so a rotation is: install the new key everywhere, make it primary
// everywhere, then remove the old one. Key ids are derived from the key itself (first byte of
// its SHA-256) so every agent agrees on them without coordination.
import { createHash, randomBytes } from "node:crypto";
import { err, ok, type Result } from "../lib/result.ts";
import type { KeyringError } from "./net-error.ts";

export const KEY_BYTES = 32;

/** The keyring as it sits in the config file: base64 keys; `keys` lists every installed key
 *  (the primary is installed even if a hand-written file forgets to list it). */
export interface KeyringConfig {
  readonly primary: string;
  readonly keys: readonly string[];
}

export interface Keyring {
  readonly primaryKeyId: number;
  readonly primaryKey: Uint8Array;
  /** Undefined when no installed key has that id. */
  keyFor(keyId: number): Uint8Array | undefined;
  readonly keyIds: readonly number[];
}

export interface KeyDescription {
  keyIdHex: string;
  /** SHA-256 prefix: identifies a key in listings without revealing it. */
  fingerprint: string;
  primary: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function keyIdOf(key: Uint8Array): number {
  return createHash("sha256").update(key).digest()[0] as number;
}

export function keyIdHex(keyId: number): string {
  return `0x${keyId.toString(16).padStart(2, "0")}`;
}

/** A fresh random key, base64, for `keel keyring generate`. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

export function decodeKey(base64: string, which: string): Result<Uint8Array, KeyringError> {
  const text = base64.trim();
  if (!BASE64.test(text) || text.length % 4 !== 0)
    return err({ code: "net.keyring-bad-key", which, reason: "not-base64", lengthBytes: 0 });
  const bytes = new Uint8Array(Buffer.from(text, "base64"));
  if (bytes.length !== KEY_BYTES)
    return err({ code: "net.keyring-bad-key", which, reason: "wrong-length", lengthBytes: bytes.length });
  return ok(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Decoded {
  which: string;
  key: Uint8Array;
}

function decodeAll(cfg: KeyringConfig): Result<{ primary: Uint8Array; installed: Decoded[] }, KeyringError> {
  const primary = decodeKey(cfg.primary, "primary");
  if (!primary.ok) return primary;
  const installed: Decoded[] = [{ which: "primary", key: primary.value }];
  for (const [i, text] of cfg.keys.entries()) {
    const key = decodeKey(text, `keys[${i}]`);
    if (!key.ok) return key;
    if (!installed.some((d) => sameBytes(d.key, key.value)))
      installed.push({ which: `keys[${i}]`, key: key.value });
  }
  return ok({ primary: primary.value, installed });
}

/** Validates every key and refuses two distinct keys that share an id (1 in 256 per pair):
 *  the receiver could not tell which key to try. */
export function createKeyring(cfg: KeyringConfig): Result<Keyring, KeyringError> {
  const decoded = decodeAll(cfg);
  if (!decoded.ok) return decoded;
  const byId = new Map<number, Decoded>();
  for (const d of decoded.value.installed) {
    const id = keyIdOf(d.key);
    const clash = byId.get(id);
    if (clash)
      return err({
        code: "net.keyring-key-id-collision",
        keyIdHex: keyIdHex(id),
        which: [clash.which, d.which],
      });
    byId.set(id, d);
  }
  const primaryKeyId = keyIdOf(decoded.value.primary);
  return ok(
    Object.freeze({
      primaryKeyId,
      primaryKey: decoded.value.primary,
      keyFor: (keyId: number) => byId.get(keyId)?.key,
      keyIds: Object.freeze([...byId.keys()]),
    }),
  );
}

function indexOfKey(cfg: KeyringConfig, key: Uint8Array): number {
  return cfg.keys.findIndex((text) => {
    const d = decodeKey(text, "");
    return d.ok && sameBytes(d.value, key);
  });
}

/** Adds a key (idempotent). The result is validated as a whole, so an id collision is refused. */
export function installKey(cfg: KeyringConfig, keyBase64: string): Result<KeyringConfig, KeyringError> {
  const key = decodeKey(keyBase64, "new key");
  if (!key.ok) return key;
  const next: KeyringConfig = Object.freeze({
    primary: cfg.primary,
    keys: Object.freeze(indexOfKey(cfg, key.value) >= 0 ? [...cfg.keys] : [...cfg.keys, keyBase64.trim()]),
  });
  const check = createKeyring(next);
  return check.ok ? ok(next) : check;
}

/** Makes an installed key the one outgoing datagrams are sealed with. */
export function useKey(cfg: KeyringConfig, keyBase64: string): Result<KeyringConfig, KeyringError> {
  const key = decodeKey(keyBase64, "key");
  if (!key.ok) return key;
  const primary = decodeKey(cfg.primary, "primary");
  const isPrimary = primary.ok && sameBytes(primary.value, key.value);
  if (!isPrimary && indexOfKey(cfg, key.value) < 0)
    return err({ code: "net.keyring-key-not-installed", keyIdHex: keyIdHex(keyIdOf(key.value)) });
  const keys = primary.ok && indexOfKey(cfg, primary.value) < 0 ? [cfg.primary, ...cfg.keys] : [...cfg.keys];
  return ok(Object.freeze({ primary: keyBase64.trim(), keys: Object.freeze(keys) }));
}

/** Uninstalls a key; the primary can't be removed (make another key primary first). */
export function removeKey(cfg: KeyringConfig, keyBase64: string): Result<KeyringConfig, KeyringError> {
  const key = decodeKey(keyBase64, "key");
  if (!key.ok) return key;
  const id = keyIdHex(keyIdOf(key.value));
  const primary = decodeKey(cfg.primary, "primary");
  if (primary.ok && sameBytes(primary.value, key.value))
    return err({ code: "net.keyring-remove-primary", keyIdHex: id });
  const index = indexOfKey(cfg, key.value);
  if (index < 0) return err({ code: "net.keyring-key-not-installed", keyIdHex: id });
  const keys = cfg.keys.filter((_, i) => i !== index);
  return ok(Object.freeze({ primary: cfg.primary, keys: Object.freeze(keys) }));
}

/** What `keel keyring list` shows: ids and fingerprints, never the keys. */
export function describeKeyring(cfg: KeyringConfig): Result<KeyDescription[], KeyringError> {
  const decoded = decodeAll(cfg);
  if (!decoded.ok) return decoded;
  return ok(
    decoded.value.installed.map((d) => ({
      keyIdHex: keyIdHex(keyIdOf(d.key)),
      fingerprint: createHash("sha256").update(d.key).digest("hex").slice(0, 16),
      primary: d.which === "primary",
    })),
  );
}
