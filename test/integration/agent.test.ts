// Three agents in this process, one per server of a real 3-instance MariaDB sandbox, gossiping
// over real UDP on 127.0.0.1.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentHandle, startAgent } from "../../src/runtime/agent.ts";
import type { AgentState, MemberState } from "../../src/runtime/agent-state.ts";
import { agentPortsIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";
import { testKey } from "../unit/net/keys.fixture.ts";
import { loadAgentConfig, memoryLogger, waitFor, writeAgentConfig } from "./agent-helpers.ts";

const PORTS = agentPortsIn(TEST_PORT_BLOCKS.agent, 3);
const MYSQL_BASE_PORT = PORTS.mysqlBase;
const GOSSIP_PORTS = PORTS.gossip;
const HTTP_PORT = PORTS.http[0] as number;
const IDS = ["db1", "db2", "db3"];

const sandbox = useTestSandbox({ instances: 3, basePort: MYSQL_BASE_PORT });
const dir = mkdtempSync(join(tmpdir(), "keel-agent-it-"));
const agents: AgentHandle[] = [];
const logs = IDS.map(() => memoryLogger());

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function member(state: AgentState, id: string): MemberState | undefined {
  return state.members.find((m) => m.id === id);
}

function seesAllAliveWithRecords(a: AgentHandle): boolean {
  const s = a.state();
  return IDS.every((id) => {
    const m = member(s, id);
    return m?.status === "alive" && m.record?.instance?.reachable === true;
  });
}

describe("three agents on a real sandbox", () => {
  test("start, join and within 3 s each sees every agent alive with its decoded record", async () => {
    const key = testKey("agent-it");
    sandbox();
    for (const [i, nodeId] of IDS.entries()) {
      const path = writeAgentConfig(dir, {
        nodeId,
        gossipPort: GOSSIP_PORTS[i] as number,
        seedPorts: GOSSIP_PORTS.filter((_, j) => j !== i),
        mysqlPort: MYSQL_BASE_PORT + i,
        httpPort: i === 0 ? HTTP_PORT : null,
        key,
        raftDataDir: join(dir, `raft-${nodeId}`),
        voters: IDS,
      });
      const started = await startAgent(loadAgentConfig(path), { logger: logs[i]?.logger });
      if (!started.ok) throw new Error(`agent ${nodeId}: ${started.error.code}`);
      agents.push(started.value);
    }
    await waitFor(() => agents.every(seesAllAliveWithRecords), 3_000);
    for (const a of agents) {
      const s = a.state();
      const instance = (id: string) => member(s, id)?.record?.instance;
      expect(instance("db1")).toMatchObject({ reachable: true, readOnly: false, channels: [] });
      for (const replica of ["db2", "db3"]) {
        expect(instance(replica)).toMatchObject({
          reachable: true,
          readOnly: true,
          channels: [{ sourcePort: MYSQL_BASE_PORT, ioState: "yes", sqlRunning: true }],
        });
      }
      expect(member(s, "db2")?.record).toMatchObject({
        nodeId: "db2",
        cluster: "main",
        kind: "agent",
        instanceAddress: `127.0.0.1:${MYSQL_BASE_PORT + 1}`,
      });
      expect(s.members.every((m) => !m.stale && m.recordError === null)).toBe(true);
      expect(s.drops.channel["bad-message"]).toBe(0);
      // Freshness without republishing: every peer has been heard from within a few probe periods.
      for (const m of s.members) expect(m.lastHeardAgeMs).toBeLessThan(1_000);
    }
    expect(
      logs[0]?.lines.some((l) => l.includes('"msg":"member joined"') && l.includes('"member":"db2"')),
    ).toBe(true);
  }, 15_000);

  test("HTTP serves /api/state and /metrics, without secrets", async () => {
    const state = (await (await fetch(`http://127.0.0.1:${HTTP_PORT}/api/state`)).json()) as AgentState;
    expect(state.self).toMatchObject({
      nodeId: "db1",
      cluster: "main",
      kind: "agent",
      address: `127.0.0.1:${GOSSIP_PORTS[0]}`,
    });
    expect(state.members.map((m) => m.id)).toEqual(IDS);
    expect(state).toHaveProperty("raft");
    const metrics = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
    expect(metrics).toMatch(/^keel_gossip_members\{status="alive"\} 3$/m);
    expect(metrics).toMatch(/^keel_probe_latency_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^keel_records_published_total\{reason="first"\} 1$/m);
    expect(metrics).toMatch(/^keel_datagrams_total\{direction="in"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^keel_datagrams_dropped_total\{layer="envelope",reason="auth-failed"\} 0$/m);
    const raw = JSON.stringify(state) + metrics;
    expect(raw).not.toContain(testKey("agent-it"));
    expect(raw).not.toContain('"password"');
  });

  test("an unchanged record is not republished on every probe", async () => {
    // Start-up legitimately changes the record (raft elects, the ledger adopts the primary, the
    // primary check starts). After that, an idle server's record must hold still for many probes:
    // were it republished on every 250 ms probe, no quiet second would ever come.
    const version = () => agents[1]?.gossip.node.member("db2", 0)?.record?.version ?? 0;
    let last = version();
    let quietSince = performance.now();
    await waitFor(() => {
      const v = version();
      if (v !== last) {
        last = v;
        quietSince = performance.now();
      }
      return performance.now() - quietSince >= 1_000;
    }, 8_000);
    expect(version()).toBe(last);
  });

  test("a graceful stop is seen as 'left' by the others", async () => {
    const db3 = agents[2] as AgentHandle;
    await db3.stop();
    await waitFor(() => agents.slice(0, 2).every((a) => member(a.state(), "db3")?.status === "left"), 2_000);
    const seen = member((agents[0] as AgentHandle).state(), "db3");
    expect(seen?.stale).toBe(true);
    expect(seen?.record?.nodeId).toBe("db3"); // its last word stays visible
  });
});
