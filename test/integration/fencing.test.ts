// Fencing by default and self-fencing on real MariaDB with the COMPILED agents: a replica made
// writable by hand is fenced back, the ledger's primary made read-only by hand is made writable
// again, and a primary whose agent is cut off from its peers (its UDP port dropped on lo) makes
// its server read-only after fence_after — and writable again once the quorum is back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AGENT_GOSSIP_OFFSET, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";
import {
  type AgentSandbox,
  agentLog,
  configOf,
  ensureLedgerPrimary,
  readOnlyOf,
  sql,
  startAgentSandbox,
  waitFor,
  waitForQuorum,
} from "./fencing-sandbox.ts";

const NFT_TABLE = "keel_fencing_test";
let sb: AgentSandbox;

function nft(...args: string[]): { ok: boolean; err: string } {
  const r = Bun.spawnSync(["nft", ...args], { stderr: "pipe", stdout: "ignore" });
  return { ok: r.exitCode === 0, err: r.stderr.toString() };
}

/** Drops every datagram to or from one UDP port on loopback, in a table of its own. */
function isolateUdpPort(port: number): void {
  nft("delete", "table", "inet", NFT_TABLE);
  for (const cmd of [
    ["add", "table", "inet", NFT_TABLE],
    ["add", "chain", "inet", NFT_TABLE, "in", "{ type filter hook input priority -10 ; }"],
    ["add", "rule", "inet", NFT_TABLE, "in", "iif", "lo", "udp", "dport", String(port), "drop"],
    ["add", "rule", "inet", NFT_TABLE, "in", "iif", "lo", "udp", "sport", String(port), "drop"],
  ]) {
    const r = nft(...cmd);
    if (!r.ok) throw new Error(`nft ${cmd.join(" ")}: ${r.err}`);
  }
}

function heal(): void {
  nft("delete", "table", "inet", NFT_TABLE);
}

beforeAll(async () => {
  sb = await startAgentSandbox(TEST_PORT_BLOCKS.fencing);
  await waitForQuorum(sb);
  await ensureLedgerPrimary(sb, "db1");
  // The primary is writable once its agent has reconciled it.
  const writable = await waitFor(
    async () => ((await readOnlyOf(sb.portOf("db1"))) === false ? true : null),
    5_000,
  );
  if (writable === null) throw new Error("db1 never became writable as the ledger's primary");
}, SANDBOX_HOOK_TIMEOUT_MS);

afterAll(async () => {
  heal();
  await sb?.down();
}, SANDBOX_HOOK_TIMEOUT_MS);

describe("fencing by default (compiled agents, real MariaDB)", () => {
  const probeMs = () => configOf(sb, "db2").probeIntervalMs;

  test("a replica made writable by hand is read-only again within about two probes", async () => {
    const port = sb.portOf("db2");
    await sql(port, "SET GLOBAL read_only = OFF");
    const fenced = await waitFor(async () => ((await readOnlyOf(port)) === true ? true : null), 5_000, 20);
    expect(fenced).not.toBeNull();
    console.log(`replica fenced back in ${Math.round(fenced?.tookMs ?? -1)} ms (probe ${probeMs()} ms)`);
    expect(fenced?.tookMs ?? Number.POSITIVE_INFINITY).toBeLessThan(2 * probeMs() + 500);
  });

  test("the ledger's primary made read-only by hand is writable again", async () => {
    const port = sb.portOf("db1");
    await sql(port, "SET GLOBAL read_only = ON");
    const back = await waitFor(async () => ((await readOnlyOf(port)) === false ? true : null), 5_000, 20);
    expect(back).not.toBeNull();
    console.log(`primary writable again in ${Math.round(back?.tookMs ?? -1)} ms`);
    expect(back?.tookMs ?? Number.POSITIVE_INFINITY).toBeLessThan(2 * probeMs() + 500);
  });

  test("a primary cut off from its peers fences itself after fence_after, and is writable once healed", async () => {
    const port = sb.portOf("db1");
    const fenceAfterMs = configOf(sb, "db1").failover.fenceAfterMs;
    // Nobody may fail over meanwhile: this test is about the cut-off side alone.
    const paused = sb.keel(
      "pause",
      "--config",
      `${sb.dir}/agent-${sb.portOf("db2")}/keel.json`,
      "--reason",
      "test",
    );
    expect(paused.exitCode).toBe(0);
    try {
      isolateUdpPort(port + AGENT_GOSSIP_OFFSET);
      const fenced = await waitFor(
        async () => ((await readOnlyOf(port)) === true ? true : null),
        fenceAfterMs + 5_000,
        20,
      );
      expect(fenced).not.toBeNull();
      console.log(
        `self-fenced ${Math.round(fenced?.tookMs ?? -1)} ms after the cut (fence_after ${fenceAfterMs} ms)`,
      );
      expect(fenced?.tookMs ?? 0).toBeGreaterThanOrEqual(fenceAfterMs - 200);
      expect(fenced?.tookMs ?? Number.POSITIVE_INFINITY).toBeLessThan(fenceAfterMs + 2_500);
      expect(agentLog(sb, "db1")).toContain('"msg":"failover.self-fenced"');
    } finally {
      heal();
    }
    const back = await waitFor(async () => ((await readOnlyOf(port)) === false ? true : null), 10_000);
    expect(back).not.toBeNull();
    sb.keel("resume", "--config", `${sb.dir}/agent-${sb.portOf("db2")}/keel.json`);
  }, 30_000);
});
