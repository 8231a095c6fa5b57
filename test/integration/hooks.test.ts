// Hooks run for real under bash: placeholders and ORC_* variables arrive intact, hostile values
// stay data, timeouts kill the whole process group, Pre* points veto and Post* points don't.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandCommand } from "../../src/hooks/placeholders.ts";
import { runHook, runHookPoint } from "../../src/hooks/run-hook.ts";
import { deadMasterContext, HOSTILE_VALUES } from "../unit/hooks/context.fixture.ts";

let dir = "";
const ctx = deadMasterContext();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keel-hooks-"));
  const script = join(dir, "orch_hook.sh");
  writeFileSync(
    script,
    '#!/bin/bash\nprintf "arg=%s\\n" "$@"\necho "env=$ORC_FAILED_HOST/$KEEL_HOOK_POINT"\n',
  );
  chmodSync(script, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process is gone once it no longer exists or is only a zombie waiting to be reaped. */
function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

describe("runHook", () => {
  test("placeholders and environment reach an orch_hook.sh-style script", async () => {
    const run = await runHook(
      `${dir}/orch_hook.sh {failureType} {failureClusterAlias} {failedHost} {successorHost}`,
      ctx,
      {
        timeoutMs: 5_000,
        extraEnv: { KEEL_HOOK_POINT: "PostFailover" },
      },
    );
    expect(run.exitCode).toBe(0);
    expect(run.output).toBe(
      "arg=DeadMaster\narg=shop\narg=db1.example.com\narg=db2.example.com\nenv=db1.example.com/PostFailover\n",
    );
    expect(run.command).toBe(
      `${dir}/orch_hook.sh {failureType} {failureClusterAlias} {failedHost} {successorHost}`,
    );
  });

  test("stdout and stderr are captured together, and the exit code reported", async () => {
    const run = await runHook("echo out; echo err >&2; exit 7", ctx, { timeoutMs: 5_000 });
    expect(run).toMatchObject({
      exitCode: 7,
      signal: null,
      timedOut: false,
      output: "out\nerr\n",
      truncated: false,
    });
  });

  test("output beyond the limit keeps the tail", async () => {
    const run = await runHook("head -c 200000 /dev/zero | tr '\\0' a; echo; echo END", ctx, {
      timeoutMs: 5_000,
      outputBytesMax: 1_024,
    });
    expect(run.truncated).toBe(true);
    expect(run.output).toHaveLength(1_024);
    expect(run.output.endsWith("aaa\nEND\n")).toBe(true);
  });

  test("a timeout kills the hook and its children within timeout + grace", async () => {
    const pidFile = join(dir, "child.pid");
    const run = await runHook(`sleep 100 & echo $! > ${pidFile}; sleep 100`, ctx, {
      timeoutMs: 300,
      killGraceMs: 1_000,
    });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.signal).toBe("SIGTERM");
    expect(run.durationMs).toBeGreaterThanOrEqual(300);
    expect(run.durationMs).toBeLessThan(300 + 1_000);
    expect(processGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  test("a hook that ignores SIGTERM gets SIGKILL after the grace", async () => {
    const run = await runHook("trap '' TERM; sleep 100", ctx, { timeoutMs: 200, killGraceMs: 300 });
    expect(run).toMatchObject({ timedOut: true, signal: "SIGKILL" });
    expect(run.durationMs).toBeGreaterThanOrEqual(500);
    expect(run.durationMs).toBeLessThan(2_000);
  });

  test("a background child holding the output pipe does not hold up the result", async () => {
    const pidFile = join(dir, "straggler.pid");
    const run = await runHook(`(sleep 5 & echo $! > ${pidFile}); echo done`, ctx, { timeoutMs: 3_000 });
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL"); // the hook's own leftover, not keel's
    expect(run).toMatchObject({ exitCode: 0, timedOut: false, output: "done\n" });
    expect(run.durationMs).toBeLessThan(1_500);
  });

  test("a trailing & starts the command detached and ignores its exit code", async () => {
    const marker = join(dir, "detached.done");
    const run = await runHook(`sleep 0.3; touch ${marker}; exit 9 &`, ctx, { timeoutMs: 5_000 });
    expect(run).toMatchObject({ detached: true, exitCode: null, timedOut: false, spawnError: null });
    expect(run.durationMs).toBeLessThan(250);
    expect(existsSync(marker)).toBe(false);
    await Bun.sleep(600); // the detached command's own effect, not keel's logic, is what is awaited
    expect(existsSync(marker)).toBe(true);
  });

  test("a command that cannot be started is reported, not thrown", async () => {
    const run = await runHook("true", ctx, { timeoutMs: 1_000, cwd: join(dir, "no-such-dir") });
    expect(run.spawnError).not.toBeNull();
    expect(run.exitCode).toBeNull();
  });
});

describe("runHookPoint", () => {
  test("at a Pre* point the first failure vetoes and later commands do not run", async () => {
    const never = join(dir, "never");
    const seen: string[] = [];
    const result = await runHookPoint(
      "PreFailover",
      ["true", "echo 'VIP busy'; exit 3", `touch ${never}`],
      ctx,
      {
        timeoutMs: 5_000,
        onRun: (r) => seen.push(r.command),
      },
    );
    expect(result.runs).toHaveLength(2);
    expect(seen).toEqual(["true", "echo 'VIP busy'; exit 3"]);
    expect(result.veto).toEqual({
      code: "hooks.vetoed",
      point: "PreFailover",
      command: "echo 'VIP busy'; exit 3",
      reason: "exit-code",
      exitCode: 3,
      signal: null,
      timeoutMs: 5_000,
      lastLine: "VIP busy",
    });
    expect(existsSync(never)).toBe(false);
  });

  test("a timeout at a Pre* point vetoes", async () => {
    const result = await runHookPoint("PreGracefulTakeover", ["sleep 100"], ctx, {
      timeoutMs: 200,
      killGraceMs: 200,
    });
    expect(result.veto?.reason).toBe("timeout");
  });

  test("OnFailureDetection vetoes like orchestrator (aborts that recovery pass)", async () => {
    const result = await runHookPoint("OnFailureDetection", ["exit 1"], ctx, { timeoutMs: 5_000 });
    expect(result.veto?.reason).toBe("exit-code");
  });

  test("at a Post* point failures are recorded and every command still runs", async () => {
    const result = await runHookPoint("PostFailover", ["exit 1", "kill -9 $$", "echo {successorHost}"], ctx, {
      timeoutMs: 5_000,
    });
    expect(result.veto).toBeNull();
    expect(result.runs.map((r) => [r.exitCode, r.signal])).toEqual([
      [1, null],
      [null, "SIGKILL"],
      [0, null],
    ]);
    expect(result.runs[2]?.output).toBe("db2.example.com\n");
  });

  test("a detached command's failure does not veto", async () => {
    const result = await runHookPoint("PreFailover", ["exit 1 &", "true"], ctx, { timeoutMs: 5_000 });
    expect(result.veto).toBeNull();
    expect(result.runs).toHaveLength(2);
  });

  test("hooks see KEEL_HOOK_POINT and the ORC_* variables", async () => {
    const result = await runHookPoint(
      "PostMasterFailover",
      ['echo "$KEEL_HOOK_POINT $ORC_SUCCESSOR_HOST"'],
      ctx,
      {
        timeoutMs: 5_000,
      },
    );
    expect(result.runs[0]?.output).toBe("PostMasterFailover db2.example.com\n");
  });
});

describe("hostile values reach bash as inert data", () => {
  // Each template prints the value; `exact` ones must print it byte for byte.
  const TEMPLATES: { template: string; exact: boolean }[] = [
    { template: "printf '%s' {failureDescription}", exact: true },
    { template: 'printf "%s" "{failureDescription}"', exact: true },
    { template: "printf '%s' 'd={failureDescription}'", exact: false },
    { template: "printf '%s' $'{failureDescription}'", exact: true },
    { template: 'printf "%s" "$(printf "%s" "{failureDescription}")"', exact: false },
    { template: "printf '%s' \\{failureDescription}", exact: true },
    { template: "true # {failureDescription}", exact: false },
    { template: "printf '%s' `printf '%s' {failureDescription}`", exact: false },
    { template: "cat <<EOF\n{failureDescription}\nEOF", exact: false },
    { template: "cat <<'EOF'\n{failureDescription}\nEOF", exact: false },
  ];

  test("no value in any template runs code, and exact contexts print the value unchanged", async () => {
    const work = mkdtempSync(join(dir, "inert-"));
    const failures: string[] = [];
    for (const value of HOSTILE_VALUES) {
      const c = deadMasterContext({ failureDescription: value });
      for (const { template, exact } of TEMPLATES) {
        const run = await runHook(template, c, { timeoutMs: 5_000, cwd: work });
        const label = `${JSON.stringify(template)} with ${JSON.stringify(value)} -> ${JSON.stringify(expandCommand(template, c))}`;
        if (existsSync(join(work, "PWNED"))) {
          failures.push(`ran code: ${label}`);
          rmSync(join(work, "PWNED"));
        }
        if (exact && run.output !== value.replaceAll("\0", ""))
          failures.push(`changed: ${label}: ${run.output}`);
        if (run.exitCode !== 0) failures.push(`failed: ${label}: ${run.output}`);
      }
    }
    expect(failures).toEqual([]);
  }, 30_000);
});
