// Synchronous teardown, for the places async code can't run: process 'exit' handlers and the
// orphan sweep before a test run. Kills every server of a sandbox and removes its runtime files.
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { killAgentsSync } from "./agent-process.ts";
import { configFileOf, instanceDirOf } from "./layout.ts";
import type { SandboxState } from "./sandbox-types.ts";
import { findServerPid, isServerProcess, signalProcess } from "./server-process.ts";
import { readSandbox, stateFileOf } from "./state-file.ts";

const SYNC_WAIT_MS = 3_000;
const SYNC_POLL_MS = 20;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILLs every running agent and server of the sandbox; returns server pids still alive at the end. */
export function killAllSync(state: SandboxState, waitMs = SYNC_WAIT_MS): number[] {
  killAgentsSync(state.agents ?? []);
  const victims: { pid: number; configFile: string }[] = [];
  for (const inst of state.instances) {
    const configFile = configFileOf(inst);
    const pid = findServerPid(inst.pidFile, configFile);
    if (pid === null) continue;
    signalProcess(pid, "SIGKILL");
    victims.push({ pid, configFile });
  }
  const deadline = performance.now() + waitMs;
  let alive = victims;
  while (alive.length > 0 && performance.now() < deadline) {
    sleepSync(SYNC_POLL_MS);
    alive = alive.filter((v) => isServerProcess(v.pid, v.configFile));
  }
  return alive.map((v) => v.pid);
}

/** Removes instance dirs and sandbox.json; the dir itself only if nothing else is left in it. */
export function removeRuntimeFiles(state: SandboxState): void {
  for (const inst of state.instances)
    rmSync(instanceDirOf(state.dir, inst.port), { recursive: true, force: true });
  for (const agent of state.agents ?? []) rmSync(agent.dir, { recursive: true, force: true });
  rmSync(stateFileOf(state.dir), { force: true });
  try {
    if (existsSync(state.dir) && readdirSync(state.dir).length === 0) rmdirSync(state.dir);
  } catch {
    // Someone else's file appeared in the dir; leaving the dir is correct then.
  }
}

/** Kill + remove, never throwing: used where a failure could only be ignored anyway. */
export function teardownSandboxSync(dir: string): void {
  const state = readSandbox(dir);
  if (!state.ok) return;
  killAllSync(state.value);
  removeRuntimeFiles(state.value);
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Tears down sandboxes in parentDir/<prefix>* whose owning process is dead (a test run that was
 * killed before its cleanup ran). Returns the dirs it cleaned.
 */
export function sweepOrphanedSandboxes(parentDir: string, prefix: string): string[] {
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parentDir);
  } catch {
    return swept;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(parentDir, name);
    const state = readSandbox(dir);
    if (!state.ok || ownerAlive(state.value.ownerPid)) continue;
    killAllSync(state.value);
    rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}
