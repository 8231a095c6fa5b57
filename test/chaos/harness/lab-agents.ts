// The compiled `keel agent` on every lab host, inside the host's namespace: one 0600 keel.json
// per host (gossip and HTTP on the host's lab address, every other host a seed, every host a raft
// voter, the local mariadbd over its socket), passwords in 0600 files, one fresh shared keyring.
// The root namespace reads each agent's unauthenticated GET /api/state and /api/recoveries.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateKey } from "../../../src/net/keyring.ts";
import { ensureCompiledBinary } from "../../e2e/helpers/compiled.ts";
import type { Lab, LabHost } from "./lab.ts";
import type { LabProcess } from "./lab-process.ts";
import { LAB_ADMIN, LAB_REPL } from "./lab-sql.ts";

export const LAB_CLUSTER = "chaos";
export const AGENT_GOSSIP_PORT = 7946;
export const AGENT_HTTP_PORT = 9797;

export interface AgentTuning {
  /** failover.fence_after_ms: an agent cut off from the quorum this long fences its server. */
  fenceAfterMs: number;
  /** failover.recovery_block_s: 0 lets a run fail over more than once (anti-flap off). */
  recoveryBlockSeconds: number;
  confirmWindowMs: number;
  probeIntervalMs: number;
}

export const CHAOS_AGENT_TUNING: AgentTuning = {
  fenceAfterMs: 1_500,
  recoveryBlockSeconds: 0,
  confirmWindowMs: 1_000,
  probeIntervalMs: 500,
};

export interface LabAgentFiles {
  dir: string;
  configFile: string;
  dataDir: string;
}

export function agentFilesOf(h: LabHost): LabAgentFiles {
  const dir = `${h.dir}/agent`;
  return { dir, configFile: `${dir}/keel.json`, dataDir: `${dir}/data` };
}

/** keel.json of one lab host; passwords stay in their files, never in this text. */
export function labAgentConfig(
  h: LabHost,
  all: readonly LabHost[],
  keyBase64: string,
  semiSync: boolean,
  t: AgentTuning,
): Record<string, unknown> {
  const files = agentFilesOf(h);
  return {
    cluster: LAB_CLUSTER,
    node_id: h.name,
    gossip: {
      bind: h.address,
      port: AGENT_GOSSIP_PORT,
      seeds: all.filter((x) => x !== h).map((x) => `${x.address}:${AGENT_GOSSIP_PORT}`),
    },
    keyring: { primary: keyBase64, keys: [keyBase64] },
    mysql: {
      // host:port is what other agents and replicas reach this server at; the socket is how
      // this agent itself talks to it (no network fault cuts an agent from its own server).
      host: h.address,
      port: h.port,
      socket: h.server.socket,
      user: LAB_ADMIN.user,
      password_file: `${files.dir}/mysql.password`,
    },
    replication: { user: LAB_REPL.user, password_file: `${files.dir}/repl.password` },
    probe_interval_ms: t.probeIntervalMs,
    http: { listen: `${h.address}:${AGENT_HTTP_PORT}` },
    raft: { voters: all.map((x) => x.name), data_dir: files.dataDir },
    failover: {
      fence_after_ms: t.fenceAfterMs,
      recovery_block_s: t.recoveryBlockSeconds,
      confirm_window_ms: t.confirmWindowMs,
      semi_sync: semiSync,
    },
    log: { format: "json", level: "info" },
  };
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // the mode option only applies when the file is created
}

/** A private copy of the compiled binary: others may rebuild dist/ while a run goes on. */
export function stageKeelBinary(): { bin: string; remove(): void } {
  const source = process.env.KEEL_CHAOS_BIN ?? ensureCompiledBinary();
  const dir = mkdtempSync(join(tmpdir(), "keel-chaos-bin-"));
  const bin = join(dir, "keel");
  copyFileSync(source, bin);
  chmodSync(bin, 0o755);
  return { bin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LabAgents {
  readonly bin: string;
  /** Starts the host's agent (used again by the nemesis after a kill -9). */
  start(h: LabHost): LabProcess;
  /** SIGKILLs every agent still running and removes the staged binary. */
  stop(): Promise<void>;
}

/** Lays down every host's files and starts all agents. */
export function startLabAgents(lab: Lab, tuning: AgentTuning = CHAOS_AGENT_TUNING): LabAgents {
  const staged = stageKeelBinary();
  const key = generateKey();
  for (const h of lab.hosts) {
    const files = agentFilesOf(h);
    mkdirSync(files.dataDir, { recursive: true, mode: 0o700 });
    writeSecret(`${files.dir}/mysql.password`, `${LAB_ADMIN.password}\n`);
    writeSecret(`${files.dir}/repl.password`, `${LAB_REPL.password}\n`);
    const config = labAgentConfig(h, lab.hosts, key, lab.semiSync, tuning);
    writeSecret(files.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }
  const start = (h: LabHost) =>
    h.spawn([staged.bin, "agent", "--config", agentFilesOf(h).configFile], {
      name: "agent",
      env: { MSGPACKR_NATIVE_ACCELERATION_DISABLED: "true" },
    });
  for (const h of lab.hosts) start(h);
  return {
    bin: staged.bin,
    start,
    async stop() {
      const running = lab.hosts.flatMap((h) =>
        h.processes().filter((p) => p.name === "agent" && p.running()),
      );
      for (const p of running) p.signal("SIGKILL");
      await Promise.all(running.map((p) => p.exited));
      staged.remove();
    },
  };
}

/** What the root namespace reads from one agent's /api/state (the raft view's ledger summary). */
export interface AgentLedgerReading {
  host: string;
  term: number;
  leader: string | null;
  index: number;
  primary: string | null;
  epoch: number;
}

export const AGENT_HTTP_TIMEOUT_MS = 400;

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

interface RaftViewShape {
  term: number;
  leader: string | null;
  ledger: { index: number; primary: string | null; epoch: number };
}

/** One agent's raft view; null when it does not answer (isolated, killed, starting). */
export async function readAgentLedger(
  h: LabHost,
  timeoutMs = AGENT_HTTP_TIMEOUT_MS,
): Promise<AgentLedgerReading | null> {
  try {
    const state = (await getJson(`http://${h.address}:${AGENT_HTTP_PORT}/api/state`, timeoutMs)) as {
      raft: RaftViewShape | null;
    };
    const r = state.raft;
    if (!r) return null;
    const { index, primary, epoch } = r.ledger;
    return { host: h.name, term: r.term, leader: r.leader, index, primary, epoch };
  } catch {
    return null;
  }
}

export interface LedgerRecovery {
  id: string;
  state: string;
  analysis: string;
  failedInstance: string;
  successor: string | null;
  detail: string;
  steps: { name: string; status: string; detail: string }[];
}

/** Every recovery in one agent's copy of the ledger; null when it does not answer. */
export async function readAgentRecoveries(
  h: LabHost,
  timeoutMs = AGENT_HTTP_TIMEOUT_MS,
): Promise<LedgerRecovery[] | null> {
  try {
    return (await getJson(
      `http://${h.address}:${AGENT_HTTP_PORT}/api/recoveries`,
      timeoutMs,
    )) as LedgerRecovery[];
  } catch {
    return null;
  }
}

/** The most advanced ledger copy among the agents that answer (highest applied index). */
export async function readClusterLedger(lab: Lab): Promise<AgentLedgerReading | null> {
  const all = await Promise.all(lab.hosts.map((h) => readAgentLedger(h)));
  let best: AgentLedgerReading | null = null;
  for (const r of all) if (r && (best === null || r.index > best.index)) best = r;
  return best;
}

/** The recoveries of the most advanced ledger copy. */
export async function readClusterRecoveries(lab: Lab): Promise<LedgerRecovery[]> {
  const ledgers = await Promise.all(lab.hosts.map((h) => readAgentLedger(h)));
  const order = lab.hosts
    .map((h, i) => ({ h, index: ledgers[i]?.index ?? -1 }))
    .filter((x) => x.index >= 0)
    .sort((a, b) => b.index - a.index);
  for (const { h } of order) {
    const r = await readAgentRecoveries(h);
    if (r) return r;
  }
  return [];
}

/** Waits until an agent's ledger names a primary (the agents adopted the running topology). */
export async function waitLedgerPrimary(lab: Lab, timeoutMs: number): Promise<AgentLedgerReading> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await readClusterLedger(lab);
    if (r?.primary) return r;
    if (performance.now() > deadline)
      throw new Error(
        `no agent's ledger named a primary within ${timeoutMs} ms (last: ${JSON.stringify(r)})`,
      );
    await sleep(200);
  }
}
