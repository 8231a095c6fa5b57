// The persisted incarnation counter: it follows the wall clock while the clock moves forward, and
// still rises by one when the clock is behind the previous start.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimIncarnation, INCARNATION_FILE } from "../../../src/storage/incarnation-file.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keel-incarnation-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const claim = (wallMs: number) => {
  const r = claimIncarnation(dir, wallMs);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};

describe("claimIncarnation", () => {
  test("the first start takes the wall clock's whole ms", () => {
    expect(claim(1_764_000_000_123.7)).toBe(1_764_000_000_123);
  });

  test("a start with the clock behind the last one still goes up by one, every time", () => {
    expect(claim(5_000)).toBe(5_000);
    expect(claim(1_000)).toBe(5_001);
    expect(claim(1_000)).toBe(5_002);
    expect(claim(9_000)).toBe(9_000); // the clock caught up: it leads again
  });

  test("a corrupt counter is an error, never silently reset to the clock", () => {
    claim(5_000);
    const p = join(dir, INCARNATION_FILE);
    const bytes = readFileSync(p);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    writeFileSync(p, bytes);
    const r = claimIncarnation(dir, 9_000);
    expect(r.ok ? null : r.error).toMatchObject({ code: "storage.incarnation-corrupt", path: p });
  });
});
