// Starting, finding and stopping one sandbox agent process (`keel agent --config <file>`),
// detached like the servers so it outlives the CLI call that started it. What must also run in a
// process 'exit' handler (finding and killing) is synchronous.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { SANDBOX_AGENT_START_TIMEOUT_MS, SANDBOX_AGENT_STOP_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { SandboxAgent } from "./agent-config.ts";
import { errorLogTail, signalProcess } from "./server-process.ts";

const POLL_MS = 50;
const READY_PROBE_TIMEOUT_MS = 500;

export type AgentProcessError =
  | { code: "sandbox.agent-start-failed"; port: number; log: string; reason: string; logTail: string[] }
  | { code: "sandbox.agent-stop-timeout"; port: number; pid: number; waitedMs: number };

/**
 * How to run keel's own agent: the compiled binary runs itself; from source, the running bun runs
 * src/main.ts. Either way the same build that wrote the configs reads them.
 */
export function keelAgentCommand(configFile: string): string[] {
  const compiled = import.meta.url.includes("$bunfs");
  const self = compiled
    ? [process.execPath]
    : [process.execPath, fileURLToPath(new URL("../main.ts", import.meta.url))];
  return [...self, "agent", "--config", configFile];
}

/** True when pid is a live `keel agent` run with this config (zombies have an empty cmdline). */
export function isAgentProcess(pid: number, configFile: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const at = argv.indexOf("--config");
    return argv.includes("agent") && at >= 0 && argv[at + 1] === configFile;
  } catch {
    return false;
  }
}

/** The pid of the agent running with the config: the recorded one if still right, else a /proc scan. */
export function findAgentPid(agent: SandboxAgent): number | null {
  if (agent.pid !== null && isAgentProcess(agent.pid, agent.configFile)) return agent.pid;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (isAgentProcess(pid, agent.configFile)) return pid;
  }
  return null;
}

/** Gone or a zombie. Not judged by cmdline: right after spawn the child still shows ours until exec. */
function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return true;
  }
}

function spawnAgent(agent: SandboxAgent): number | null {
  const [exe, ...args] = keelAgentCommand(agent.configFile);
  const log = openSync(agent.logFile, "a", 0o600);
  try {
    const child = spawn(exe as string, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: process.env,
    });
    child.on("error", () => {
      // Reported by the readiness wait (process gone + log tail), never as an uncaught event.
    });
    child.unref();
    return child.pid ?? null;
  } finally {
    closeSync(log);
  }
}

async function apiAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/state`, {
      signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function startFailed(agent: SandboxAgent, reason: string): AgentProcessError {
  return {
    code: "sandbox.agent-start-failed",
    port: agent.port,
    log: agent.logFile,
    reason,
    logTail: errorLogTail(agent.logFile),
  };
}

/** Starts the agent unless it already runs; resolves with its pid once its HTTP API answers. */
export async function startAgentProcess(agent: SandboxAgent): Promise<Result<number, AgentProcessError>> {
  const pid = findAgentPid(agent) ?? spawnAgent(agent);
  if (pid === null)
    return err(startFailed(agent, `could not spawn ${keelAgentCommand(agent.configFile)[0]}`));
  const deadline = performance.now() + SANDBOX_AGENT_START_TIMEOUT_MS;
  for (;;) {
    if (await apiAnswers(agent.httpPort)) return ok(pid);
    if (processGone(pid)) return err(startFailed(agent, "keel agent exited during startup"));
    if (performance.now() > deadline) {
      signalProcess(pid, "SIGKILL");
      return err(
        startFailed(
          agent,
          `no HTTP answer on 127.0.0.1:${agent.httpPort} within ${SANDBOX_AGENT_START_TIMEOUT_MS} ms`,
        ),
      );
    }
    await sleep(POLL_MS);
  }
}

async function waitGone(pid: number, configFile: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isAgentProcess(pid, configFile)) {
    if (performance.now() > deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** SIGTERM (graceful leave), SIGKILL if it outlives the timeout. No-op when not running. */
export async function stopAgentProcess(agent: SandboxAgent): Promise<Result<void, AgentProcessError>> {
  const pid = findAgentPid(agent);
  if (pid === null) return ok(undefined);
  signalProcess(pid, "SIGTERM");
  if (await waitGone(pid, agent.configFile, SANDBOX_AGENT_STOP_TIMEOUT_MS)) return ok(undefined);
  signalProcess(pid, "SIGKILL");
  if (await waitGone(pid, agent.configFile, SANDBOX_AGENT_STOP_TIMEOUT_MS)) return ok(undefined);
  return err({
    code: "sandbox.agent-stop-timeout",
    port: agent.port,
    pid,
    waitedMs: 2 * SANDBOX_AGENT_STOP_TIMEOUT_MS,
  });
}

/** SIGKILL: a crash as far as the cluster is concerned. */
export async function killAgentProcess(agent: SandboxAgent): Promise<Result<void, AgentProcessError>> {
  const pid = findAgentPid(agent);
  if (pid === null) return ok(undefined);
  signalProcess(pid, "SIGKILL");
  if (await waitGone(pid, agent.configFile, SANDBOX_AGENT_STOP_TIMEOUT_MS)) return ok(undefined);
  return err({
    code: "sandbox.agent-stop-timeout",
    port: agent.port,
    pid,
    waitedMs: SANDBOX_AGENT_STOP_TIMEOUT_MS,
  });
}

/** SIGKILLs every listed agent that runs; for exit handlers and orphan sweeps. */
export function killAgentsSync(agents: readonly SandboxAgent[]): void {
  for (const a of agents) {
    const pid = findAgentPid(a);
    if (pid !== null) signalProcess(pid, "SIGKILL");
  }
}
