// The probe against real MariaDB: a 3-instance sandbox (TEST_PORT_BLOCKS.probe), then the failures
// the agent must tell apart — hung (SIGSTOP), stopped, killed primary — each within its bound.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { PROBE_DEADLINE_MS } from "../../src/lib/limits.ts";
import type { InstanceState, ReachableInstance } from "../../src/model/instance-state.ts";
import type { ProbeTarget } from "../../src/mysql/connect.ts";
import { InstanceProber, probeOnce } from "../../src/mysql/probe.ts";
import { withAdmin } from "../../src/sandbox/admin-sql.ts";
import { killInstance, SANDBOX_ADMIN, startInstance, stopInstance } from "../../src/sandbox/sandbox.ts";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";

const BASE_PORT = portIn(TEST_PORT_BLOCKS.probe, 0);
const PRIMARY = BASE_PORT;
const REPLICA_A = BASE_PORT + 1;
const REPLICA_B = BASE_PORT + 2;

const sandbox = useTestSandbox({ instances: 3, basePort: BASE_PORT });

function target(port: number): ProbeTarget {
  return {
    address: { kind: "tcp", host: "127.0.0.1", port },
    user: SANDBOX_ADMIN.user,
    password: SANDBOX_ADMIN.password,
  };
}

function reachable(s: InstanceState): ReachableInstance {
  if (!s.reachable) throw new Error(`expected reachable, got ${s.reason} ${s.errorCode}: ${s.message}`);
  return s;
}

/** Polls until check passes or timeoutMs elapse; returns the last state either way. */
async function probeUntil(port: number, check: (s: InstanceState) => boolean, timeoutMs: number) {
  const startMs = performance.now();
  let last = await probeOnce(target(port));
  while (!check(last) && performance.now() - startMs < timeoutMs) {
    await Bun.sleep(100);
    last = await probeOnce(target(port));
  }
  return { state: last, elapsedMs: performance.now() - startMs };
}

function pidOf(port: number): number {
  const inst = sandbox().instances.find((i) => i.port === port);
  if (!inst) throw new Error(`no instance on ${port}`);
  return Number(readFileSync(inst.pidFile, "utf8").trim());
}

/** SIGSTOP is delivered asynchronously: wait until the kernel reports the process stopped. */
async function waitStopped(pid: number): Promise<void> {
  const startMs = performance.now();
  while (performance.now() - startMs < 2_000) {
    const state = readFileSync(`/proc/${pid}/status`, "utf8").match(/^State:\s+(\S)/m)?.[1];
    if (state === "T") return;
    await Bun.sleep(5);
  }
  throw new Error(`process ${pid} did not stop`);
}

describe("probe against a live sandbox", () => {
  test("primary is writable with binlog; replicas are read-only, both threads running, lag ~0", async () => {
    const primary = reachable(await probeOnce(target(PRIMARY)));
    expect(primary.flavor).toBe("mariadb");
    expect(primary.readOnly).toBe(false);
    expect(primary.logBin).toBe(true);
    expect(primary.binlog).not.toBeNull();
    expect(primary.channels).toEqual([]);
    expect(primary.mariadbGtid).not.toBeNull();
    for (const port of [REPLICA_A, REPLICA_B]) {
      const r = reachable(await probeOnce(target(port)));
      expect(r.readOnly).toBe(true);
      expect(r.channels).toHaveLength(1);
      const c = r.channels[0]!;
      expect(c.sourcePort).toBe(PRIMARY);
      expect(c.ioState).toBe("yes");
      expect(c.sqlRunning).toBe(true);
      expect(c.secondsBehind).not.toBeNull();
      expect(c.secondsBehind!).toBeLessThanOrEqual(1);
      expect(c.gtidAutoPosition).toBe(true);
    }
  }, 20_000);

  test("a unix socket works as well as host/port", async () => {
    const inst = sandbox().instances.find((i) => i.port === REPLICA_A)!;
    const viaSocket: ProbeTarget = { ...target(REPLICA_A), address: { kind: "socket", path: inst.socket } };
    const s = await probeOnce(viaSocket);
    // Socket logins authenticate as keel@localhost, which the sandbox may not grant; either way
    // the probe must answer with a typed state naming the socket.
    expect(s.key).toEqual({ host: inst.socket, port: 0 });
    if (s.reachable) expect(s.serverId).toBe(inst.serverId);
    else expect(s.reason).toBe("auth");
  }, 10_000);

  test("after writes on the primary, every replica's GTID position equals the primary's", async () => {
    const wrote = await withAdmin(PRIMARY, "write", async (s) => {
      await s.query("CREATE DATABASE IF NOT EXISTS probe_it");
      await s.query("CREATE TABLE IF NOT EXISTS probe_it.t (id INT PRIMARY KEY)");
      await s.query("INSERT INTO probe_it.t VALUES (1), (2), (3)");
    });
    expect(wrote.ok).toBe(true);
    const primary = reachable(await probeOnce(target(PRIMARY)));
    expect(primary.gtidExecuted).not.toBe("");
    for (const port of [REPLICA_A, REPLICA_B]) {
      const { state } = await probeUntil(
        port,
        (s) => s.reachable && s.mariadbGtid?.slavePos === primary.mariadbGtid?.binlogPos,
        5_000,
      );
      const r = reachable(state);
      expect(r.mariadbGtid!.slavePos).toBe(primary.mariadbGtid!.binlogPos);
      expect(r.channels[0]!.executedGtidSet).toBe(primary.gtidExecuted);
      expect(r.channels[0]!.retrievedGtidSet).toBe(primary.gtidExecuted);
    }
  }, 20_000);

  test("a SIGSTOPped server is unreachable 'timeout' within the probe deadline", async () => {
    const pid = pidOf(REPLICA_B);
    const prober = new InstanceProber(target(REPLICA_B));
    try {
      reachable(await prober.probe()); // the reused connection is open when the server hangs
      process.kill(pid, "SIGSTOP");
      await waitStopped(pid);
      const startMs = performance.now();
      const hung = await prober.probe();
      const elapsedMs = performance.now() - startMs;
      expect(hung.reachable).toBe(false);
      if (!hung.reachable) expect(hung.reason).toBe("timeout");
      expect(elapsedMs).toBeLessThan(PROBE_DEADLINE_MS + 300);
      const fresh = await probeOnce(target(REPLICA_B));
      expect(fresh.reachable).toBe(false);
      if (!fresh.reachable) expect(fresh.reason).toBe("timeout");
      expect(fresh.probeLatencyMs).toBeLessThan(PROBE_DEADLINE_MS + 300);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    // The same prober reconnects by itself once the server answers again.
    reachable(await prober.probe());
    await prober.close();
  }, 20_000);

  test("a stopped server is 'refused' quickly; a reused prober reconnects when it is back", async () => {
    const prober = new InstanceProber(target(REPLICA_B));
    reachable(await prober.probe());
    expect((await stopInstance(sandbox().dir, REPLICA_B)).ok).toBe(true);
    const down = await prober.probe();
    expect(down.reachable).toBe(false);
    if (!down.reachable) {
      expect(down.reason).toBe("refused");
      expect(down.errorCode).toBe("ECONNREFUSED");
    }
    expect(down.probeLatencyMs).toBeLessThan(500);
    expect((await startInstance(sandbox().dir, REPLICA_B)).ok).toBe(true);
    const back = reachable(await prober.probe());
    expect(back.channels[0]!.sqlRunning).toBe(true);
    await prober.close();
  }, 30_000);

  test("kill -9 of the primary: a replica's probe shows the IO thread failing with its error within 10 s", async () => {
    const prober = new InstanceProber(target(REPLICA_A));
    reachable(await prober.probe());
    expect((await killInstance(sandbox().dir, PRIMARY)).ok).toBe(true);
    const startMs = performance.now();
    let state = await prober.probe();
    const failing = (s: InstanceState) =>
      s.reachable && s.channels[0]!.ioState !== "yes" && s.channels[0]!.lastIoErrno !== 0;
    while (!failing(state) && performance.now() - startMs < 10_000) {
      await Bun.sleep(200);
      state = await prober.probe();
    }
    const r = reachable(state);
    const c = r.channels[0]!;
    expect(["connecting", "no"]).toContain(c.ioState);
    expect(c.lastIoErrno).not.toBe(0);
    expect(c.lastIoError).not.toBe("");
    expect(performance.now() - startMs).toBeLessThan(10_000);
    const primary = await probeOnce(target(PRIMARY));
    expect(primary.reachable).toBe(false);
    if (!primary.reachable) expect(primary.reason).toBe("refused");
    await prober.close();
  }, 30_000);
});
