// Turns any value bound for a log line or the audit file into plain JSON data with every secret
// replaced by "[redacted]": fields whose key names a secret (password, token, key, …) at any
// depth, and config Secret objects wherever they appear. Also bounds depth and string length so
// one careless field cannot make a line unbounded. Pure.
import { Secret } from "../config/secret.ts";
import { LOG_FIELD_CHARS_MAX, LOG_FIELD_DEPTH_MAX } from "../lib/limits.ts";

export const REDACTED = "[redacted]";
/** Keys whose values are never written. Deliberately broad: "keyId" is redacted too. */
export const SECRET_KEY = /pass(word)?|secret|key(ring)?|token/i;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

interface Walk {
  /** Objects on the path from the root: meeting one again is a cycle. */
  seen: Set<object>;
  charsMax: number;
}

function clip(s: string, w: Walk): string {
  return s.length <= w.charsMax ? s : `${s.slice(0, w.charsMax)}…[+${s.length - w.charsMax} chars]`;
}

function redactObject(entries: Iterable<[string, unknown]>, depth: number, w: Walk): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of entries) {
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    out[k] = SECRET_KEY.test(k) ? REDACTED : redactInner(v, depth + 1, w);
  }
  return out;
}

function redactInner(value: unknown, depth: number, w: Walk): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Secret) return REDACTED;
  switch (typeof value) {
    case "string":
      return clip(value, w);
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      return null;
  }
  const obj = value as object;
  if (depth >= LOG_FIELD_DEPTH_MAX) return "[too deep]";
  if (w.seen.has(obj)) return "[circular]";
  w.seen.add(obj);
  try {
    if (obj instanceof Error) return { name: obj.name, message: clip(obj.message, w) }; // never a stack
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
    if (obj instanceof Uint8Array) return `[${obj.length} bytes]`;
    if (Array.isArray(obj)) return obj.map((v) => redactInner(v, depth + 1, w));
    if (obj instanceof Set) return [...obj].map((v) => redactInner(v, depth + 1, w));
    if (obj instanceof Map)
      return redactObject(
        [...obj].map(([k, v]) => [String(k), v]),
        depth,
        w,
      );
    return redactObject(Object.entries(obj), depth, w);
  } finally {
    w.seen.delete(obj);
  }
}

/** `value` as JSON data, secrets replaced, depth and string length (default LOG_FIELD_CHARS_MAX) bounded. */
export function redact(value: unknown, charsMax = LOG_FIELD_CHARS_MAX): JsonValue {
  return redactInner(value, 0, { seen: new Set(), charsMax });
}

/** A fields object redacted (top-level keys are checked too). */
export function redactFields(fields: Readonly<Record<string, unknown>>): { [key: string]: JsonValue } {
  return redactObject(Object.entries(fields), -1, { seen: new Set(), charsMax: LOG_FIELD_CHARS_MAX }) as {
    [key: string]: JsonValue;
  };
}
