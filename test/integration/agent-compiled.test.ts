// The compiled binary as three `keel agent` processes beside a real 3-instance sandbox: they
// find each other, notice a kill -9 and a restart, leave cleanly on SIGTERM, and count the bad
// datagrams the test throws at them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { seal } from "../../src/net/envelope.ts";
import type { AgentState } from "../../src/runtime/agent-state.ts";
import { BARE_ENV, ensureCompiledBinary } from "../e2e/helpers/compiled.ts";
import { agentPortsIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";
import { keyringOf, testKey } from "../unit/net/keys.fixture.ts";
import { waitFor, writeAgentConfig } from "./agent-helpers.ts";

const PORTS = agentPortsIn(TEST_PORT_BLOCKS.agentCompiled, 3);
const MYSQL_BASE_PORT = PORTS.mysqlBase;
const GOSSIP_PORTS = PORTS.gossip;
const HTTP_PORTS = PORTS.http;
const IDS = ["db1", "db2", "db3"];
/** Probe timeout + suspicion (5 × 200 ms on 3 members) + spread, with room for a busy CI box. */
const DEAD_BOUND_MS = 6_000;
const KEY = testKey("agent-compiled");

const sandbox = useTestSandbox({ instances: 3, basePort: MYSQL_BASE_PORT });
const dir = mkdtempSync(join(tmpdir(), "keel-agent-bin-"));
const procs: (Subprocess | null)[] = [null, null, null];
const logPaths: string[] = ["", "", ""];
let bin = "";
let configs: string[] = [];

function spawnAgent(i: number): Subprocess {
  logPaths[i] = join(dir, `${IDS[i]}.${Date.now()}.log`);
  const p = Bun.spawn([bin, "agent", "--config", configs[i] as string], {
    env: BARE_ENV,
    stdin: "ignore",
    stdout: "ignore",
    stderr: Bun.file(logPaths[i] as string),
  });
  procs[i] = p;
  return p;
}

async function stateOf(i: number): Promise<AgentState | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${HTTP_PORTS[i]}/api/state`, {
      signal: AbortSignal.timeout(500),
    });
    return r.ok ? ((await r.json()) as AgentState) : null;
  } catch {
    return null; // not listening yet, or gone
  }
}

async function statusSeenBy(i: number, id: string): Promise<string | null> {
  return (await stateOf(i))?.members.find((m) => m.id === id)?.status ?? null;
}

async function allSeeAllAlive(among: number[]): Promise<boolean> {
  for (const i of among) {
    const s = await stateOf(i);
    const ok = IDS.every((id) => {
      const m = s?.members.find((x) => x.id === id);
      return m?.status === "alive" && m.record?.instance?.reachable === true;
    });
    if (!ok) return false;
  }
  return true;
}

async function metricValue(i: number, series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${HTTP_PORTS[i]}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

beforeAll(() => {
  bin = ensureCompiledBinary();
  configs = IDS.map((nodeId, i) =>
    writeAgentConfig(dir, {
      nodeId,
      gossipPort: GOSSIP_PORTS[i] as number,
      seedPorts: GOSSIP_PORTS.filter((_, j) => j !== i),
      mysqlPort: MYSQL_BASE_PORT + i,
      httpPort: HTTP_PORTS[i] as number,
      key: KEY,
      raftDataDir: join(dir, `raft-${nodeId}`),
      voters: IDS,
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const p of procs) p?.kill("SIGKILL");
  await Promise.all(procs.map((p) => p?.exited));
  rmSync(dir, { recursive: true, force: true });
});

describe("keel agent, compiled, three processes", () => {
  test("all three see each other alive with records within 3 s", async () => {
    sandbox();
    for (const i of [0, 1, 2]) spawnAgent(i);
    await waitFor(() => allSeeAllAlive([0, 1, 2]), 3_000);
    for (const i of [0, 1, 2]) expect((await stateOf(i))?.drops.channel["bad-message"]).toBe(0);
  }, 10_000);

  test("kill -9 one: dead everywhere within the gossip bound; restarted: alive again", async () => {
    procs[2]?.kill("SIGKILL");
    await procs[2]?.exited;
    await waitFor(
      async () => (await statusSeenBy(0, "db3")) === "dead" && (await statusSeenBy(1, "db3")) === "dead",
      DEAD_BOUND_MS,
    );
    spawnAgent(2);
    await waitFor(() => allSeeAllAlive([0, 1, 2]), 5_000);
  }, 20_000);

  test("a wrong-key, a truncated and a replayed datagram are dropped and counted", async () => {
    const series = (reason: string) => `keel_datagrams_dropped_total{layer="envelope",reason="${reason}"}`;
    const before = {
      wrongKey: (await metricValue(0, series("unknown-key"))) + (await metricValue(0, series("auth-failed"))),
      truncated: await metricValue(0, series("truncated")),
      replayed: await metricValue(0, series("replayed")),
    };
    const otherKey = testKey("not-the-cluster-key");
    const body = (seq: number) => ({
      sender: "tester",
      incarnation: 1,
      seq,
      sentAtWallMs: Date.now(),
      msg: { c: "g", m: { type: "gossip", updates: [] } },
    });
    const wrong = seal(body(1), keyringOf({ primary: otherKey, keys: [otherKey] }));
    const good = seal(body(2), keyringOf({ primary: KEY, keys: [KEY] }));
    if (!wrong.ok || !good.ok) throw new Error("seal failed");
    const socket = createSocket("udp4");
    const send = (bytes: Uint8Array) =>
      new Promise<void>((resolve) =>
        socket.send(bytes, GOSSIP_PORTS[0] as number, "127.0.0.1", () => resolve()),
      );
    await send(wrong.value);
    await send(good.value.subarray(0, 24));
    await send(good.value);
    await send(good.value);
    socket.close();
    await waitFor(async () => (await metricValue(0, series("replayed"))) > before.replayed, 2_000);
    expect(
      (await metricValue(0, series("unknown-key"))) + (await metricValue(0, series("auth-failed"))),
    ).toBe(before.wrongKey + 1);
    expect(await metricValue(0, series("truncated"))).toBe(before.truncated + 1);
    expect(await metricValue(0, series("replayed"))).toBe(before.replayed + 1);
    expect(await allSeeAllAlive([0])).toBe(true);
  }, 10_000);

  test("a gossip port already taken: one line naming the problem and the fix, exit 1", () => {
    const r = Bun.spawnSync([bin, "agent", "--config", configs[0] as string], {
      env: BARE_ENV,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.toString().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^keel: cannot bind UDP 127\\.0\\.0\\.1:${GOSSIP_PORTS[0]}: .*\\(net\\.bind-failed\\); fix: .+`,
      ),
    );
  });

  test("SIGTERM or SIGINT: exit 0, the others see 'left'", async () => {
    procs[1]?.kill("SIGTERM");
    expect(await procs[1]?.exited).toBe(0);
    procs[1] = null;
    expect(await statusSeenBy(0, "db2")).toBe("left");
    expect(await statusSeenBy(2, "db2")).toBe("left");
    const log = readFileSync(logPaths[1] as string, "utf8");
    expect(log).toContain('"msg":"agent stopped"');
    expect(log).not.toContain(KEY);
    for (const line of log.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    procs[2]?.kill("SIGINT");
    expect(await procs[2]?.exited).toBe(0);
    procs[2] = null;
    expect(await statusSeenBy(0, "db3")).toBe("left");
  }, 10_000);
});
