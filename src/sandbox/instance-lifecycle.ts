// Start, stop and kill one sandbox server, each waiting until the effect is real: a started
// server accepts admin logins, a stopped or killed one has no process left.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { SANDBOX_KILL_TIMEOUT_MS, SANDBOX_START_TIMEOUT_MS, SANDBOX_STOP_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { adminLoginWorks } from "./admin-sql.ts";
import { configFileOf } from "./layout.ts";
import type { SandboxError, SandboxInstance } from "./sandbox-types.ts";
import {
  errorLogTail,
  findServerPid,
  signalProcess,
  spawnServer,
  waitProcessGone,
} from "./server-process.ts";

const READY_POLL_MS = 100;
const LOGIN_TIMEOUT_MS = 1_000;

/** Our own child may linger as a zombie until reaped; that counts as exited. */
function processExited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return true;
  }
}

function startFailed(inst: SandboxInstance, reason: string): SandboxError {
  return {
    code: "sandbox.start-failed",
    port: inst.port,
    errorLog: inst.errorLog,
    reason,
    logTail: errorLogTail(inst.errorLog),
  };
}

async function waitReady(inst: SandboxInstance, pid: number): Promise<Result<void, SandboxError>> {
  const deadline = performance.now() + SANDBOX_START_TIMEOUT_MS;
  for (;;) {
    if (await adminLoginWorks(inst.port, LOGIN_TIMEOUT_MS)) return ok(undefined);
    if (processExited(pid)) return err(startFailed(inst, "mariadbd exited during startup"));
    if (performance.now() > deadline)
      return err(startFailed(inst, `no admin login within ${SANDBOX_START_TIMEOUT_MS} ms`));
    await sleep(READY_POLL_MS);
  }
}

/** Starts the server from its my.cnf unless it already runs; resolves once it accepts logins. */
export async function startServer(
  mariadbd: string,
  inst: SandboxInstance,
): Promise<Result<void, SandboxError>> {
  const configFile = configFileOf(inst);
  const running = findServerPid(inst.pidFile, configFile);
  const pid = running ?? spawnServer(mariadbd, configFile);
  if (pid === null) return err(startFailed(inst, `could not spawn ${mariadbd}`));
  return waitReady(inst, pid);
}

async function signalAndWait(
  inst: SandboxInstance,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<Result<void, SandboxError>> {
  const configFile = configFileOf(inst);
  const pid = findServerPid(inst.pidFile, configFile);
  if (pid === null) return ok(undefined);
  signalProcess(pid, signal);
  if (await waitProcessGone(pid, configFile, timeoutMs)) return ok(undefined);
  return err({ code: "sandbox.stop-timeout", port: inst.port, pid, waitedMs: timeoutMs });
}

/** SIGKILL: a crash as far as the server is concerned. No-op when not running. */
export function killServer(inst: SandboxInstance): Promise<Result<void, SandboxError>> {
  return signalAndWait(inst, "SIGKILL", SANDBOX_KILL_TIMEOUT_MS);
}

/** SIGTERM: mariadbd's clean shutdown. No-op when not running. */
export function stopServer(inst: SandboxInstance): Promise<Result<void, SandboxError>> {
  return signalAndWait(inst, "SIGTERM", SANDBOX_STOP_TIMEOUT_MS);
}
