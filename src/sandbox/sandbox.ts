// The sandbox API: start a local MariaDB GTID topology, change it (kill/stop/start one server),
// inspect it, and tear it down leaving no process behind.
import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { DEFAULT_AGENT_PORT_OFFSETS } from "./agent-config.ts";
import { killAgentsSync } from "./agent-process.ts";
import { copyTemplate, ensureTemplate } from "./datadir-template.ts";
import { killServer, startServer, stopServer } from "./instance-lifecycle.ts";
import { checkSocketPaths, configFileOf, planInstances, renderMyCnf, validateOptions } from "./layout.ts";
import { makeWritable, replicateFrom, waitReplicating } from "./replication-wiring.ts";
import {
  DEFAULT_MARIADBD,
  type SandboxError,
  type SandboxInstance,
  type SandboxOptions,
  type SandboxState,
} from "./sandbox-types.ts";
import { findServerPid, portAccepts } from "./server-process.ts";
import { type SandboxAgentError, startSandboxAgents, stopSandboxAgents } from "./sandbox-agents.ts";
import { readSandbox, writeSandbox } from "./state-file.ts";
import { killAllSync, removeRuntimeFiles } from "./teardown-sync.ts";

export { sandboxStatus } from "./sandbox-status.ts";
export * from "./sandbox-types.ts";
export {
  agentConfigPath,
  killSandboxAgent,
  type SandboxAgentError,
  startSandboxAgent,
} from "./sandbox-agents.ts";
export { readSandbox } from "./state-file.ts";

export function runningPorts(state: SandboxState): number[] {
  return state.instances.filter((i) => findServerPid(i.pidFile, configFileOf(i)) !== null).map((i) => i.port);
}

function checkMariadbd(path: string): Result<void, SandboxError> {
  try {
    accessSync(path, constants.X_OK);
    return ok(undefined);
  } catch {
    return err({ code: "sandbox.mariadbd-missing", path });
  }
}

/** A dir may hold a stopped or crashed earlier sandbox: clear it; a running one is an error. */
function clearPrevious(dir: string): Result<void, SandboxError> {
  const previous = readSandbox(dir);
  if (!previous.ok) return previous.error.code === "sandbox.not-found" ? ok(undefined) : previous;
  const running = runningPorts(previous.value);
  if (running.length > 0) return err({ code: "sandbox.already-running", dir, ports: running });
  killAgentsSync(previous.value.agents ?? []);
  removeRuntimeFiles(previous.value);
  return ok(undefined);
}

async function checkPortsFree(instances: readonly SandboxInstance[]): Promise<Result<void, SandboxError>> {
  const taken = await Promise.all(instances.map((i) => portAccepts(i.port)));
  const i = taken.indexOf(true);
  return i < 0 ? ok(undefined) : err({ code: "sandbox.port-in-use", port: instances[i]!.port });
}

function layDown(state: SandboxState, templateDatadir: string): Result<void, SandboxError> {
  const runAsRoot = process.getuid?.() === 0;
  for (const instance of state.instances) {
    const copied = copyTemplate(templateDatadir, instance.datadir);
    if (!copied.ok) return copied;
    try {
      writeFileSync(configFileOf(instance), renderMyCnf({ instance, semiSync: state.semiSync, runAsRoot }));
    } catch (e) {
      return err({ code: "sandbox.fs-failed", path: configFileOf(instance), detail: (e as Error).message });
    }
  }
  return writeSandbox(state);
}

async function allOk(results: Promise<Result<void, SandboxError>>[]): Promise<Result<void, SandboxError>> {
  for (const r of await Promise.all(results)) if (!r.ok) return r;
  return ok(undefined);
}

async function startAndWire(state: SandboxState): Promise<Result<void, SandboxError>> {
  const started = await allOk(state.instances.map((i) => startServer(state.mariadbd, i)));
  if (!started.ok) return started;
  const replicas = state.instances.filter((i) => i.sourcePort !== null);
  const wired = await allOk(replicas.map((i) => replicateFrom(i.port, i.sourcePort!)));
  if (!wired.ok) return wired;
  const running = await allOk(replicas.map((i) => waitReplicating(i.port, i.sourcePort!)));
  if (!running.ok) return running;
  return makeWritable(state.basePort);
}

export async function sandboxUp(
  o: SandboxOptions,
): Promise<Result<SandboxState, SandboxError | SandboxAgentError>> {
  const valid = validateOptions(o);
  if (!valid.ok) return valid;
  const mariadbd = o.mariadbd ?? DEFAULT_MARIADBD;
  const found = checkMariadbd(mariadbd);
  if (!found.ok) return found;
  const dir = resolve(o.dir);
  const cleared = clearPrevious(dir);
  if (!cleared.ok) return cleared;
  const instances = planInstances(dir, o);
  const paths = checkSocketPaths(instances);
  if (!paths.ok) return paths;
  const free = await checkPortsFree(instances);
  if (!free.ok) return free;
  const template = await ensureTemplate(mariadbd);
  if (!template.ok) return template;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path: dir, detail: (e as Error).message });
  }
  const state: SandboxState = {
    dir,
    basePort: o.basePort,
    instances,
    ownerPid: o.ownerPid ?? process.pid,
    semiSync: o.semiSync === true,
    chained: o.chained === true,
    createdAtWallMs: Date.now(),
    mariadbd,
  };
  const laid = layDown(state, template.value);
  if (!laid.ok) return laid;
  const up = await startAndWire(state);
  if (!up.ok) {
    // Keep the files (the error log explains the failure); a later up or down clears them.
    killAllSync(state);
    return up;
  }
  if (!o.agents) return ok(state);
  const withAgents = await startSandboxAgents(
    state,
    o.agents === true ? DEFAULT_AGENT_PORT_OFFSETS : o.agents,
  );
  // startSandboxAgents already killed the agents it started; the servers go too, as on any failed up.
  if (!withAgents.ok) killAllSync(state);
  return withAgents;
}

export async function sandboxDown(dir: string): Promise<Result<void, SandboxError | SandboxAgentError>> {
  const state = readSandbox(dir);
  if (!state.ok) return state;
  // Agents first: they leave the gossip gracefully instead of reporting their servers dying.
  const agentsDown = await stopSandboxAgents(state.value);
  if (!agentsDown.ok) return agentsDown;
  const killed = await allOk(state.value.instances.map((i) => killServer(i)));
  if (!killed.ok) return killed;
  removeRuntimeFiles(state.value);
  return ok(undefined);
}

function instanceAt(
  dir: string,
  port: number,
): Result<{ state: SandboxState; inst: SandboxInstance }, SandboxError> {
  const state = readSandbox(dir);
  if (!state.ok) return state;
  const inst = state.value.instances.find((i) => i.port === port);
  if (!inst)
    return err({
      code: "sandbox.unknown-port",
      dir: state.value.dir,
      port,
      ports: state.value.instances.map((i) => i.port),
    });
  return ok({ state: state.value, inst });
}

export async function killInstance(dir: string, port: number): Promise<Result<void, SandboxError>> {
  const at = instanceAt(dir, port);
  return at.ok ? killServer(at.value.inst) : at;
}

export async function stopInstance(dir: string, port: number): Promise<Result<void, SandboxError>> {
  const at = instanceAt(dir, port);
  return at.ok ? stopServer(at.value.inst) : at;
}

export async function startInstance(dir: string, port: number): Promise<Result<void, SandboxError>> {
  const at = instanceAt(dir, port);
  return at.ok ? startServer(at.value.state.mariadbd, at.value.inst) : at;
}
