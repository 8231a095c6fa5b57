// `crc32 u32 | msgpack(value)`: the framing of keel's small whole-file records (hard state,
// snapshot). A mismatch means the file can't be trusted.
import { crc32 } from "node:zlib";
import { pack, unpack } from "msgpackr";

export function sealRecord(value: unknown): Uint8Array {
  const body = pack(value);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, crc32(body) >>> 0, true);
  out.set(body, 4);
  return out;
}

/** The decoded value, or a reason it can't be trusted. */
export function openRecord(bytes: Uint8Array): { value: unknown } | { problem: string } {
  if (bytes.length < 5) return { problem: "file is too short" };
  const want = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const body = bytes.subarray(4);
  if (crc32(body) >>> 0 !== want) return { problem: "checksum mismatch" };
  try {
    return { value: unpack(body) };
  } catch {
    return { problem: "undecodable body" };
  }
}
