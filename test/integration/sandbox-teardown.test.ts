// Nothing outlives its owner: an exiting test process and the orphan sweep both leave no
// mariadbd behind. Ports: TEST_PORT_BLOCKS.sandboxTeardown.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sandboxUp } from "../../src/sandbox/sandbox.ts";
import { sweepOrphanedSandboxes, teardownSandboxSync } from "../../src/sandbox/teardown-sync.ts";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { TEST_SANDBOX_PARENT, TEST_SANDBOX_PREFIX } from "../helpers/sandbox.ts";

const BUN = join(import.meta.dir, "../../node_modules/.bin/bun");
const HELPER = join(import.meta.dir, "../helpers/sandbox.ts");
const at = (n: number): number => portIn(TEST_PORT_BLOCKS.sandboxTeardown, n);

function pgrep(pattern: string): string[] {
  const r = spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" });
  return r.stdout.split("\n").filter((l) => l.trim() !== "");
}

function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

describe("sandbox teardown", () => {
  test("a process that exits (or is sent SIGTERM) with a live test sandbox leaves no server behind", () => {
    for (const ending of ["process.exit(0)", "process.kill(process.pid, 'SIGTERM')"]) {
      const scratch = mkdtempSync("/tmp/keel-teardown-script-");
      const script = join(scratch, "child.ts");
      writeFileSync(
        script,
        `import { startTestSandbox } from ${JSON.stringify(HELPER)};\n` +
          `const sb = await startTestSandbox({ instances: 2, basePort: ${at(0)} });\n` +
          "console.log(sb.dir);\n" +
          `${ending};\n` +
          "await new Promise((r) => setTimeout(r, 10_000));\n",
      );
      const r = spawnSync(BUN, [script], { encoding: "utf8", timeout: 30_000 });
      rmSync(scratch, { recursive: true, force: true });
      const dir = r.stdout.trim();
      expect(dir.startsWith(`${TEST_SANDBOX_PARENT}/${TEST_SANDBOX_PREFIX}`)).toBe(true);
      expect(pgrep(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    }
  }, 60_000);

  test("the sweep tears down sandboxes whose owner died and leaves live owners' alone", async () => {
    const orphan = mkdtempSync(`${TEST_SANDBOX_PARENT}/${TEST_SANDBOX_PREFIX}`);
    const owned = mkdtempSync(`${TEST_SANDBOX_PARENT}/${TEST_SANDBOX_PREFIX}`);
    try {
      const a = await sandboxUp({ dir: orphan, instances: 1, basePort: at(10), ownerPid: deadPid() });
      const b = await sandboxUp({ dir: owned, instances: 1, basePort: at(11) });
      expect([a.ok, b.ok]).toEqual([true, true]);
      const swept = sweepOrphanedSandboxes(TEST_SANDBOX_PARENT, TEST_SANDBOX_PREFIX);
      expect(swept).toContain(orphan);
      expect(swept).not.toContain(owned);
      expect(pgrep(orphan)).toEqual([]);
      expect(existsSync(orphan)).toBe(false);
      expect(pgrep(owned)).toHaveLength(1);
    } finally {
      teardownSandboxSync(owned);
      teardownSandboxSync(orphan);
      rmSync(owned, { recursive: true, force: true });
      rmSync(orphan, { recursive: true, force: true });
    }
  });
});
