// The nemesis: every fault the chaos tests inject, on a live lab. Network faults compose into one
// NetFaults value loaded atomically on every host; process faults are signals to pids found by
// their command line (mysqld) or tracked by the lab (agents).
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Lab, LabHost } from "./lab.ts";
import type { LabProcess } from "./lab-process.ts";
import { withSocket } from "./lab-sql.ts";
import { processRunning } from "./net-admin.ts";
import { faultProblems, type NetFaults, NO_FAULTS } from "./nft-rules.ts";

export type ProcessKind = "mysqld" | "agent";

export interface NemesisOptions {
  /** Starts a host's agent again after kill9(host, "agent") (lab-agents.ts start). */
  startAgent?: (host: LabHost) => LabProcess;
}

const GONE_TIMEOUT_MS = 10_000;
/** Where a host's delay proxy listens, inside its namespace. */
export const DELAY_PROXY_PORT = 13_306;
const PROXY_READY_TIMEOUT_MS = 5_000;

async function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 300 });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.on("connect", () => done(true));
    s.on("error", () => done(false));
    s.on("timeout", () => done(false));
  });
}

/**
 * Drops every TCP client of the host's mysqld (replicas' dump threads, agents' checks, the test's
 * writer): they reconnect, through the redirect in force now. Nothing to do when mysqld is down.
 */
async function dropTcpClients(h: LabHost): Promise<void> {
  if (h.mysqldPid() === null) return;
  await withSocket(h.server.socket, async (s) => {
    const rows = await s.query(
      "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE HOST LIKE '%:%' AND ID <> CONNECTION_ID()",
    );
    for (const r of rows) await s.query(`KILL ${Number(r.id)}`).catch(() => undefined);
  });
}
const GONE_POLL_MS = 20;

async function waitGone(pids: readonly number[]): Promise<void> {
  const deadline = performance.now() + GONE_TIMEOUT_MS;
  while (pids.some(processRunning)) {
    if (performance.now() > deadline) throw new Error(`processes ${pids.join(", ")} survived SIGKILL`);
    await sleep(GONE_POLL_MS);
  }
}

export class Nemesis {
  private readonly paused = new Set<string>();
  private readonly killedAgents = new Set<string>();
  private readonly proxies = new Map<string, LabProcess>();

  constructor(
    private readonly lab: Lab,
    private readonly o: NemesisOptions = {},
  ) {}

  private async setFaults(next: NetFaults): Promise<void> {
    const problems = faultProblems(
      next,
      this.lab.hosts.map((h) => h.name),
    );
    if (problems.length > 0) throw new Error(`nemesis: ${problems.join("; ")}`);
    await this.lab.applyFaults(next);
  }

  /** Drops every packet to and from the host (the test client's included). */
  isolate(host: string): Promise<void> {
    const f = this.lab.faults();
    return this.setFaults({ ...f, isolated: [...new Set([...f.isolated, host])] });
  }

  /** Hosts talk only within their group; the client reaches every host unless given a group. */
  partition(groups: string[][], o: { clientGroup?: number | null } = {}): Promise<void> {
    return this.setFaults({
      ...this.lab.faults(),
      partition: { groups, clientGroup: o.clientGroup ?? null },
    });
  }

  /** Drops `percent` of the packets entering and of those leaving the host. */
  loss(host: string, percent: number): Promise<void> {
    const f = this.lab.faults();
    return this.setFaults({ ...f, lossPercent: { ...f.lossPercent, [host]: percent } });
  }

  /** Removes every network fault (isolation, partition, loss, delay). */
  async heal(): Promise<void> {
    await this.setFaults(NO_FAULTS);
    for (const host of [...this.proxies.keys()]) await this.stopProxy(host);
  }

  /**
   * Adds `ms` of latency each way to every TCP connection into the host's mysqld from elsewhere
   * (a slow link to that server): a delay proxy in its namespace, an nft redirect to it, and the
   * existing clients dropped so they reconnect through it.
   */
  async delay(host: string, ms: number): Promise<void> {
    const h = this.lab.host(host);
    await this.stopProxy(host);
    const script = join(import.meta.dir, "delay-proxy.ts");
    const argv = [process.execPath, script, String(DELAY_PROXY_PORT), h.address, String(h.port), String(ms)];
    const proxy = h.spawn(argv, { name: "delay-proxy" });
    this.proxies.set(host, proxy);
    const deadline = performance.now() + PROXY_READY_TIMEOUT_MS;
    while (!(await listening(h.address, DELAY_PROXY_PORT))) {
      if (!proxy.running() || performance.now() > deadline)
        throw new Error(`delay: the proxy on ${host} did not start (see ${proxy.logFile})`);
      await sleep(50);
    }
    const f = this.lab.faults();
    await this.setFaults({
      ...f,
      redirect: { ...f.redirect, [host]: { port: h.port, to: DELAY_PROXY_PORT } },
    });
    await dropTcpClients(h);
  }

  /** Ends delay(host): the redirect goes, and stopping the proxy drops what went through it. */
  async undelay(host: string): Promise<void> {
    const { [host]: _gone, ...rest } = this.lab.faults().redirect ?? {};
    await this.setFaults({ ...this.lab.faults(), redirect: rest });
    await this.stopProxy(host);
  }

  private async stopProxy(host: string): Promise<void> {
    const p = this.proxies.get(host);
    if (p === undefined) return;
    this.proxies.delete(host);
    p.signal("SIGKILL");
    await p.exited;
  }

  /** SIGKILL; returns the pids killed (none when nothing ran). */
  async kill9(host: string, what: ProcessKind): Promise<number[]> {
    const h = this.lab.host(host);
    this.paused.delete(host);
    if (what === "mysqld") {
      const pid = h.mysqldPid();
      if (pid === null) return [];
      process.kill(pid, "SIGKILL");
      await waitGone([pid]);
      return [pid];
    }
    const agents = h.processes().filter((p) => p.name === "agent" && p.running());
    for (const p of agents) p.signal("SIGKILL");
    await Promise.all(agents.map((p) => p.exited));
    this.killedAgents.add(host);
    return agents.map((p) => p.pid);
  }

  /** SIGSTOP mysqld: a hung server that still holds its port and accepts TCP handshakes. */
  pause(host: string): void {
    const pid = this.lab.host(host).mysqldPid();
    if (pid === null) throw new Error(`pause: no mysqld running on ${host}`);
    process.kill(pid, "SIGSTOP");
    this.paused.add(host);
  }

  resume(host: string): void {
    const pid = this.lab.host(host).mysqldPid();
    if (pid !== null) process.kill(pid, "SIGCONT");
    this.paused.delete(host);
  }

  /** Starts a killed process again; for mysqld, waits until it answers. */
  async start(host: string, what: ProcessKind): Promise<void> {
    const h = this.lab.host(host);
    if (what === "mysqld") return h.startMysqld();
    if (!this.killedAgents.delete(host)) return;
    if (!this.o.startAgent) throw new Error("nemesis: no startAgent given, cannot restart an agent");
    this.o.startAgent(h);
  }

  /** A clean mysqld restart (SIGTERM, wait, start). */
  async restart(host: string): Promise<void> {
    const h = this.lab.host(host);
    const pid = h.mysqldPid();
    if (pid !== null) {
      if (this.paused.delete(host)) process.kill(pid, "SIGCONT");
      process.kill(pid, "SIGTERM");
      await waitGone([pid]);
    }
    await h.startMysqld();
  }

  /** Back to a whole lab: network healed, paused servers resumed, killed processes started. */
  async healAll(): Promise<void> {
    await this.heal();
    for (const host of [...this.paused]) this.resume(host);
    for (const h of this.lab.hosts) {
      if (h.mysqldPid() === null) await h.startMysqld();
      if (this.killedAgents.has(h.name)) await this.start(h.name, "agent");
    }
  }

  pausedHosts(): string[] {
    return [...this.paused];
  }
}
