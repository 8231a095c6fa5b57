// Shared by the failover/switchover integration tests and bench/failover.ts: a sandbox of real
// MariaDB servers with the COMPILED keel binary as agent processes, a steady writer that logs every
// acknowledged id, and small readers of the ledger and of the servers themselves.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import mysql from "mysql2/promise";
import { makeTestSandboxDir, removeTestSandboxDir } from "../helpers/sandbox.ts";

const REPO = resolve(import.meta.dir, "../..");

export interface LedgerSeen {
  primary: string | null;
  epoch: number;
  recoveries: {
    id: string;
    state: string;
    successor: string | null;
    detail: string;
    steps: { name: string; status: string; detail: string }[];
  }[];
  switchover: unknown;
}

/** Builds this tree's binary into a private directory (others may rebuild dist/ meanwhile). */
export function buildPrivateBinary(): { bin: string; remove(): void } {
  const out = mkdtempSync(join(tmpdir(), "keel-failover-bin-"));
  const r = Bun.spawnSync(
    [join(REPO, "node_modules/.bin/bun"), "build.ts", "--target", "x64", "--out", out],
    {
      cwd: REPO,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if (r.exitCode !== 0) throw new Error(`build failed: ${r.stderr.toString()}`);
  return { bin: join(out, "keel-linux-x64"), remove: () => rmSync(out, { recursive: true, force: true }) };
}

export interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ClusterOptions {
  basePort: number;
  instances?: number;
  semiSync?: boolean;
  chained?: boolean;
  /** Changes every agent's keel.json (then the agents are restarted with it). */
  patchConfig?: (config: Record<string, unknown>, nodeId: string, dir: string) => void;
}

export class TestCluster {
  readonly ports: number[];
  readonly nodeIds: string[];

  private constructor(
    readonly bin: string,
    readonly dir: string,
    readonly o: ClusterOptions,
  ) {
    const n = o.instances ?? 3;
    this.ports = Array.from({ length: n }, (_, i) => o.basePort + i);
    this.nodeIds = this.ports.map((_, i) => `db${i + 1}`);
  }

  static async start(bin: string, o: ClusterOptions): Promise<TestCluster> {
    const c = new TestCluster(bin, makeTestSandboxDir(), o);
    const up = await c.keel(
      "sandbox",
      "up",
      "--agents",
      "--dir",
      c.dir,
      "--instances",
      String(c.ports.length),
      "--base-port",
      String(o.basePort),
      "--gossip-port-offset",
      "10",
      "--http-port-offset",
      "20",
      ...(o.semiSync ? ["--semi-sync"] : []),
      ...(o.chained ? ["--chained"] : []),
    );
    if (up.exitCode !== 0) throw new Error(`sandbox up failed: ${up.stderr}`);
    if (o.patchConfig) {
      for (const [i, port] of c.ports.entries()) {
        await c.killAgent(port);
        const path = c.configOf(port);
        const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
        o.patchConfig(config, c.nodeIds[i] as string, c.dir);
        writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
      }
      for (const port of c.ports) {
        const r = await c.keel("sandbox", "start-agent", "--dir", c.dir, "--port", String(port));
        if (r.exitCode !== 0) throw new Error(`start-agent failed: ${r.stderr}`);
      }
    }
    return c;
  }

  async keel(...args: string[]): Promise<RunOutput> {
    const p = Bun.spawn([this.bin, ...args], {
      cwd: this.dir,
      env: { PATH: "/usr/bin:/bin", KEEL_SANDBOX_OWNER_PID: String(process.pid), USER: "tester" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
    ]);
    return { exitCode: await p.exited, stdout, stderr };
  }

  configOf(port: number): string {
    return `${this.dir}/agent-${port}/keel.json`;
  }

  logOf(port: number): string {
    try {
      return readFileSync(`${this.dir}/agent-${port}/agent.log`, "utf8");
    } catch {
      return "";
    }
  }

  portOf(nodeId: string): number {
    return this.ports[this.nodeIds.indexOf(nodeId)] ?? -1;
  }

  /** The ledger as the agent of `port` holds it (keel raft status --json); null if it can't say. */
  async ledger(port = this.ports[1] as number): Promise<LedgerSeen | null> {
    const r = await this.keel("raft", "status", "--json", "--config", this.configOf(port));
    if (r.exitCode !== 0) return null;
    try {
      return (JSON.parse(r.stdout) as { ledger: LedgerSeen }).ledger;
    } catch {
      return null;
    }
  }

  /** The raft leader's node id as `port`'s agent sees it. */
  async leader(port: number): Promise<string | null> {
    const r = await this.keel("raft", "status", "--json", "--config", this.configOf(port));
    if (r.exitCode !== 0) return null;
    return (JSON.parse(r.stdout) as { leader: string | null }).leader;
  }

  async killMysqld(port: number): Promise<void> {
    const r = await this.keel("sandbox", "kill", "--dir", this.dir, "--port", String(port));
    if (r.exitCode !== 0) throw new Error(`kill failed: ${r.stderr}`);
  }

  agentPid(port: number): number | null {
    const state = JSON.parse(readFileSync(`${this.dir}/sandbox.json`, "utf8")) as {
      agents?: { port: number; pid: number | null }[];
    };
    return state.agents?.find((a) => a.port === port)?.pid ?? null;
  }

  /** kill -9 of the agent, returning once the process is gone (its raft directory lock with it). */
  async killAgent(port: number): Promise<void> {
    const pid = this.agentPid(port);
    const r = await this.keel("sandbox", "kill-agent", "--dir", this.dir, "--port", String(port));
    if (r.exitCode !== 0) throw new Error(`kill-agent failed: ${r.stderr}`);
    if (pid !== null) await waitFor(`agent ${pid} to exit`, 5_000, async () => !existsSync(`/proc/${pid}`));
  }

  async startAgent(port: number): Promise<void> {
    const r = await this.keel("sandbox", "start-agent", "--dir", this.dir, "--port", String(port));
    if (r.exitCode !== 0) throw new Error(`start-agent failed: ${r.stderr}`);
  }

  async remove(): Promise<void> {
    await removeTestSandboxDir(this.dir);
  }
}

/** The sandbox's admin (keel) or the test's application user (app: no SUPER, so read_only binds it). */
export async function connect(port: number, user: "keel" | "app" = "keel"): Promise<mysql.Connection> {
  return mysql.createConnection({ host: "127.0.0.1", port, user, password: user, connectTimeout: 1_000 });
}

/** One query on a fresh connection; null when the server does not answer. */
export async function query<T = Record<string, unknown>>(port: number, sql: string): Promise<T[] | null> {
  let c: mysql.Connection | null = null;
  try {
    c = await connect(port);
    const [rows] = await c.query(sql);
    return rows as T[];
  } catch {
    return null;
  } finally {
    c?.destroy();
  }
}

export async function readOnlyOf(port: number): Promise<boolean | null> {
  const rows = await query<{ ro: number }>(port, "SELECT @@global.read_only AS ro");
  return rows === null ? null : rows[0]?.ro === 1;
}

export async function sourcePortOf(port: number): Promise<number | null> {
  const rows = await query<{ Master_Port?: number; Slave_IO_Running?: string }>(port, "SHOW SLAVE STATUS");
  const row = rows?.[0];
  return row?.Slave_IO_Running === "Yes" ? (row.Master_Port ?? null) : null;
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  f: () => Promise<T | null | false>,
): Promise<T> {
  const startedMs = performance.now();
  for (;;) {
    const v = await f();
    if (v !== null && v !== false) return v;
    if (performance.now() - startedMs > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/** Inserts one row after another on `port`, logging every acknowledged id, until stopped or refused. */
export class Writer {
  readonly acked: number[] = [];
  readonly errors: string[] = [];
  /** Monotonic ms of each acknowledgement, to measure the write gap. */
  readonly ackedAtMs: number[] = [];
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private ports: () => number | null) {}

  /** The table and an application user on the primary (both replicate). */
  static async prepare(port: number): Promise<void> {
    const c = await connect(port);
    await c.query("CREATE DATABASE IF NOT EXISTS keeltest");
    await c.query("CREATE TABLE IF NOT EXISTS keeltest.w (id INT PRIMARY KEY) ENGINE=InnoDB");
    await c.query("CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY 'app'");
    await c.query("GRANT SELECT, INSERT ON keeltest.* TO 'app'@'127.0.0.1'");
    c.destroy();
  }

  /** follow: after an error, look for the writable server again (a switchover's writer). */
  start(follow: boolean): void {
    this.done = this.loop(follow);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async loop(follow: boolean): Promise<void> {
    let next = 1;
    while (!this.stopped) {
      const port = this.ports();
      if (port === null) {
        await Bun.sleep(10);
        continue;
      }
      let c: mysql.Connection | null = null;
      try {
        c = await connect(port, "app");
        while (!this.stopped) {
          await c.query("INSERT INTO keeltest.w (id) VALUES (?)", [next]);
          this.acked.push(next);
          this.ackedAtMs.push(performance.now());
          next += 1;
        }
      } catch (e) {
        this.errors.push(String((e as { code?: string }).code ?? e));
        next += 1; // the failed id may or may not have committed: never reuse it
        if (!follow) return;
        await Bun.sleep(5);
      } finally {
        c?.destroy();
      }
    }
  }
}

/** Ids among `acked` that the server on `port` does not have. */
export async function missingOn(port: number, acked: readonly number[]): Promise<number[]> {
  const rows = await query<{ id: number }>(port, "SELECT id FROM keeltest.w");
  if (rows === null) throw new Error(`server ${port} does not answer`);
  const have = new Set(rows.map((r) => r.id));
  return acked.filter((id) => !have.has(id));
}

/** The node whose server is writable, by probing every port. */
export async function writablePort(ports: readonly number[]): Promise<number | null> {
  for (const port of ports) if ((await readOnlyOf(port)) === false) return port;
  return null;
}
