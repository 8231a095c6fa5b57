// Encoded msgpack size of the plain values gossip sends, computed without encoding, so the core
// can fill a datagram up to its budget. Matches msgpackr's default encoder (smallest encodings,
// except maps, which it always gives a 16-bit header); tests check it against the real one.

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function intSize(v: number): number {
  if (v >= 0) {
    if (v < 128) return 1;
    if (v < 0x100) return 2;
    if (v < 0x10000) return 3;
    if (v < 0x100000000) return 5;
    return 9;
  }
  if (v >= -32) return 1;
  if (v >= -128) return 2;
  if (v >= -32768) return 3;
  if (v >= -2147483648) return 5;
  return 9;
}

function lengthHeader(n: number, fixLimit: number): number {
  if (n < fixLimit) return 1;
  if (n < 0x10000) return 3;
  return 5;
}

/** Bytes msgpack needs for `value` (strings, numbers, booleans, null, bytes, arrays, plain objects). */
export function msgpackSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "number") return Number.isInteger(value) ? intSize(value) : 9;
  if (typeof value === "string") {
    const n = utf8Length(value);
    return n + (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
  }
  if (value instanceof Uint8Array) {
    const n = value.length;
    return n + (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
  }
  if (Array.isArray(value)) {
    let total = lengthHeader(value.length, 16);
    for (const item of value) total += msgpackSize(item);
    return total;
  }
  if (typeof value === "object") {
    let total = 0;
    let count = 0;
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      const v = obj[k];
      if (v === undefined || !Object.hasOwn(obj, k)) continue;
      total += msgpackSize(k) + msgpackSize(v);
      count++;
    }
    // msgpackr writes every map with a 16-bit length (variableMapSize off by default).
    return total + (count < 0x10000 ? 3 : 5);
  }
  return 9;
}
