// `sandbox up --agents` through the sandbox API (agents run from source here; the compiled binary
// is covered by topology.test.ts): configs keel itself accepts, secrets at 0600, pids tracked,
// kill-agent / start-agent, and teardown that leaves no agent behind. Ports: TEST_PORT_BLOCKS.sandboxAgents.
import { describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { loadConfig } from "../../src/config/load.ts";
import { planAgents } from "../../src/sandbox/agent-config.ts";
import { isAgentProcess } from "../../src/sandbox/agent-process.ts";
import {
  agentConfigPath,
  killSandboxAgent,
  readSandbox,
  type SandboxState,
  startSandboxAgent,
} from "../../src/sandbox/sandbox.ts";
import { teardownSandboxSync } from "../../src/sandbox/teardown-sync.ts";
import { AGENT_GOSSIP_OFFSET, AGENT_HTTP_OFFSET, portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";

const BASE_PORT = portIn(TEST_PORT_BLOCKS.sandboxAgents, 0);
const OFFSETS = { gossip: AGENT_GOSSIP_OFFSET, http: AGENT_HTTP_OFFSET };

async function apiAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/state`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function agentsOf(state: SandboxState) {
  const agents = state.agents;
  if (agents === undefined) throw new Error("sandbox.json has no agents");
  return agents;
}

describe("planning agents", () => {
  test("node ids, ports by offset, every other agent a seed, every agent a voter", () => {
    const instances = [0, 1, 2].map((i) => ({
      port: 23306 + i,
      serverId: i + 1,
      datadir: "",
      socket: "",
      pidFile: "",
      errorLog: "",
      sourcePort: i === 0 ? null : 23306,
    }));
    const agents = planAgents("/tmp/sb", instances, { gossip: 1000, http: 2000 });
    expect(agents.map((a) => [a.nodeId, a.port, a.gossipPort, a.httpPort, a.configFile])).toEqual([
      ["db1", 23306, 24306, 25306, "/tmp/sb/agent-23306/keel.json"],
      ["db2", 23307, 24307, 25307, "/tmp/sb/agent-23307/keel.json"],
      ["db3", 23308, 24308, 25308, "/tmp/sb/agent-23308/keel.json"],
    ]);
  });
});

describe("sandbox up --agents", () => {
  const sandbox = useTestSandbox({ instances: 3, basePort: BASE_PORT, agents: OFFSETS });

  test("each agent's config loads cleanly, with secrets and config at 0600", () => {
    const agents = agentsOf(sandbox());
    expect(agents.map((a) => a.nodeId)).toEqual(["db1", "db2", "db3"]);
    for (const a of agents) {
      const loaded = loadConfig(a.configFile, {});
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
      const c = loaded.value.config;
      expect(loaded.value.warnings).toEqual([]);
      expect([c.nodeId, c.cluster, c.gossip.bind, c.gossip.port]).toEqual([
        a.nodeId,
        "sandbox",
        "127.0.0.1",
        a.port + OFFSETS.gossip,
      ]);
      expect(c.gossip.seeds.map((s) => s.port).sort()).toEqual(
        agents.filter((b) => b !== a).map((b) => b.gossipPort),
      );
      expect(c.raft.voters).toEqual(["db1", "db2", "db3"]);
      expect(c.mysql?.port).toBe(a.port);
      expect(c.http.listen).toEqual({ host: "127.0.0.1", port: a.port + OFFSETS.http });
      for (const f of [a.configFile, `${a.dir}/mysql.password`, `${a.dir}/repl.password`])
        expect([f, statSync(f).mode & 0o777]).toEqual([f, 0o600]);
      // Every agent shares one fresh keyring.
      expect(c.keyring.primary.reveal()).toBe(
        JSON.parse(readFileSync(agents[0]?.configFile ?? "", "utf8")).keyring.primary,
      );
    }
  });

  test("pids are tracked and the agents answer on their HTTP ports", async () => {
    for (const a of agentsOf(sandbox())) {
      expect(a.pid).not.toBeNull();
      expect(isAgentProcess(a.pid as number, a.configFile)).toBe(true);
      expect(await apiAnswers(a.httpPort)).toBe(true);
    }
  });

  test("config prints the path; an unknown port names the known ones", () => {
    const dir = sandbox().dir;
    expect(agentConfigPath(dir, BASE_PORT + 1)).toEqual({
      ok: true,
      value: `${dir}/agent-${BASE_PORT + 1}/keel.json`,
    });
    const bad = agentConfigPath(dir, 1);
    expect(bad.ok ? null : bad.error).toEqual({
      code: "sandbox.unknown-port",
      dir,
      port: 1,
      ports: [BASE_PORT, BASE_PORT + 1, BASE_PORT + 2],
    });
  });

  test("kill-agent stops it dead; start-agent brings it back under a new pid", async () => {
    const dir = sandbox().dir;
    const port = BASE_PORT + 2;
    const before = agentsOf(sandbox()).find((a) => a.port === port);
    expect((await killSandboxAgent(dir, port)).ok).toBe(true);
    expect(isAgentProcess(before?.pid as number, before?.configFile as string)).toBe(false);
    expect(await apiAnswers(port + OFFSETS.http)).toBe(false);
    expect((await startSandboxAgent(dir, port)).ok).toBe(true);
    expect(await apiAnswers(port + OFFSETS.http)).toBe(true);
    const state = readSandbox(dir);
    const after = state.ok ? agentsOf(state.value).find((a) => a.port === port) : undefined;
    expect(after?.pid).not.toBe(before?.pid);
    expect(isAgentProcess(after?.pid as number, after?.configFile as string)).toBe(true);
  }, 20_000);

  test("the synchronous teardown (exit handlers, sweeps) kills the agents too", async () => {
    const state = readSandbox(sandbox().dir);
    if (!state.ok) throw new Error("no sandbox");
    const agents = agentsOf(state.value);
    teardownSandboxSync(sandbox().dir);
    await Bun.sleep(100); // SIGKILLed children are reaped asynchronously
    for (const a of agents) expect(isAgentProcess(a.pid as number, a.configFile)).toBe(false);
    expect(readSandbox(sandbox().dir).ok).toBe(false);
  });
});
