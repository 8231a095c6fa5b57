// Raft inside real agents, in this process: two DB agents on a real MariaDB sandbox plus a
// witness, over real UDP on 127.0.0.1. A leader is elected and every agent agrees; a proposal
// through a follower commits everywhere; any two of the three still commit, one alone can't.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandIo } from "../../src/cli/command.ts";
import type { Config } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load.ts";
import { runCli } from "../../src/main.ts";
import { createLogger } from "../../src/obs/logger.ts";
import { type AgentHandle, startAgent } from "../../src/runtime/agent.ts";
import { fetchRaftView } from "../../src/runtime/api-client.ts";
import type { RaftView } from "../../src/runtime/ledger-view.ts";
import { agentPortsIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";
import { testKey } from "../unit/net/keys.fixture.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL } from "../../src/sandbox/sandbox-types.ts";

const PORTS = agentPortsIn(TEST_PORT_BLOCKS.raft, 3);
const MYSQL_BASE_PORT = PORTS.mysqlBase;
const IDS = ["db1", "db2", "w1"];
const GOSSIP_PORTS = PORTS.gossip;
const HTTP_PORTS = PORTS.http;
const DOWNTIMED = `127.0.0.1:${MYSQL_BASE_PORT + 2}`;

const sandbox = useTestSandbox({ instances: 3, basePort: MYSQL_BASE_PORT });
const dir = mkdtempSync(join(tmpdir(), "keel-raft-it-"));
const agents = new Map<string, AgentHandle>();
const configs = new Map<string, { config: Config; path: string }>();
const quiet = createLogger({
  level: "error",
  format: "json",
  isTty: false,
  sink: { write: () => {} },
  nowWallMs: () => Date.now(),
});

afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(i: number, key: string): { config: Config; path: string } {
  const nodeId = IDS[i] as string;
  const witness = nodeId.startsWith("w");
  const raw = {
    cluster: "main",
    node_id: nodeId,
    witness,
    gossip: {
      bind: "127.0.0.1",
      port: GOSSIP_PORTS[i],
      seeds: GOSSIP_PORTS.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`),
    },
    keyring: { primary: key, keys: [key] },
    mysql: witness ? null : { host: "127.0.0.1", port: MYSQL_BASE_PORT + i, ...SANDBOX_ADMIN },
    replication: { password: SANDBOX_REPL.password },
    http: { listen: `127.0.0.1:${HTTP_PORTS[i]}` },
    raft: { voters: IDS, data_dir: join(dir, nodeId) },
    log: { format: "json", level: "error" },
  };
  const path = join(dir, `${nodeId}.json`);
  writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
  const loaded = loadConfig(path, {});
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.code).join());
  return { config: loaded.value.config, path };
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const start = performance.now();
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (performance.now() - start > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}

async function views(ids: readonly string[]): Promise<RaftView[] | null> {
  const out: RaftView[] = [];
  for (const id of ids) {
    const v = await fetchRaftView((configs.get(id) as { config: Config }).config);
    if (!v.ok) return null;
    out.push(v.value);
  }
  return out;
}

/** Every listed agent names the same leader in the same term, with quorum OK. */
async function agreedLeader(ids: readonly string[]): Promise<RaftView | null> {
  const vs = await views(ids);
  if (vs === null) return null;
  const first = vs[0] as RaftView;
  const same = vs.every((v) => v.leader !== null && v.leader === first.leader && v.term === first.term);
  return same && vs.every((v) => v.quorum === "OK") ? first : null;
}

function capture(): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t), env: {}, isTty: false };
}

describe("raft in real agents (2 DB agents + 1 witness)", () => {
  test("a leader is elected and `keel raft status` agrees on every agent", async () => {
    sandbox();
    const key = testKey("raft-it");
    for (const [i, id] of IDS.entries()) {
      configs.set(id, writeConfig(i, key));
      const started = await startAgent((configs.get(id) as { config: Config }).config, { logger: quiet });
      if (!started.ok) throw new Error(`agent ${id}: ${started.error.code}`);
      agents.set(id, started.value);
    }
    const agreed = await waitFor(() => agreedLeader(IDS), 5_000);
    expect(IDS).toContain(agreed.leader as string);
    expect(statSync(join(dir, "db1", "main")).mode & 0o777).toBe(0o700);
    for (const id of IDS) {
      const io = capture();
      expect(
        await runCli(
          ["raft", "status", "--json", "--config", (configs.get(id) as { path: string }).path],
          io,
        ),
      ).toBe(0);
      const json = JSON.parse(io.lines.join("\n")) as RaftView;
      expect({ term: json.term, leader: json.leader }).toEqual({ term: agreed.term, leader: agreed.leader });
      expect(json.members.find((m) => m.id === "w1")?.witness).toBe(true);
      expect(json.members.find((m) => m.id === "db1")?.witness).toBe(false);
    }
    const state = (agents.get("db1") as AgentHandle).state() as unknown as { raft: RaftView | null };
    expect(state.raft?.leader).toBe(agreed.leader);
  }, 30_000);

  test("a proposal through a follower commits on every agent", async () => {
    const leader = (await waitFor(() => agreedLeader(IDS), 5_000)).leader as string;
    const follower = IDS.find((id) => id !== leader) as string;
    const untilWallMs = Date.now() + 3_600_000;
    const r = await (agents.get(follower) as AgentHandle).raft.propose(
      { type: "downtime-begin", instance: DOWNTIMED, untilWallMs, reason: "it", owner: "raft-it" },
      3_000,
    );
    expect(r).toMatchObject({ ok: true, value: { outcome: { applied: "downtime-begin" } } });
    const index = r.ok ? r.value.index : 0;
    await waitFor(async () => {
      const vs = await views(IDS);
      const has = (v: RaftView) => v.ledger.downtimes[DOWNTIMED]?.owner === "raft-it";
      return vs?.every((v) => has(v) && v.appliedIndex >= index) ? true : null;
    }, 3_000);
  }, 15_000);

  test("without the witness the two DB agents still commit; one agent alone cannot", async () => {
    await (agents.get("w1") as AgentHandle).stop();
    agents.delete("w1");
    const pair = ["db1", "db2"];
    await waitFor(() => agreedLeader(pair), 5_000);
    const viaDb2 = await (agents.get("db2") as AgentHandle).raft.propose(
      { type: "pause", by: "it", reason: "witness down", wallMs: Date.now() },
      3_000,
    );
    expect(viaDb2.ok).toBe(true);
    await (agents.get("db1") as AgentHandle).stop();
    agents.delete("db1");
    const alone = await (agents.get("db2") as AgentHandle).raft.propose({ type: "resume", by: "it" }, 2_500);
    expect(alone.ok ? null : alone.error.code).toMatch(/^raft\.(no-leader|proposal-timeout)$/);
    const v = await fetchRaftView((configs.get("db2") as { config: Config }).config);
    expect(v.ok ? v.value.ledger.paused?.reason : null).toBe("witness down");
  }, 20_000);
});
