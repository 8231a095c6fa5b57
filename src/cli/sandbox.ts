// `keel sandbox up|status|kill|stop|start|down`: local MariaDB topologies for trying keel out;
// with `up --agents` a keel agent runs beside each server (`config`, `kill-agent`, `start-agent`).
// One command with an action positional: main.ts runs the handler of the matched top-level
// command, so nested yargs subcommands would bypass it.
import {
  agentConfigPath,
  killSandboxAgent,
  type SandboxAgentError,
  type SandboxError,
  sandboxDown,
  startSandboxAgent,
  sandboxStatus,
  sandboxUp,
  startInstance,
  stopInstance,
  killInstance,
} from "../sandbox/sandbox.ts";
import type { Result } from "../lib/result.ts";
import { DEFAULT_AGENT_PORT_OFFSETS } from "../sandbox/agent-config.ts";
import { type CommandIo, type CommandOutcome, defineCommand, success } from "./command.ts";
import { renderStatus, renderUp } from "./sandbox-render.ts";

const ACTIONS = [
  "up",
  "status",
  "kill",
  "stop",
  "start",
  "down",
  "config",
  "kill-agent",
  "start-agent",
] as const;
type Action = (typeof ACTIONS)[number];

export const DEFAULT_SANDBOX_DIR = "./keel-sandbox";

interface SandboxArgs {
  action: Action;
  dir: string;
  instances: number;
  basePort: number;
  semiSync: boolean;
  chained: boolean;
  mariadbd?: string;
  port?: number;
  json: boolean;
  agents: boolean;
  gossipPortOffset: number;
  httpPortOffset: number;
}

function outcomeOf(r: Result<unknown, SandboxError | SandboxAgentError>): CommandOutcome {
  return r.ok ? success : { error: r.error };
}

async function runUp(args: SandboxArgs, io: CommandIo): Promise<CommandOutcome> {
  const ownerPid = Number(io.env.KEEL_SANDBOX_OWNER_PID);
  const startedAtMs = performance.now();
  const up = await sandboxUp({
    dir: args.dir,
    instances: args.instances,
    basePort: args.basePort,
    semiSync: args.semiSync,
    chained: args.chained,
    ...(args.mariadbd ? { mariadbd: args.mariadbd } : {}),
    ...(Number.isInteger(ownerPid) && ownerPid > 0 ? { ownerPid } : {}),
    ...(args.agents ? { agents: { gossip: args.gossipPortOffset, http: args.httpPortOffset } } : {}),
  });
  if (!up.ok) return { error: up.error };
  if (args.json) io.out(JSON.stringify(up.value));
  else for (const line of renderUp(up.value, performance.now() - startedAtMs)) io.out(line);
  return success;
}

async function runStatus(args: SandboxArgs, io: CommandIo): Promise<CommandOutcome> {
  const status = await sandboxStatus(args.dir);
  if (!status.ok) return { error: status.error };
  if (args.json) io.out(JSON.stringify(status.value));
  else for (const line of renderStatus(status.value)) io.out(line);
  return success;
}

const EXIT_USAGE = 2;

async function runOnPort(args: SandboxArgs, io: CommandIo): Promise<CommandOutcome> {
  // Checked here, not with yargs .check(): main.ts's fail handler rethrows check failures as internal errors.
  const port = args.port;
  if (port === undefined) {
    const error: SandboxError = {
      code: "sandbox.invalid-options",
      detail: `'keel sandbox ${args.action}' needs --port <instance port>`,
    };
    return { error, exitCode: EXIT_USAGE };
  }
  if (args.action === "config") {
    const path = agentConfigPath(args.dir, port);
    if (path.ok) io.out(path.value);
    return outcomeOf(path);
  }
  const act = {
    kill: killInstance,
    stop: stopInstance,
    start: startInstance,
    "kill-agent": killSandboxAgent,
    "start-agent": startSandboxAgent,
  }[args.action as "kill"];
  const r = await act(args.dir, port);
  if (r.ok && !args.json) io.out(`${args.action}: 127.0.0.1:${port} done`);
  return outcomeOf(r);
}

export const sandboxCommand = defineCommand({
  command: "sandbox <action>",
  describe:
    "Local MariaDB GTID sandboxes: up | status | kill | stop | start | down; with agents: config | kill-agent | start-agent",
  builder: (y) =>
    y
      .positional("action", { choices: ACTIONS, describe: "what to do", demandOption: true })
      .option("dir", { type: "string", default: DEFAULT_SANDBOX_DIR, describe: "sandbox directory" })
      .option("instances", {
        type: "number",
        default: 3,
        describe: "up: servers to start (first is primary)",
      })
      .option("base-port", {
        type: "number",
        default: 23306,
        describe: "up: primary's port; replicas follow",
      })
      .option("semi-sync", { type: "boolean", default: false, describe: "up: enable semi-sync replication" })
      .option("chained", {
        type: "boolean",
        default: false,
        describe: "up: last instance replicates from the 2nd",
      })
      .option("mariadbd", { type: "string", describe: "up: path to mariadbd (default /usr/sbin/mariadbd)" })
      .option("port", {
        type: "number",
        describe: "kill|stop|start|config|kill-agent|start-agent: the instance's port",
      })
      .option("agents", {
        type: "boolean",
        default: false,
        describe: "up: also run a keel agent per instance (config in <dir>/agent-<port>/keel.json)",
      })
      .option("gossip-port-offset", {
        type: "number",
        default: DEFAULT_AGENT_PORT_OFFSETS.gossip,
        describe: "up --agents: agent gossip UDP port = instance port + this",
      })
      .option("http-port-offset", {
        type: "number",
        default: DEFAULT_AGENT_PORT_OFFSETS.http,
        describe: "up --agents: agent HTTP API port = instance port + this",
      })
      .option("json", { type: "boolean", default: false, describe: "up|status: JSON output" })
      .example("keel sandbox up --instances 3 --base-port 23306 --dir ./keel-sandbox", "primary + 2 replicas")
      .example("keel sandbox kill --port 23306", "crash the primary (SIGKILL)")
      .example("keel sandbox up --agents", "servers plus a keel agent beside each")
      .example("keel topology --config $(keel sandbox config --port 23307)", "ask through one agent's config")
      .example("keel sandbox down", "kill everything and remove the sandbox files"),
  async run(parsed, io) {
    const args: SandboxArgs = parsed;
    switch (args.action) {
      case "up":
        return runUp(args, io);
      case "status":
        return runStatus(args, io);
      case "down":
        return outcomeOf(await sandboxDown(args.dir));
      default:
        return runOnPort(args, io);
    }
  },
});
