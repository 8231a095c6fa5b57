// `keel sandbox …` as a user runs it: a spawned CLI against real MariaDB. Ports: TEST_PORT_BLOCKS.sandboxCli.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { makeTestSandboxDir, removeTestSandboxDir } from "../helpers/sandbox.ts";

const ROOT = join(import.meta.dir, "../..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const P = portIn(TEST_PORT_BLOCKS.sandboxCli, 0);

function keel(...args: string[]) {
  const r = spawnSync(BUN, ["src/main.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // The sandbox outlives the CLI; tying it to this test process lets a later sweep reclaim it.
    env: { ...process.env, KEEL_SANDBOX_OWNER_PID: String(process.pid) },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("keel sandbox CLI", () => {
  const dir = makeTestSandboxDir();
  afterAll(() => removeTestSandboxDir(dir));

  test("up prints what it started, status --json reports it, down removes it", () => {
    const t0 = performance.now();
    const up = keel("sandbox", "up", "--instances", "3", "--base-port", String(P), "--dir", dir);
    console.log(
      `CLI 'keel sandbox up --instances 3': ${Math.round(performance.now() - t0)} ms (incl. bun start)`,
    );
    expect(up.err).toBe("");
    expect(up.code).toBe(0);
    expect(up.out).toContain(`127.0.0.1:${P}  1          primary`);
    expect(up.out).toContain(`127.0.0.1:${P + 2}  3          replica  ${P}`);

    const status = keel("sandbox", "status", "--dir", dir, "--json");
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.out) as {
      port: number;
      role: string;
      readOnly: boolean;
      ioRunning: string | null;
    }[];
    expect(rows.map((r) => [r.port, r.role, r.readOnly, r.ioRunning])).toEqual([
      [P, "primary", false, null],
      [P + 1, "replica", true, "yes"],
      [P + 2, "replica", true, "yes"],
    ]);

    const twice = keel("sandbox", "up", "--instances", "3", "--base-port", String(P), "--dir", dir);
    expect(twice.code).toBe(1);
    expect(twice.err.trim()).toBe(
      `keel: a sandbox is already running in ${dir} (ports ${P}, ${P + 1}, ${P + 2}) (sandbox.already-running); fix: run 'keel sandbox down --dir ${dir}' first, or pick another --dir`,
    );

    const down = keel("sandbox", "down", "--dir", dir);
    expect([down.code, down.err]).toEqual([0, ""]);
    expect(spawnSync("pgrep", ["-f", dir]).status).toBe(1);
  }, 60_000);

  test("errors are one line with code and fix; a missing --port is a usage error", () => {
    const missing = keel("sandbox", "status", "--dir", `${dir}/nothing-here`);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split("\n")).toHaveLength(1);
    expect(missing.err).toContain("(sandbox.not-found); fix: ");
    const noPort = keel("sandbox", "kill", "--dir", dir);
    expect(noPort.code).toBe(2);
    expect(noPort.err).toContain("needs --port");
  });
});
