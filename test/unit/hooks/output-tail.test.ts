import { describe, expect, test } from "bun:test";
import { OutputTail } from "../../../src/hooks/output-tail.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("OutputTail", () => {
  test("keeps everything up to the limit", () => {
    const t = new OutputTail(10);
    t.push(bytes("hello "));
    t.push(bytes("ther"));
    expect(t.text()).toBe("hello ther");
    expect(t.truncated).toBe(false);
  });

  test("keeps exactly the last bytesMax bytes beyond it", () => {
    const t = new OutputTail(10);
    for (const c of ["0123", "4567", "89ab", "cdef"]) t.push(bytes(c));
    expect(t.text()).toBe("6789abcdef");
    expect(t.truncated).toBe(true);
  });

  test("one chunk larger than the limit is cut to its tail", () => {
    const t = new OutputTail(4);
    t.push(bytes("abcdefgh"));
    expect(t.text()).toBe("efgh");
    expect(t.truncated).toBe(true);
  });

  test("a multi-byte character cut at the front is dropped, not mangled", () => {
    const t = new OutputTail(5);
    t.push(bytes("xé€ok")); // é = 2 bytes, € = 3 bytes; the last 5 bytes are € + "ok"
    expect(t.text()).toBe("€ok");
    const u = new OutputTail(4);
    u.push(bytes("xé€ok")); // the last 4 bytes start inside €
    expect(u.text()).toBe("ok");
  });

  test("a zero limit keeps nothing but reports truncation", () => {
    const t = new OutputTail(0);
    t.push(bytes("x"));
    expect(t.text()).toBe("");
    expect(t.truncated).toBe(true);
  });

  test("memory stays bounded by the limit plus one chunk", () => {
    const t = new OutputTail(1024);
    for (let i = 0; i < 10_000; i++) t.push(bytes("x".repeat(100)));
    expect(t.text()).toHaveLength(1024);
    expect((t as unknown as { bytes: number }).bytes).toBeLessThan(1024 + 100);
  });
});
