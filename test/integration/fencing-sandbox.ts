// Shared by the fencing, rejoin and downtime integration tests: a 3-instance MariaDB sandbox with
// a COMPILED keel agent beside each server (`keel sandbox up --agents`), SQL against the servers,
// and the agents' APIs read and driven the way the CLI does it.
import mysql from "mysql2/promise";
import { readFileSync } from "node:fs";
import { loadConfig } from "../../src/config/load.ts";
import type { Config } from "../../src/config/config.ts";
import type { LedgerCommand } from "../../src/raft/ledger-commands.ts";
import { fetchRaftView, proposeViaAgent } from "../../src/runtime/api-client.ts";
import type { RaftView } from "../../src/runtime/ledger-view.ts";
import { ensureCompiledBinary, type RunResult, runBinary } from "../e2e/helpers/compiled.ts";
import { AGENT_OFFSET_ARGS, agentPortsIn, type PortBlock } from "../helpers/ports.ts";
import { makeTestSandboxDir, removeTestSandboxDir } from "../helpers/sandbox.ts";
import { SANDBOX_ADMIN } from "../../src/sandbox/sandbox-types.ts";

export const NODE_IDS = ["db1", "db2", "db3"] as const;

export interface AgentSandbox {
  dir: string;
  bin: string;
  ports: number[];
  /** Node id (db1…) → its agent's config. */
  configs: Map<string, Config>;
  configPath(nodeId: string): string;
  portOf(nodeId: string): number;
  keel(...args: string[]): RunResult;
  down(): Promise<void>;
}

/** The binary under test: KEEL_TEST_BINARY when set (a private build), else dist's. */
export function testBinary(): string {
  return process.env.KEEL_TEST_BINARY ?? ensureCompiledBinary();
}

/** Three servers and their agents, every port inside the calling test file's block. */
export async function startAgentSandbox(block: PortBlock): Promise<AgentSandbox> {
  const bin = testBinary();
  const env = { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", KEEL_SANDBOX_OWNER_PID: String(process.pid) };
  const ports = agentPortsIn(block, NODE_IDS.length).mysql;
  const dir = makeTestSandboxDir();
  const keel = (...args: string[]): RunResult => runBinary(bin, args, dir, env);
  const up = keel(
    "sandbox",
    "up",
    "--agents",
    "--dir",
    dir,
    "--instances",
    String(ports.length),
    "--base-port",
    String(ports[0]),
    ...AGENT_OFFSET_ARGS,
  );
  if (up.exitCode !== 0) {
    await removeTestSandboxDir(dir);
    throw new Error(`sandbox up --agents failed: ${up.stderr}${up.stdout}`);
  }
  const configs = new Map<string, Config>();
  const paths = new Map<string, string>();
  NODE_IDS.forEach((id, i) => {
    const path = `${dir}/agent-${ports[i]}/keel.json`;
    const loaded = loadConfig(path, {});
    if (!loaded.ok) throw new Error(`config ${path}: ${loaded.error.map((e) => e.code).join(", ")}`);
    configs.set(id, loaded.value.config);
    paths.set(id, path);
  });
  return {
    dir,
    bin,
    ports,
    configs,
    configPath: (id) => paths.get(id) ?? "",
    portOf: (id) => ports[NODE_IDS.indexOf(id as (typeof NODE_IDS)[number])] ?? 0,
    keel,
    down: () => removeTestSandboxDir(dir),
  };
}

export function configOf(sb: AgentSandbox, id: string): Config {
  const c = sb.configs.get(id);
  if (c === undefined) throw new Error(`no config for ${id}`);
  return c;
}

export async function sql(port: number, statement: string): Promise<Record<string, unknown>[]> {
  const c = await mysql.createConnection({
    host: "127.0.0.1",
    port,
    ...SANDBOX_ADMIN,
    connectTimeout: 2_000,
  });
  try {
    const [rows] = await c.query({ sql: statement, timeout: 5_000 });
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function readOnlyOf(port: number): Promise<boolean | null> {
  try {
    const rows = await sql(port, "SELECT @@global.read_only AS ro");
    return Number(rows[0]?.ro) === 1;
  } catch {
    return null;
  }
}

/** Polls `probe` every pollMs until it returns a non-null value or the time runs out (then null). */
export async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, pollMs = 50) {
  const startedMs = performance.now();
  for (;;) {
    const v = await probe();
    if (v !== null) return { value: v, tookMs: performance.now() - startedMs };
    if (performance.now() - startedMs > timeoutMs) return null;
    await Bun.sleep(pollMs);
  }
}

export async function raftView(sb: AgentSandbox, id: string): Promise<RaftView | null> {
  const v = await fetchRaftView(configOf(sb, id), { timeoutMs: 1_000 });
  return v.ok ? v.value : null;
}

/** Waits until every agent follows one leader with a quorum. */
export async function waitForQuorum(sb: AgentSandbox, timeoutMs = 15_000): Promise<void> {
  const done = await waitFor(
    async () => {
      const views = await Promise.all(NODE_IDS.map((id) => raftView(sb, id)));
      const leader = views[0]?.leader ?? null;
      const agreed = leader !== null && views.every((v) => v?.leader === leader && v.quorum === "OK");
      return agreed ? leader : null;
    },
    timeoutMs,
    100,
  );
  if (done === null) throw new Error("the agents never agreed on a raft leader");
}

export async function propose(sb: AgentSandbox, via: string, cmd: LedgerCommand) {
  return proposeViaAgent(configOf(sb, via), cmd, { timeoutMs: 8_000 });
}

/** The ledger names `id` primary: bootstrapped here unless the agents already did it. */
export async function ensureLedgerPrimary(sb: AgentSandbox, id: string): Promise<number> {
  const named = (p: string | null | undefined) => p === id || p === `127.0.0.1:${sb.portOf(id)}`;
  const now = await raftView(sb, id);
  if (named(now?.ledger.primary)) return now?.ledger.epoch ?? 0;
  const r = await propose(sb, id, {
    type: "set-primary",
    primary: id,
    expectedEpoch: now?.ledger.epoch ?? 0,
  });
  if (!r.ok && r.error.code !== "ledger.stale-epoch")
    throw new Error(`set-primary: ${JSON.stringify(r.error)}`);
  const v = await waitFor(async () => {
    const x = await raftView(sb, id);
    return named(x?.ledger.primary) ? (x?.ledger.epoch ?? null) : null;
  }, 5_000);
  if (v === null) throw new Error(`the ledger never named ${id} primary`);
  return v.value;
}

export function agentLog(sb: AgentSandbox, id: string): string {
  try {
    return readFileSync(`${sb.dir}/agent-${sb.portOf(id)}/agent.log`, "utf8");
  } catch {
    return "";
  }
}
