// The authenticated datagram every agent sends:
//   "KEEL" | version u8 | key-id u8 | nonce 12 B | AES-256-GCM(msgpack(body)) | tag 16 B
// The 18-byte header is the GCM additional data, so magic, version and key id are
// authenticated too. The envelope never interprets `msg`; each core's codec.ts does.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { pack, unpack } from "msgpackr";
import { MAX_DATAGRAM_BYTES, MAX_SENDER_ID_BYTES } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { DropReason } from "./drop-reason.ts";
import type { Keyring } from "./keyring.ts";
import type { SealError } from "./net-error.ts";

export const ENVELOPE_VERSION = 1;
export const MAGIC = new Uint8Array([0x4b, 0x45, 0x45, 0x4c]); // "KEEL"
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + 2 + NONCE_BYTES;
/** Smallest well-formed datagram: header and tag around an empty ciphertext. */
export const MIN_DATAGRAM_BYTES = HEADER_BYTES + TAG_BYTES;

export interface EnvelopeBody {
  /** Stable agent id of the sender. */
  sender: string;
  /** Bumped on every restart; a higher incarnation resets the receiver's replay window. */
  incarnation: number;
  /** Per-incarnation sequence number, starting anywhere and increasing by one per datagram. */
  seq: number;
  /** Sender's wall clock at sealing, for lag diagnostics only (clocks are not trusted). */
  sentAtWallMs: number;
  msg: unknown;
}

/** Where nonces come from; production uses random bytes (GCM must never reuse a nonce per key). */
export type NonceSource = () => Uint8Array;

export const randomNonce: NonceSource = () => randomBytes(NONCE_BYTES);

const utf8 = new TextEncoder();

function writeHeader(out: Uint8Array, keyId: number, nonce: Uint8Array): void {
  out.set(MAGIC, 0);
  out[4] = ENVELOPE_VERSION;
  out[5] = keyId;
  out.set(nonce, 6);
}

function encodeBody(body: EnvelopeBody): Result<Uint8Array, SealError> {
  const problem = bodyProblem(body.sender, body.incarnation, body.seq, body.sentAtWallMs);
  if (problem) return err({ code: "net.envelope-unencodable", detail: problem });
  try {
    // A fixed-order array, not a map: field names would cost ~40 B of every datagram.
    return ok(pack([body.sender, body.incarnation, body.seq, body.sentAtWallMs, body.msg]));
  } catch (e) {
    return err({ code: "net.envelope-unencodable", detail: e instanceof Error ? e.message : String(e) });
  }
}

/** Encrypts and authenticates `body` with the keyring's primary key. A result over
 *  MAX_DATAGRAM_BYTES is refused, not truncated: the caller splits its message. */
export function seal(
  body: EnvelopeBody,
  keyring: Keyring,
  nonces: NonceSource = randomNonce,
): Result<Uint8Array, SealError> {
  const plain = encodeBody(body);
  if (!plain.ok) return plain;
  const sizeBytes = MIN_DATAGRAM_BYTES + plain.value.length;
  if (sizeBytes > MAX_DATAGRAM_BYTES)
    return err({ code: "net.envelope-oversized", sizeBytes, limitBytes: MAX_DATAGRAM_BYTES });
  const nonce = nonces();
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`a nonce must be ${NONCE_BYTES} bytes`);
  const out = new Uint8Array(sizeBytes);
  writeHeader(out, keyring.primaryKeyId, nonce);
  const cipher = createCipheriv("aes-256-gcm", keyring.primaryKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(out.subarray(0, HEADER_BYTES));
  const head = cipher.update(plain.value);
  const tail = cipher.final();
  out.set(head, HEADER_BYTES);
  out.set(tail, HEADER_BYTES + head.length);
  out.set(cipher.getAuthTag(), sizeBytes - TAG_BYTES);
  return ok(out);
}

function decrypt(bytes: Uint8Array, key: Uint8Array): Uint8Array | null {
  const nonce = bytes.subarray(6, HEADER_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(bytes.subarray(0, HEADER_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const head = decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES));
  try {
    const tail = decipher.final(); // throws when the tag doesn't verify
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return null;
  }
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** Why a body can't travel, or null. Seal and open apply the same rules, so what one agent
 *  seals another accepts. */
function bodyProblem(
  sender: unknown,
  incarnation: unknown,
  seq: unknown,
  sentAtWallMs: unknown,
): string | null {
  if (typeof sender !== "string" || sender.length === 0) return "sender must be a non-empty string";
  if (utf8.encode(sender).length > MAX_SENDER_ID_BYTES) return `sender is over ${MAX_SENDER_ID_BYTES} bytes`;
  if (!isCount(incarnation) || !isCount(seq)) return "incarnation and seq must be non-negative safe integers";
  if (typeof sentAtWallMs !== "number" || !Number.isFinite(sentAtWallMs))
    return "sentAtWallMs must be finite";
  return null;
}

/** Checks the decrypted body's shape. It is authenticated, so a bad shape means a peer bug or
 *  an incompatible build, not an attacker; still, nothing malformed gets past here. */
export function decodeBody(plain: Uint8Array): EnvelopeBody | null {
  let value: unknown;
  try {
    value = unpack(plain);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [sender, incarnation, seq, sentAtWallMs, msg] = value as unknown[];
  if (bodyProblem(sender, incarnation, seq, sentAtWallMs) !== null) return null;
  return { sender, incarnation, seq, sentAtWallMs, msg } as EnvelopeBody;
}

/** Authenticates and decodes one datagram. Never throws: every failure is a DropReason.
 *  Replays are not detected here (that needs receiver state, see acceptDatagram). */
export function open(bytes: Uint8Array, keyring: Keyring): Result<EnvelopeBody, DropReason> {
  if (bytes.length > MAX_DATAGRAM_BYTES) return err("oversized");
  if (bytes.length < MIN_DATAGRAM_BYTES) return err("truncated");
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return err("bad-magic");
  if (bytes[4] !== ENVELOPE_VERSION) return err("bad-version");
  const key = keyring.keyFor(bytes[5] as number);
  if (!key) return err("unknown-key");
  const plain = decrypt(bytes, key);
  if (!plain) return err("auth-failed");
  const body = decodeBody(plain);
  return body ? ok(body) : err("bad-body");
}
