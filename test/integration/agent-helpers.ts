// Agent configs for the agent integration tests: one keel.json per agent of a local sandbox,
// written 0600 (they hold the gossip key and the sandbox's MySQL password).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger, type Logger } from "../../src/obs/logger.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL } from "../../src/sandbox/sandbox-types.ts";

export interface AgentSpec {
  nodeId: string;
  gossipPort: number;
  /** Gossip ports of the other agents. */
  seedPorts: number[];
  mysqlPort: number | null;
  httpPort: number | null;
  key: string;
  /** Where this agent keeps its raft log; one directory per agent. */
  raftDataDir: string;
  /** Raft voters (node ids); required by the raft host once there are seeds. */
  voters: string[];
  probeIntervalMs?: number;
}

export function agentConfigJson(s: AgentSpec): Record<string, unknown> {
  return {
    cluster: "main",
    node_id: s.nodeId,
    witness: s.mysqlPort === null,
    gossip: { bind: "127.0.0.1", port: s.gossipPort, seeds: s.seedPorts.map((p) => `127.0.0.1:${p}`) },
    keyring: { primary: s.key, keys: [s.key] },
    mysql: s.mysqlPort === null ? null : { host: "127.0.0.1", port: s.mysqlPort, ...SANDBOX_ADMIN },
    replication: { password: SANDBOX_REPL.password },
    probe_interval_ms: s.probeIntervalMs ?? 250,
    http: { listen: s.httpPort === null ? null : `127.0.0.1:${s.httpPort}` },
    raft: { data_dir: s.raftDataDir, voters: s.voters },
    log: { format: "json", level: "info" },
  };
}

export function writeAgentConfig(dir: string, spec: AgentSpec): string {
  const path = join(dir, `${spec.nodeId}.json`);
  writeFileSync(path, JSON.stringify(agentConfigJson(spec), null, 2), { mode: 0o600 });
  return path;
}

export function loadAgentConfig(path: string): Config {
  const r = loadConfig(path, {});
  if (!r.ok) throw new Error(`agent config ${path} invalid: ${r.error.map((i) => i.code).join(", ")}`);
  return r.value.config;
}

/** A logger that keeps its lines in memory (for assertions) instead of writing them. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: "info",
    format: "json",
    isTty: false,
    sink: { write: (line) => lines.push(line) },
    nowWallMs: () => Date.now(),
  });
  return { logger, lines };
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; returns the ms it took. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const startMs = performance.now();
  for (;;) {
    if (await check()) return performance.now() - startMs;
    if (performance.now() - startMs > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}
