// Pure planning of the agents `keel sandbox up --agents` runs beside its servers: one per
// instance, node_id db<i+1>, gossip on 127.0.0.1 at the instance port + 1000 and HTTP at + 2000
// (both offsets adjustable), every other agent as a seed, every agent a raft voter.
import { SANDBOX_ADMIN, SANDBOX_REPL, type SandboxInstance } from "./sandbox-types.ts";

/** The cluster name sandbox agents gossip under. */
export const SANDBOX_CLUSTER = "sandbox";

export interface AgentPortOffsets {
  /** Gossip UDP port = instance port + this. */
  gossip: number;
  /** HTTP API port = instance port + this. */
  http: number;
}

export const DEFAULT_AGENT_PORT_OFFSETS: AgentPortOffsets = { gossip: 1_000, http: 2_000 };

export interface SandboxAgent {
  /** The instance port the agent watches. */
  port: number;
  nodeId: string;
  dir: string;
  configFile: string;
  logFile: string;
  gossipPort: number;
  httpPort: number;
  /** The agent process as last started; null when it was never started or was stopped. */
  pid: number | null;
}

export function agentDirOf(dir: string, port: number): string {
  return `${dir}/agent-${port}`;
}

export function planAgents(
  dir: string,
  instances: readonly SandboxInstance[],
  offsets: AgentPortOffsets,
): SandboxAgent[] {
  return instances.map((inst, i) => {
    const home = agentDirOf(dir, inst.port);
    return {
      port: inst.port,
      nodeId: `db${i + 1}`,
      dir: home,
      configFile: `${home}/keel.json`,
      logFile: `${home}/agent.log`,
      gossipPort: inst.port + offsets.gossip,
      httpPort: inst.port + offsets.http,
      pid: null,
    };
  });
}

/** Every port an agent plan uses, to check them against each other and against the servers'. */
export function agentPorts(agents: readonly SandboxAgent[]): number[] {
  return agents.flatMap((a) => [a.gossipPort, a.httpPort]);
}

export function mysqlPasswordFileOf(agent: SandboxAgent): string {
  return `${agent.dir}/mysql.password`;
}

export function replPasswordFileOf(agent: SandboxAgent): string {
  return `${agent.dir}/repl.password`;
}

/** keel.json of one agent; passwords stay in their 0600 files, never in this text. */
export function agentConfigText(
  agent: SandboxAgent,
  all: readonly SandboxAgent[],
  keyBase64: string,
): string {
  const config = {
    cluster: SANDBOX_CLUSTER,
    node_id: agent.nodeId,
    gossip: {
      bind: "127.0.0.1",
      port: agent.gossipPort,
      seeds: all.filter((a) => a !== agent).map((a) => `127.0.0.1:${a.gossipPort}`),
    },
    keyring: { primary: keyBase64, keys: [keyBase64] },
    mysql: {
      host: "127.0.0.1",
      port: agent.port,
      user: SANDBOX_ADMIN.user,
      password_file: mysqlPasswordFileOf(agent),
    },
    replication: { user: SANDBOX_REPL.user, password_file: replPasswordFileOf(agent) },
    http: { listen: `127.0.0.1:${agent.httpPort}` },
    raft: { voters: all.map((a) => a.nodeId), data_dir: `${agent.dir}/data` },
    log: { format: "json" },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
