import { describe, expect, test } from "bun:test";
import { Secret } from "../../../src/config/secret.ts";
import { LOG_FIELD_CHARS_MAX, LOG_FIELD_DEPTH_MAX } from "../../../src/lib/limits.ts";
import { REDACTED, redact, redactFields, SECRET_KEY } from "../../../src/obs/redact.ts";

describe("redact", () => {
  test.each([
    ["password", true],
    ["PASS", true],
    ["mysqlPassword", true],
    ["client_secret", true],
    ["key", true],
    ["keyring", true],
    ["primaryKey", true],
    ["token", true],
    ["host", false],
    ["user", false],
    ["lagSeconds", false],
  ])("key %s is secret: %p", (key, secret) => {
    expect(SECRET_KEY.test(key)).toBe(secret);
    expect(redactFields({ [key]: "v" })[key]).toBe(secret ? REDACTED : "v");
  });

  test("secret keys are redacted at any depth, whatever their value", () => {
    expect(redact({ a: { b: [{ token: { nested: 1 } }, { ok: 1 }] } })).toEqual({
      a: { b: [{ token: REDACTED }, { ok: 1 }] },
    });
  });

  test("Secret objects are redacted wherever they are", () => {
    expect(redact([new Secret("s"), { x: new Secret("s") }, new Map([["m", new Secret("s")]])])).toEqual([
      REDACTED,
      { x: REDACTED },
      { m: REDACTED },
    ]);
  });

  test("errors keep name and message, never the stack", () => {
    const out = redact({ error: new TypeError("boom") });
    expect(out).toEqual({ error: { name: "TypeError", message: "boom" } });
  });

  test("non-JSON values become JSON data", () => {
    expect(
      redact({
        big: 12n,
        inf: Number.POSITIVE_INFINITY,
        nan: Number.NaN,
        u: undefined,
        f: () => 1,
        bytes: new Uint8Array(3),
      }),
    ).toEqual({ big: "12", inf: "Infinity", nan: "NaN", bytes: "[3 bytes]" });
    expect(redact(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
    expect(redact(new Set([1, 2]))).toEqual([1, 2]);
  });

  test("cycles and depth are bounded; shared objects are not cycles", () => {
    const loop: Record<string, unknown> = { name: "a" };
    loop.self = loop;
    expect(redact(loop)).toEqual({ name: "a", self: "[circular]" });
    const shared = { v: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
    let deep: unknown = "bottom";
    for (let i = 0; i < LOG_FIELD_DEPTH_MAX + 2; i++) deep = { d: deep };
    expect(JSON.stringify(redact(deep))).toContain("[too deep]");
    let atLimit: unknown = "bottom";
    for (let i = 0; i < LOG_FIELD_DEPTH_MAX; i++) atLimit = { d: atLimit };
    expect(JSON.stringify(redact(atLimit))).toContain("bottom");
  });

  test("long strings are cut at the limit and say how much was cut", () => {
    expect(redact("x".repeat(LOG_FIELD_CHARS_MAX))).toBe("x".repeat(LOG_FIELD_CHARS_MAX));
    expect(redact("x".repeat(LOG_FIELD_CHARS_MAX + 5))).toBe(`${"x".repeat(LOG_FIELD_CHARS_MAX)}…[+5 chars]`);
  });
});
