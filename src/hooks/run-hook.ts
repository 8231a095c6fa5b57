// Runs hook commands the way orchestrator does (`bash` with ORC_* variables added to keel's own
// environment, one after another in config order, a trailing `&` meaning "start and don't wait")
// but never without a bound: each command gets a timeout after which its whole process group is
// killed, and only the tail of its output is kept.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { HookEvent } from "../config/schema.ts";
import { HOOK_KILL_GRACE_MS, HOOK_OUTPUT_BYTES_MAX, HOOK_OUTPUT_DRAIN_MS } from "../lib/limits.ts";
import type { HookError, HookVetoReason } from "./hook-error.ts";
import { OutputTail } from "./output-tail.ts";
import { expandCommand, type HookContext, hookEnvironment } from "./placeholders.ts";

export interface HookRun {
  /** The command as configured, placeholders unexpanded (what logs and the audit show). */
  command: string;
  /** null when killed by a signal, not started, or started detached. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Started with a trailing `&`: not waited for, exit code ignored, output not captured. */
  detached: boolean;
  /** Why the command could not be started, or null. */
  spawnError: string | null;
  durationMs: number;
  /** stdout and stderr together, in arrival order; the last HOOK_OUTPUT_BYTES_MAX bytes. */
  output: string;
  truncated: boolean;
}

export interface HookRunOptions {
  timeoutMs: number;
  killGraceMs?: number;
  outputBytesMax?: number;
  /** The environment hooks inherit; defaults to keel's own. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Variables added after the hook environment (e.g. KEEL_HOOK_POINT). */
  extraEnv?: Readonly<Record<string, string>>;
  cwd?: string;
}

/** orchestrator's rule: a command ending in `&` runs asynchronously; the `&` is removed. */
export function splitDetached(template: string): { template: string; detached: boolean } {
  const trimmed = template.trim();
  if (!trimmed.endsWith("&") || /\\&+$/.test(trimmed)) return { template: trimmed, detached: false };
  return { template: trimmed.replace(/&+$/, "").trimEnd(), detached: true };
}

function environment(ctx: HookContext, opts: HookRunOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.baseEnv ?? process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...hookEnvironment(ctx), ...opts.extraEnv };
}

/** How often a killed process group is checked for being gone. */
const GROUP_POLL_MS = 20;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Whether a process group still has a member that is not a zombie (/proc on Linux). */
function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // A killed member reparented to an init that reaps slowly stays a zombie in the group for a
  // while; it holds nothing and needs no SIGKILL.
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return true;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    } catch {
      // the process exited while we looked
    }
  }
  return false;
}

function startDetached(
  command: string,
  run: HookRun,
  env: Record<string, string>,
  cwd?: string,
): Promise<HookRun> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { detached: true, stdio: "ignore", env, cwd });
    child.once("error", (e) => resolve({ ...run, spawnError: e.message }));
    child.once("spawn", () => {
      child.unref();
      resolve(run);
    });
  });
}

/** Runs one hook command to completion (or timeout) and reports what happened. */
export async function runHook(template: string, ctx: HookContext, opts: HookRunOptions): Promise<HookRun> {
  const startedMs = performance.now();
  const { template: body, detached } = splitDetached(template);
  const command = expandCommand(body, ctx);
  const env = environment(ctx, opts);
  const base: HookRun = {
    command: template,
    exitCode: null,
    signal: null,
    timedOut: false,
    detached,
    spawnError: null,
    durationMs: 0,
    output: "",
    truncated: false,
  };
  if (detached) {
    const run = await startDetached(command, base, env, opts.cwd);
    return { ...run, durationMs: performance.now() - startedMs };
  }
  const child = spawn("bash", ["-c", command], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
    cwd: opts.cwd,
  });
  const run = await supervise(child, base, opts);
  return { ...run, durationMs: performance.now() - startedMs };
}

/** Waits for the child under the timeout; resolves once it exited and its output is drained. */
function supervise(child: ChildProcess, base: HookRun, opts: HookRunOptions): Promise<HookRun> {
  const tail = new OutputTail(opts.outputBytesMax ?? HOOK_OUTPUT_BYTES_MAX);
  const graceMs = opts.killGraceMs ?? HOOK_KILL_GRACE_MS;
  return new Promise((resolve) => {
    let exit: { code: number | null; signal: string | null } | null = null;
    let spawnError: string | null = null;
    let timedOut = false;
    let killed = false;
    let openStreams = 2;
    let drainTimer: ReturnType<typeof setTimeout> | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let done = false;

    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      clearTimeout(pollTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        ...base,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        spawnError,
        output: tail.text(),
        truncated: tail.truncated,
      });
    };
    // After a timeout, stragglers of the group still get their SIGKILL before we report.
    const maybeFinish = (drained: boolean) => {
      if (exit === null && spawnError === null) return;
      if (!drained && openStreams > 0) return;
      if (timedOut && !killed && groupAlive(child.pid)) {
        // Killed members linger briefly until reaped; look again rather than wait out the grace.
        pollTimer ??= setTimeout(() => {
          pollTimer = undefined;
          maybeFinish(true);
        }, GROUP_POLL_MS);
        return;
      }
      finish();
    };
    const timeoutTimer = setTimeout(() => {
      if (exit !== null) return; // exited in time; only its output is still draining
      timedOut = true;
      killGroup(child.pid, "SIGTERM");
      graceTimer = setTimeout(() => {
        killed = true;
        killGroup(child.pid, "SIGKILL");
        maybeFinish(true);
      }, graceMs);
    }, opts.timeoutMs);

    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Uint8Array) => tail.push(chunk));
      stream?.once("close", () => {
        openStreams--;
        maybeFinish(false);
      });
    }
    child.once("error", (e) => {
      spawnError = e.message;
      finish();
    });
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      // A background child of the hook may keep the pipes open; wait briefly, not for ever.
      drainTimer = setTimeout(() => maybeFinish(true), HOOK_OUTPUT_DRAIN_MS);
      maybeFinish(false);
    });
  });
}

export interface HookPointResult {
  point: HookEvent;
  runs: HookRun[];
  /** Set when a command at a vetoing point failed: the action must not go ahead. */
  veto: HookError | null;
}

/** Points whose failure stops what they guard (orchestrator aborts the recovery or takeover). */
export const VETO_POINTS: ReadonlySet<HookEvent> = new Set<HookEvent>([
  "OnFailureDetection",
  "PreFailover",
  "PreGracefulTakeover",
]);

function vetoReason(run: HookRun): HookVetoReason | null {
  if (run.spawnError !== null) return "spawn-failed";
  if (run.detached) return null;
  if (run.timedOut) return "timeout";
  if (run.signal !== null) return "signal";
  return run.exitCode === 0 ? null : "exit-code";
}

function lastLine(output: string): string {
  const lines = output.trimEnd().split("\n");
  return (lines[lines.length - 1] ?? "").slice(0, 200);
}

/**
 * Runs a hook point's commands in config order. At OnFailureDetection and Pre* points the first
 * failing command (non-zero exit, signal, timeout, not startable) vetoes and the rest are
 * skipped; at Post* points every command runs and failures are only recorded.
 */
export async function runHookPoint(
  point: HookEvent,
  commands: readonly string[],
  ctx: HookContext,
  opts: HookRunOptions & { onRun?: (run: HookRun) => void },
): Promise<HookPointResult> {
  const runs: HookRun[] = [];
  const extraEnv = { ...opts.extraEnv, KEEL_HOOK_POINT: point };
  for (const command of commands) {
    const run = await runHook(command, ctx, { ...opts, extraEnv });
    runs.push(run);
    opts.onRun?.(run);
    const reason = vetoReason(run);
    if (reason !== null && VETO_POINTS.has(point)) {
      const veto: HookError = {
        code: "hooks.vetoed",
        point,
        command,
        reason,
        exitCode: run.exitCode,
        signal: run.signal,
        timeoutMs: opts.timeoutMs,
        lastLine: run.spawnError ?? lastLine(run.output),
      };
      return { point, runs, veto };
    }
  }
  return { point, runs, veto: null };
}
