// Raft across three real `keel agent` processes on a MariaDB sandbox, over real UDP: kill -9 the
// leader → the others elect a new one; restart it → it catches up from its log; drop one
// member's datagrams on loopback (an nft table of this run's own, removed in finally) → that
// minority can't commit while the majority can; heal → everyone converges. Waits are generous
// (spawned processes on two loaded cores); how fast elections are is bench/'s business.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load.ts";
import { fetchRaftView } from "../../src/runtime/api-client.ts";
import type { RaftView } from "../../src/runtime/ledger-view.ts";
import { agentPortsIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";
import { testKey } from "../unit/net/keys.fixture.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL } from "../../src/sandbox/sandbox-types.ts";

const ROOT = join(import.meta.dir, "../..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const PORTS = agentPortsIn(TEST_PORT_BLOCKS.raftProcesses, 3);
const MYSQL_BASE_PORT = PORTS.mysqlBase;
const IDS = ["db1", "db2", "db3"];
const GOSSIP_PORTS = PORTS.gossip;
const HTTP_PORTS = PORTS.http;
// Per run: heal() must never delete the table of another run of this file on the same machine.
const NFT_TABLE = `keel_raft_it_${process.pid}`;
/** How long any one convergence may take before the test calls it failed. */
const WAIT_MS = 15_000;

const sandbox = useTestSandbox({ instances: 3, basePort: MYSQL_BASE_PORT });
const dir = mkdtempSync(join(tmpdir(), "keel-raft-proc-"));
const procs = new Map<string, ReturnType<typeof Bun.spawn>>();
const configs = new Map<string, { config: Config; path: string }>();

function heal(): void {
  Bun.spawnSync(["nft", "delete", "table", "inet", NFT_TABLE], { stderr: "ignore" });
}

afterAll(async () => {
  heal();
  for (const p of procs.values()) p.kill("SIGKILL");
  await Promise.all([...procs.values()].map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
});

/** Why nftables can't be used here, or null when it can. */
function nftProblem(): string | null {
  if (process.getuid?.() !== 0) return "it must run as root";
  try {
    const r = Bun.spawnSync(["nft", "list", "tables"], { stderr: "pipe" });
    return r.exitCode === 0 ? null : `'nft list tables' failed: ${r.stderr.toString().trim()}`;
  } catch {
    return "the nft command (nftables) is not installed";
  }
}

/** Drops every UDP datagram to and from one agent's gossip port, on loopback only. */
function isolate(port: number): void {
  const problem = nftProblem();
  if (problem !== null)
    throw new Error(
      `this test partitions agents with nftables, but ${problem}: run it as root with nft installed`,
    );
  const nft = (...args: string[]) => {
    const r = Bun.spawnSync(["nft", ...args], { stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`nft ${args.join(" ")}: ${r.stderr.toString()}`);
  };
  nft("add", "table", "inet", NFT_TABLE);
  nft("add", "chain", "inet", NFT_TABLE, "in", "{ type filter hook input priority -10; }");
  nft("add", "chain", "inet", NFT_TABLE, "out", "{ type filter hook output priority -10; }");
  nft("add", "rule", "inet", NFT_TABLE, "in", "iifname", "lo", "udp", "dport", String(port), "drop");
  nft("add", "rule", "inet", NFT_TABLE, "out", "oifname", "lo", "udp", "sport", String(port), "drop");
}

function writeConfig(i: number, key: string): { config: Config; path: string } {
  const nodeId = IDS[i] as string;
  const raw = {
    cluster: "main",
    node_id: nodeId,
    gossip: {
      bind: "127.0.0.1",
      port: GOSSIP_PORTS[i],
      seeds: GOSSIP_PORTS.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`),
    },
    keyring: { primary: key, keys: [key] },
    mysql: { host: "127.0.0.1", port: MYSQL_BASE_PORT + i, ...SANDBOX_ADMIN },
    replication: { password: SANDBOX_REPL.password },
    http: { listen: `127.0.0.1:${HTTP_PORTS[i]}` },
    raft: { voters: IDS, data_dir: join(dir, nodeId) },
    log: { format: "json", level: "info" },
  };
  const path = join(dir, `${nodeId}.json`);
  writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
  const loaded = loadConfig(path, {});
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.code).join());
  return { config: loaded.value.config, path };
}

function spawnAgent(id: string): void {
  const log = openSync(join(dir, `${id}.log`), "a");
  const { path } = configs.get(id) as { path: string };
  procs.set(
    id,
    Bun.spawn([BUN, "src/main.ts", "agent", "--config", path], { cwd: ROOT, stdout: log, stderr: log }),
  );
}

async function viewOf(id: string): Promise<RaftView | null> {
  const v = await fetchRaftView((configs.get(id) as { config: Config }).config, { timeoutMs: 1_000 });
  return v.ok ? v.value : null;
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const start = performance.now();
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}

/** The listed agents name one leader in one term with quorum OK (and it's not `not`). */
async function agreed(ids: readonly string[], not: string | null = null): Promise<RaftView | null> {
  const vs: RaftView[] = [];
  for (const id of ids) {
    const v = await viewOf(id);
    if (v === null) return null;
    vs.push(v);
  }
  const f = vs[0] as RaftView;
  const ok = vs.every(
    (v) => v.leader !== null && v.leader === f.leader && v.term === f.term && v.quorum === "OK",
  );
  return ok && f.leader !== not ? f : null;
}

describe("raft across agent processes", () => {
  test("kill -9 the leader: the others elect a new one; the restarted agent catches up", async () => {
    sandbox();
    const key = testKey("raft-proc-it");
    for (const [i, id] of IDS.entries()) configs.set(id, writeConfig(i, key));
    for (const id of IDS) spawnAgent(id);
    const first = await waitFor(() => agreed(IDS), WAIT_MS, "first leader");
    const old = first.leader as string;
    const survivors = IDS.filter((id) => id !== old);
    const killed = procs.get(old) as ReturnType<typeof Bun.spawn>;
    killed.kill("SIGKILL");
    await killed.exited;
    expect(killed.signalCode).toBe("SIGKILL");
    const next = await waitFor(() => agreed(survivors, old), WAIT_MS, "new leader after kill -9");
    expect(survivors).toContain(next.leader as string);
    expect(next.term).toBeGreaterThan(first.term);
    // The new term's no-op committed on the majority, past anything the old leader knew.
    expect(next.commitIndex).toBeGreaterThan(first.commitIndex);
    spawnAgent(old);
    const caughtUp = await waitFor(
      async () => {
        const v = await viewOf(old);
        return v && v.leader === next.leader && v.appliedIndex >= next.commitIndex ? v : null;
      },
      WAIT_MS,
      "restarted agent catching up",
    );
    expect(caughtUp.term).toBe(next.term);
  }, 90_000);

  test("an isolated member can't commit while the majority can; after healing all converge", async () => {
    const before = await waitFor(() => agreed(IDS), WAIT_MS, "leader before the partition");
    const cut = before.leader as string;
    const majority = IDS.filter((id) => id !== cut);
    try {
      isolate(GOSSIP_PORTS[IDS.indexOf(cut)] as number);
      // The majority's new leader commits its term's no-op: the majority can still commit.
      const after = await waitFor(
        async () => {
          const v = await agreed(majority, cut);
          return v !== null && v.commitIndex > before.commitIndex ? v : null;
        },
        WAIT_MS,
        "majority leader committing while partitioned",
      );
      expect(after.commitIndex).toBeGreaterThan(before.commitIndex);
      const isolated = await waitFor(
        async () => {
          const v = await viewOf(cut);
          return v && v.role !== "leader" && v.quorum === "LOST" ? v : null;
        },
        WAIT_MS,
        "isolated member stepping down",
      );
      expect(isolated.commitIndex).toBeLessThan(after.commitIndex);
    } finally {
      heal();
    }
    const healed = await waitFor(
      async () => {
        const v = await agreed(IDS);
        if (v === null) return null;
        const all = await Promise.all(IDS.map(viewOf));
        return all.every((x) => x !== null && x.appliedIndex === v.commitIndex) ? v : null;
      },
      WAIT_MS,
      "convergence after healing",
    );
    expect(majority).toContain(healed.leader as string);
    const rejoined = await viewOf(cut);
    expect(rejoined?.appliedIndex).toBeGreaterThanOrEqual(healed.commitIndex);
  }, 90_000);
});
