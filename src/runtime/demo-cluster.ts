// The demo's cluster: a 3-instance semi-sync MariaDB sandbox with a keel agent beside each server,
// and the few things the demo does to it (kill the primary's mysqld, restart it) and waits for
// (a raft leader and an adopted primary, a new writable primary, the old one replicating again).
// Every wait is bounded and reports what it last saw, so a stage that fails says why.
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config/config.ts";
import type { ConfigIssue } from "../config/issues.ts";
import { loadConfig } from "../config/load.ts";
import {
  DEMO_FAILOVER_TIMEOUT_MS,
  DEMO_POLL_MS,
  DEMO_READY_TIMEOUT_MS,
  DEMO_REJOIN_TIMEOUT_MS,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { AgentPortOffsets } from "../sandbox/agent-config.ts";
import {
  killInstance,
  readSandbox,
  runningPorts,
  type SandboxAgentError,
  type SandboxError,
  type SandboxState,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
  startInstance,
} from "../sandbox/sandbox.ts";
import { teardownSandboxSync } from "../sandbox/teardown-sync.ts";
import { fetchRaftView } from "./api-client.ts";
import type { RuntimeClock } from "./clock.ts";
import { findWritablePort } from "./demo-writer.ts";

/** Agents next to their servers (base+10…, base+20…), so a demo needs one block of 30 ports. */
export const DEMO_AGENT_PORT_OFFSETS: AgentPortOffsets = { gossip: 10, http: 20 };
export const DEMO_INSTANCES = 3;

export type DemoWaitError =
  | { code: "demo.not-ready"; waitedMs: number; seen: string }
  | { code: "demo.no-failover"; waitedMs: number; oldPrimaryPort: number; seen: string }
  | { code: "demo.no-rejoin"; waitedMs: number; port: number; primaryPort: number; seen: string }
  | { code: "demo.unknown-instance"; key: string; ports: number[] };

export type DemoClusterError = SandboxError | SandboxAgentError | ConfigIssue | DemoWaitError;

/** What the ledger and the quorum say, as the first agent that answers sees it. */
export interface QuorumSeen {
  leader: string | null;
  primaryNodeId: string | null;
  primaryPort: number | null;
  epoch: number;
}

export class DemoCluster {
  private constructor(
    readonly state: SandboxState,
    /** One loaded config per agent, in instance order. */
    readonly configs: readonly Config[],
    private readonly clock: RuntimeClock,
  ) {}

  /**
   * A sandbox that already runs in `dir` is someone else's: refused before the demo arms its
   * teardown, which would otherwise stop it.
   */
  static checkDirFree(dir: string): Result<void, SandboxError> {
    const previous = readSandbox(dir);
    if (!previous.ok) return ok(undefined);
    const ports = runningPorts(previous.value);
    return ports.length === 0 ? ok(undefined) : err({ code: "sandbox.already-running", dir, ports });
  }

  /** Starts servers and agents; on any failure nothing it started is left running. */
  static async start(
    o: { dir: string; basePort: number; mariadbd?: string },
    clock: RuntimeClock,
  ): Promise<Result<DemoCluster, DemoClusterError>> {
    const up = await sandboxUp({
      dir: o.dir,
      instances: DEMO_INSTANCES,
      basePort: o.basePort,
      semiSync: true,
      agents: DEMO_AGENT_PORT_OFFSETS,
      ...(o.mariadbd ? { mariadbd: o.mariadbd } : {}),
    });
    if (!up.ok) return up;
    const configs: Config[] = [];
    for (const agent of up.value.agents ?? []) {
      const loaded = loadConfig(agent.configFile, {});
      if (!loaded.ok) {
        teardownSandboxSync(o.dir);
        return err(loaded.error[0] as ConfigIssue);
      }
      configs.push(loaded.value.config);
    }
    return ok(new DemoCluster(up.value, configs, clock));
  }

  get ports(): number[] {
    return this.state.instances.map((i) => i.port);
  }

  /** The first agent's config file: the one the console reads through. */
  get consoleConfigPath(): string {
    return this.state.agents?.[0]?.configFile ?? "";
  }

  portOfNode(nodeId: string | null): number | null {
    return this.state.agents?.find((a) => a.nodeId === nodeId)?.port ?? null;
  }

  nodeOfPort(port: number): string {
    return this.state.agents?.find((a) => a.port === port)?.nodeId ?? String(port);
  }

  /** Port of an instance key ("127.0.0.1:23306") when it is one of this sandbox's servers. */
  portOfKey(key: string): Result<number, DemoWaitError> {
    const port = Number(key.slice(key.lastIndexOf(":") + 1));
    if (this.ports.includes(port)) return ok(port);
    return err({ code: "demo.unknown-instance", key, ports: this.ports });
  }

  /** The quorum as the first answering agent sees it; null when none answers. */
  async quorum(): Promise<QuorumSeen | null> {
    for (const config of this.configs) {
      const v = await fetchRaftView(config, { timeoutMs: 1_000 });
      if (!v.ok) continue;
      const primaryNodeId = v.value.ledger.primary;
      return {
        leader: v.value.leader,
        primaryNodeId,
        primaryPort: this.portOfNode(primaryNodeId),
        epoch: v.value.ledger.epoch,
      };
    }
    return null;
  }

  /** Bounded poll: `check` returns a value when done, or a text saying what it saw instead. */
  private async waitUntil<T>(
    timeoutMs: number,
    check: () => Promise<{ done: T } | { seen: string }>,
  ): Promise<{ ok: true; value: T; waitedMs: number } | { ok: false; seen: string; waitedMs: number }> {
    const startedMs = this.clock.monoMs();
    let seen = "nothing yet";
    for (;;) {
      const r = await check();
      const waitedMs = this.clock.monoMs() - startedMs;
      if ("done" in r) return { ok: true, value: r.done, waitedMs };
      seen = r.seen;
      if (waitedMs > timeoutMs) return { ok: false, seen, waitedMs };
      await sleep(DEMO_POLL_MS);
    }
  }

  /** Every agent names the same raft leader, and the ledger has adopted a primary. */
  async waitReady(timeoutMs = DEMO_READY_TIMEOUT_MS): Promise<Result<QuorumSeen, DemoWaitError>> {
    const r = await this.waitUntil<QuorumSeen>(timeoutMs, async () => {
      const views = await Promise.all(this.configs.map((c) => fetchRaftView(c, { timeoutMs: 1_000 })));
      const leaders = views.map((v) => (v.ok ? v.value.leader : null));
      const first = views.find((v) => v.ok);
      const primary = first?.ok ? first.value.ledger.primary : null;
      const agreed = leaders.every((l) => l !== null && l === leaders[0]);
      if (agreed && primary !== null && first?.ok)
        return {
          done: {
            leader: leaders[0] ?? null,
            primaryNodeId: primary,
            primaryPort: this.portOfNode(primary),
            epoch: first.value.ledger.epoch,
          },
        };
      return {
        seen: `raft leaders ${leaders.map((l) => l ?? "none").join("/")}, ledger primary ${primary ?? "none"}`,
      };
    });
    if (r.ok) return ok(r.value);
    return err({ code: "demo.not-ready", waitedMs: Math.round(r.waitedMs), seen: r.seen });
  }

  killMysqld(port: number): Promise<Result<void, SandboxError>> {
    return killInstance(this.state.dir, port);
  }

  restartMysqld(port: number): Promise<Result<void, SandboxError>> {
    return startInstance(this.state.dir, port);
  }

  /** Another server is writable and the ledger names it primary; resolves with its port. */
  async waitNewPrimary(
    oldPort: number,
    timeoutMs = DEMO_FAILOVER_TIMEOUT_MS,
  ): Promise<Result<{ port: number; waitedMs: number }, DemoWaitError>> {
    const others = this.ports.filter((p) => p !== oldPort);
    const r = await this.waitUntil<number>(timeoutMs, async () => {
      const [q, writable] = await Promise.all([this.quorum(), findWritablePort(others)]);
      if (q !== null && writable !== null && q.primaryPort === writable) return { done: writable };
      const ledger = q === null ? "no agent answers" : `ledger primary ${q.primaryNodeId ?? "none"}`;
      return { seen: `${ledger}, writable replica ${writable ?? "none"}` };
    });
    if (r.ok) return ok({ port: r.value, waitedMs: r.waitedMs });
    return err({
      code: "demo.no-failover",
      waitedMs: Math.round(r.waitedMs),
      oldPrimaryPort: oldPort,
      seen: r.seen,
    });
  }

  /** The old primary runs read_only and replicates from the new one with both threads running. */
  async waitRejoined(
    port: number,
    primaryPort: number,
    timeoutMs = DEMO_REJOIN_TIMEOUT_MS,
  ): Promise<Result<{ waitedMs: number }, DemoWaitError>> {
    const r = await this.waitUntil<true>(timeoutMs, async () => {
      const status = await sandboxStatus(this.state.dir);
      const s = status.ok ? status.value.find((i) => i.port === port) : undefined;
      if (s === undefined) return { seen: "no status" };
      if (s.readOnly === true && s.sourcePort === primaryPort && s.ioRunning === "yes" && s.sqlRunning)
        return { done: true };
      return {
        seen: `read_only ${s.readOnly ?? "?"}, replicates from ${s.sourcePort ?? "nobody"}, io ${s.ioRunning ?? "-"}, sql ${s.sqlRunning ?? "-"}`,
      };
    });
    if (r.ok) return ok({ waitedMs: r.waitedMs });
    return err({ code: "demo.no-rejoin", waitedMs: Math.round(r.waitedMs), port, primaryPort, seen: r.seen });
  }

  /** Agents first (they leave the gossip), then the servers; falls back to killing everything. */
  async stop(): Promise<void> {
    const down = await sandboxDown(this.state.dir);
    if (!down.ok) teardownSandboxSync(this.state.dir);
  }
}
