// A keel agent beside every sandbox server (`keel sandbox up --agents`): writes each agent's
// config (0600, one fresh shared keyring, passwords in 0600 files), starts them, records their
// pids in sandbox.json, and stops, kills or restarts one on request.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { err, ok, type Result } from "../lib/result.ts";
import { generateKey } from "../net/keyring.ts";
import {
  type AgentPortOffsets,
  agentConfigText,
  agentPorts,
  mysqlPasswordFileOf,
  planAgents,
  replPasswordFileOf,
  type SandboxAgent,
} from "./agent-config.ts";
import {
  type AgentProcessError,
  killAgentProcess,
  killAgentsSync,
  startAgentProcess,
  stopAgentProcess,
} from "./agent-process.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL, type SandboxError, type SandboxState } from "./sandbox-types.ts";
import { portAccepts } from "./server-process.ts";
import { readSandbox, writeSandbox } from "./state-file.ts";

export type SandboxAgentError =
  | AgentProcessError
  | { code: "sandbox.no-agents"; dir: string }
  | { code: "sandbox.agent-port-clash"; port: number; detail: string };

function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // the mode option only applies when the file is created
}

function layDownAgent(
  agent: SandboxAgent,
  all: readonly SandboxAgent[],
  key: string,
): Result<void, SandboxError> {
  try {
    mkdirSync(agent.dir, { recursive: true, mode: 0o700 });
    writeSecretFile(mysqlPasswordFileOf(agent), `${SANDBOX_ADMIN.password}\n`);
    writeSecretFile(replPasswordFileOf(agent), `${SANDBOX_REPL.password}\n`);
    writeSecretFile(agent.configFile, agentConfigText(agent, all, key));
    return ok(undefined);
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path: agent.dir, detail: (e as Error).message });
  }
}

/** Ports must not collide with the servers' or each other's, nor be taken already (HTTP is TCP). */
async function checkAgentPorts(state: SandboxState, agents: readonly SandboxAgent[]) {
  const used = new Set(state.instances.map((i) => i.port));
  for (const port of agentPorts(agents)) {
    if (port > 65_535)
      return err({ code: "sandbox.agent-port-clash" as const, port, detail: "beyond 65535" });
    if (used.has(port)) return err({ code: "sandbox.agent-port-clash" as const, port, detail: "used twice" });
    used.add(port);
  }
  const taken = await Promise.all(agents.map((a) => portAccepts(a.httpPort)));
  const i = taken.indexOf(true);
  if (i >= 0)
    return err({ code: "sandbox.port-in-use" as const, port: (agents[i] as SandboxAgent).httpPort });
  return ok(undefined);
}

/** Writes every agent's files and starts them all; on failure kills those started. */
export async function startSandboxAgents(
  state: SandboxState,
  offsets: AgentPortOffsets,
): Promise<Result<SandboxState, SandboxError | SandboxAgentError>> {
  const agents = planAgents(state.dir, state.instances, offsets);
  const ports = await checkAgentPorts(state, agents);
  if (!ports.ok) return ports;
  const key = generateKey();
  for (const a of agents) {
    const laid = layDownAgent(a, agents, key);
    if (!laid.ok) return laid;
  }
  const withAgents: SandboxState = { ...state, agents };
  // Recorded before starting, so a failure half-way still leaves every agent findable for teardown.
  const saved = writeSandbox(withAgents);
  if (!saved.ok) return saved;
  const started = await Promise.all(agents.map((a) => startAgentProcess(a)));
  for (const r of started) {
    if (!r.ok) {
      killAgentsSync(agents);
      return r;
    }
  }
  const running: SandboxState = {
    ...withAgents,
    agents: agents.map((a, i) => ({ ...a, pid: (started[i] as { value: number }).value })),
  };
  const written = writeSandbox(running);
  return written.ok ? ok(running) : written;
}

/** Graceful stop of every agent (they announce their leave). */
export async function stopSandboxAgents(state: SandboxState): Promise<Result<void, SandboxAgentError>> {
  const stopped = await Promise.all((state.agents ?? []).map((a) => stopAgentProcess(a)));
  for (const r of stopped) if (!r.ok) return r;
  return ok(undefined);
}

function agentAt(
  dir: string,
  port: number,
): Result<{ state: SandboxState; agent: SandboxAgent }, SandboxError | SandboxAgentError> {
  const state = readSandbox(dir);
  if (!state.ok) return state;
  const agents = state.value.agents;
  if (agents === undefined || agents.length === 0)
    return err({ code: "sandbox.no-agents", dir: state.value.dir });
  const agent = agents.find((a) => a.port === port);
  if (agent === undefined)
    return err({
      code: "sandbox.unknown-port",
      dir: state.value.dir,
      port,
      ports: agents.map((a) => a.port),
    });
  return ok({ state: state.value, agent });
}

/** The agent config path of one instance, for `--config`. */
export function agentConfigPath(dir: string, port: number): Result<string, SandboxError | SandboxAgentError> {
  const at = agentAt(dir, port);
  return at.ok ? ok(at.value.agent.configFile) : at;
}

export async function killSandboxAgent(
  dir: string,
  port: number,
): Promise<Result<void, SandboxError | SandboxAgentError>> {
  const at = agentAt(dir, port);
  return at.ok ? killAgentProcess(at.value.agent) : at;
}

/** Starts one agent again (no-op when it runs) and records its new pid. */
export async function startSandboxAgent(
  dir: string,
  port: number,
): Promise<Result<void, SandboxError | SandboxAgentError>> {
  const at = agentAt(dir, port);
  if (!at.ok) return at;
  const started = await startAgentProcess(at.value.agent);
  if (!started.ok) return started;
  const { state } = at.value;
  const agents = (state.agents ?? []).map((a) => (a.port === port ? { ...a, pid: started.value } : a));
  return writeSandbox({ ...state, agents });
}
