import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planInstances } from "../../../src/sandbox/layout.ts";
import type { SandboxState } from "../../../src/sandbox/sandbox-types.ts";
import {
  parseSandboxState,
  readSandbox,
  stateFileOf,
  writeSandbox,
} from "../../../src/sandbox/state-file.ts";

const scratch = mkdtempSync(join(tmpdir(), "keel-unit-state-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const state: SandboxState = {
  dir: scratch,
  basePort: 24000,
  instances: planInstances(scratch, { instances: 2, basePort: 24000 }),
  ownerPid: 4242,
  semiSync: true,
  chained: false,
  createdAtWallMs: 1_700_000_000_000,
  mariadbd: "/usr/sbin/mariadbd",
};

describe("sandbox.json", () => {
  test("what is written is read back unchanged", () => {
    expect(writeSandbox(state).ok).toBe(true);
    const back = readSandbox(scratch);
    expect(back.ok ? back.value : back.error).toEqual(state);
  });

  test("a dir without sandbox.json is not-found", () => {
    const r = readSandbox(join(scratch, "elsewhere"));
    expect(r.ok ? "ok" : r.error).toEqual({ code: "sandbox.not-found", dir: join(scratch, "elsewhere") });
  });

  test("broken JSON is state-corrupt naming the file", () => {
    writeFileSync(stateFileOf(scratch), "{ nope");
    const r = readSandbox(scratch);
    expect(r.ok ? "ok" : [r.error.code, "path" in r.error && r.error.path]).toEqual([
      "sandbox.state-corrupt",
      stateFileOf(scratch),
    ]);
  });

  test("every missing or malformed field is listed", () => {
    const bad = { ...state, basePort: "24000", instances: [{ port: 1 }] } as unknown;
    delete (bad as Record<string, unknown>).ownerPid;
    const r = parseSandboxState(JSON.stringify(bad), "/x/sandbox.json");
    expect(r.ok ? "ok" : r.error).toEqual({
      code: "sandbox.state-corrupt",
      path: "/x/sandbox.json",
      detail: "missing or malformed: basePort, ownerPid, instances",
    });
  });
});
