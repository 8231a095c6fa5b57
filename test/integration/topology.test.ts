// The read side end to end with the COMPILED binary: `keel sandbox up --agents` starts three
// servers with an agent each; the agents adopt the running primary into the ledger (epoch 1), and
// `keel topology` from every agent's config shows the tree within 3 s, through the agent's API and
// as a gossip observer; after a kill -9 of the primary's mysqld the agents fail over on their own:
// the topology shows a replica promoted (writable, the other replica below it) and the old primary
// unreachable on its own, the ledger at epoch 2; `keel sandbox down` leaves no process behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { ensureCompiledBinary, type RunResult, runBinary } from "../e2e/helpers/compiled.ts";
import { AGENT_OFFSET_ARGS, portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { makeTestSandboxDir, removeTestSandboxDir, SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";

const BASE_PORT = portIn(TEST_PORT_BLOCKS.topology, 0);
const PORTS = [BASE_PORT, BASE_PORT + 1, BASE_PORT + 2];
const SHOW_WITHIN_MS = 3_000;
/** A kill -9 takes about half a second to fail over (bench/failover.ts); the view follows a probe later. */
const FAILOVER_SHOWN_WITHIN_MS = 10_000;

let bin = "";
let dir = "";
let upDoneAtMs = 0;
const env = (): Record<string, string> => ({
  PATH: "/usr/bin:/bin",
  KEEL_SANDBOX_OWNER_PID: String(process.pid),
});

function keel(...args: string[]): RunResult {
  return runBinary(bin, args, dir, env());
}

function configOf(port: number): string {
  const r = keel("sandbox", "config", "--dir", dir, "--port", String(port));
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

/** Polls `keel topology` until its lines pass `check`; returns them and how long it took. */
async function topologyUntil(
  config: string,
  via: "agent" | "gossip",
  check: (lines: string[]) => boolean,
  withinMs = SHOW_WITHIN_MS,
): Promise<{ lines: string[]; tookMs: number; last: RunResult }> {
  const startedAtMs = performance.now();
  let last: RunResult = { exitCode: -1, stdout: "", stderr: "" };
  while (performance.now() - startedAtMs < withinMs + 2_000) {
    last = keel("topology", "--config", config, "--via", via);
    const lines = last.stdout.split("\n").filter((l) => l !== "");
    if (last.exitCode === 0 && check(lines)) return { lines, tookMs: performance.now() - startedAtMs, last };
    await Bun.sleep(100);
  }
  return { lines: [], tookMs: Number.POSITIVE_INFINITY, last };
}

/** Fails with what the command last printed, so a failure explains itself. */
function expectShown(
  seen: { lines: string[]; tookMs: number; last: RunResult },
  label: string,
  withinMs = SHOW_WITHIN_MS,
): void {
  if (seen.lines.length === 0)
    throw new Error(
      `${label}: never shown; last exit ${seen.last.exitCode}:\n${seen.last.stdout}${seen.last.stderr}`,
    );
  expect(seen.tookMs).toBeLessThan(withinMs);
}

const healthyTree = (lines: string[]): boolean =>
  lines.length === 3 &&
  new RegExp(`^127\\.0\\.0\\.1:${BASE_PORT} +\\[0s,ok,[^,]+-MariaDB[^,]*,rw,ROW,>>,GTID\\]$`).test(
    lines[0] ?? "",
  ) &&
  new RegExp(`^\\+ 127\\.0\\.0\\.1:${BASE_PORT + 1} \\[0s,ok,[^,]+,ro,ROW,>>,GTID\\]$`).test(
    lines[1] ?? "",
  ) &&
  new RegExp(`^\\+ 127\\.0\\.0\\.1:${BASE_PORT + 2} \\[0s,ok,[^,]+,ro,ROW,>>,GTID\\]$`).test(lines[2] ?? "");

function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ");
      if (cmd.includes(text)) out.push(`${name}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe("keel topology against a sandbox with agents (compiled binary)", () => {
  beforeAll(() => {
    bin = ensureCompiledBinary();
    dir = makeTestSandboxDir();
    const up = keel(
      "sandbox",
      "up",
      "--agents",
      "--dir",
      dir,
      "--instances",
      "3",
      "--base-port",
      String(BASE_PORT),
      ...AGENT_OFFSET_ARGS,
    );
    if (up.exitCode !== 0) throw new Error(`sandbox up --agents failed: ${up.stderr}`);
    upDoneAtMs = performance.now();
  }, SANDBOX_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await removeTestSandboxDir(dir);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  test("the agents run the compiled binary itself, tracked in sandbox.json", () => {
    const state = JSON.parse(readFileSync(`${dir}/sandbox.json`, "utf8")) as { agents: { pid: number }[] };
    expect(state.agents.length).toBe(3);
    for (const a of state.agents) {
      const argv = readFileSync(`/proc/${a.pid}/cmdline`, "utf8").split("\0");
      expect(argv[0]).toBe(bin);
      expect(argv[1]).toBe("agent");
    }
  });

  test("every agent's config shows the right tree within 3 s, via its API and via gossip", async () => {
    const timings: string[] = [];
    for (const port of PORTS) {
      const config = configOf(port);
      for (const via of ["agent", "gossip"] as const) {
        const seen = await topologyUntil(config, via, healthyTree);
        expectShown(seen, `${port} via ${via}`);
        timings.push(`${port}/${via}: ${Math.round(seen.tookMs)} ms`);
      }
    }
    console.log(
      `topology right after: ${timings.join(", ")}; all six checks done ${Math.round(performance.now() - upDoneAtMs)} ms after up`,
    );
  }, 40_000);

  test("clusters and members describe the same cluster", async () => {
    const config = configOf(BASE_PORT + 2);
    expect(keel("clusters", "--config", config).stdout).toBe("sandbox\n");
    // The agents adopt the running primary into the ledger (not inferred from replication) once the
    // raft leader sees every record: a moment after the tree shows.
    const readClusters = () => JSON.parse(keel("clusters", "--config", config, "--json").stdout);
    let clusters = readClusters();
    for (const startedMs = performance.now(); performance.now() - startedMs < SHOW_WITHIN_MS; ) {
      if (clusters[0]?.epoch === 1) break;
      await Bun.sleep(100);
      clusters = readClusters();
    }
    expect(clusters).toEqual([
      {
        cluster: "sandbox",
        health: "ok",
        primary: `127.0.0.1:${BASE_PORT}`,
        primaryNodeId: "db1",
        primaryInferred: false,
        epoch: 1,
        instances: 3,
        problems: [],
      },
    ]);
    const members = JSON.parse(keel("members", "--config", config, "--via", "gossip", "--json").stdout) as {
      id: string;
      status: string;
      kind: string;
    }[];
    expect(members.map((m) => [m.id, m.kind, m.status])).toEqual([
      ["db1", "agent", "alive"],
      ["db2", "agent", "alive"],
      ["db3", "agent", "alive"],
    ]);
    const unknown = keel("topology", "--config", config, "-c", "nope");
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("(read.unknown-cluster)");
    expect(unknown.stderr).toContain("known clusters: sandbox");
  });

  test("kill -9 of the primary's mysqld: a replica is promoted, the old primary shown unreachable", async () => {
    const killed = keel("sandbox", "kill", "--dir", dir, "--port", String(BASE_PORT));
    expect(killed.exitCode).toBe(0);
    const replicas = `(${BASE_PORT + 1}|${BASE_PORT + 2})`;
    // The promoted replica heads the tree, writable, with the other replica below it; the old
    // primary stands alone, unreachable (its last known read_only was off: it was the primary).
    const failedOver = (lines: string[]) =>
      lines.length === 3 &&
      new RegExp(`^127\\.0\\.0\\.1:${replicas} +\\[0s,ok,[^,]+,rw,ROW,>>,GTID\\]$`).test(lines[0] ?? "") &&
      new RegExp(`^\\+ 127\\.0\\.0\\.1:${replicas} \\[0s,ok,[^,]+,ro,ROW,>>,GTID\\]$`).test(lines[1] ?? "") &&
      lines[0]?.split(" ")[0] !== lines[1]?.slice(2).split(" ")[0] &&
      new RegExp(`^127\\.0\\.0\\.1:${BASE_PORT} +\\[unknown,invalid,.*unreachable:refused\\]$`).test(
        lines[2] ?? "",
      );
    let promoted = "";
    for (const via of ["agent", "gossip"] as const) {
      const seen = await topologyUntil(configOf(BASE_PORT + 1), via, failedOver, FAILOVER_SHOWN_WITHIN_MS);
      expectShown(seen, `failed-over tree via ${via}`, FAILOVER_SHOWN_WITHIN_MS);
      const head = seen.lines[0]?.split(" ")[0] ?? "";
      if (promoted !== "") expect(head).toBe(promoted); // both views show the same new primary
      promoted = head;
    }
    const health = JSON.parse(keel("clusters", "--config", configOf(BASE_PORT + 2), "--json").stdout);
    expect(health[0]).toMatchObject({
      health: "degraded",
      primary: promoted,
      primaryInferred: false,
      epoch: 2,
    });
  }, 30_000);

  test("sandbox down leaves no keel or mariadbd process", async () => {
    expect(processesMentioning(dir).length).toBeGreaterThan(0);
    const down = keel("sandbox", "down", "--dir", dir);
    expect(down.exitCode).toBe(0);
    expect(processesMentioning(dir)).toEqual([]);
  }, 30_000);
});
