// CPU and memory of one `keel agent` (the compiled binary, default settings: probe every 500 ms,
// gossip every 200 ms) in a 3-agent sandbox, plus its traffic and the size of a real record.
// CPU is (utime+stime) from /proc/<pid>/stat over the window. Prints numbers; asserts nothing.
// Usage: bun bench/agent.ts [seconds=30]   (KEEL_BENCH_BIN=<binary> to measure another build)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { AgentState } from "../src/runtime/agent-state.ts";
import { encodeAgentRecord } from "../src/runtime/agent-record-codec.ts";
import { sandboxDown, sandboxUp } from "../src/sandbox/sandbox.ts";
import { BARE_ENV, ensureCompiledBinary } from "../test/e2e/helpers/compiled.ts";
import { agentConfigJson, waitFor } from "../test/integration/agent-helpers.ts";
import { testKey } from "../test/unit/net/keys.fixture.ts";

const seconds = Number(process.argv[2] ?? 30);
const MYSQL_BASE_PORT = 28130;
const GOSSIP_PORTS = [28231, 28232, 28233];
const HTTP_PORTS = [28331, 28332, 28333];
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86_64 and arm64

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of the full line)
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? Number.NaN) / 1024;
}

async function metrics(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line === "") continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function state(port: number): Promise<AgentState | null> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/api/state`)).json()) as AgentState;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), "keel-bench-agent-"));
const procs: Subprocess[] = [];
try {
  const up = await sandboxUp({ dir: join(dir, "sb"), instances: 3, basePort: MYSQL_BASE_PORT });
  if (!up.ok) throw new Error(`sandbox: ${up.error.code}`);
  const bin = process.env.KEEL_BENCH_BIN ?? ensureCompiledBinary();
  const key = testKey("bench-agent");
  for (const [i, port] of GOSSIP_PORTS.entries()) {
    const json = agentConfigJson({
      nodeId: `db${i + 1}`,
      gossipPort: port,
      seedPorts: GOSSIP_PORTS.filter((p) => p !== port),
      mysqlPort: MYSQL_BASE_PORT + i,
      httpPort: HTTP_PORTS[i] as number,
      key,
      raftDataDir: join(dir, `raft-db${i + 1}`),
      voters: ["db1", "db2", "db3"],
    });
    delete json.probe_interval_ms; // the default
    const path = join(dir, `db${i + 1}.json`);
    writeFileSync(path, JSON.stringify(json), { mode: 0o600 });
    // KEEL_BENCH_PROFILE=<dir>: run db2 from source under Bun's CPU profiler (markdown in <dir>).
    const profileDir = process.env.KEEL_BENCH_PROFILE;
    const cmd =
      i === 1 && profileDir
        ? [
            process.execPath,
            "--cpu-prof-md",
            `--cpu-prof-dir=${profileDir}`,
            "src/main.ts",
            "agent",
            "--config",
            path,
          ]
        : [bin, "agent", "--config", path];
    procs.push(Bun.spawn(cmd, { env: BARE_ENV, stdout: "ignore", stderr: "ignore" }));
  }
  const convergedMs = await waitFor(async () => {
    const s = await state(HTTP_PORTS[1] as number);
    return s?.members.filter((m) => m.status === "alive" && m.record !== null).length === 3;
  }, 10_000).catch(async (e) => {
    const s = await state(HTTP_PORTS[1] as number);
    console.log(JSON.stringify(s?.members.map((m) => [m.id, m.status, m.recordError, m.record?.nodeId])));
    console.log(JSON.stringify(s?.drops));
    throw e;
  });
  console.log(`converged: all 3 alive with records after ${convergedMs.toFixed(0)} ms`);
  await Bun.sleep(2_000); // past startup work
  const pid = procs[1]?.pid as number;
  const before = { ticks: cpuTicks(pid), m: await metrics(HTTP_PORTS[1] as number), atMs: performance.now() };
  await Bun.sleep(seconds * 1000);
  const after = { ticks: cpuTicks(pid), m: await metrics(HTTP_PORTS[1] as number), atMs: performance.now() };
  const wallS = (after.atMs - before.atMs) / 1000;
  const cpuS = (after.ticks - before.ticks) / CLOCK_TICKS_PER_SECOND;
  const rate = (series: string) => ((after.m.get(series) ?? 0) - (before.m.get(series) ?? 0)) / wallS;
  console.log(
    `agent db2 over ${wallS.toFixed(1)} s: CPU ${((cpuS / wallS) * 100).toFixed(2)}% of one core, RSS ${rssMb(pid).toFixed(1)} MB`,
  );
  console.log(
    `traffic: in ${rate('keel_datagram_bytes_total{direction="in"}').toFixed(0)} B/s (${rate('keel_datagrams_total{direction="in"}').toFixed(1)} datagrams/s), ` +
      `out ${rate('keel_datagram_bytes_total{direction="out"}').toFixed(0)} B/s (${rate('keel_datagrams_total{direction="out"}').toFixed(1)} datagrams/s)`,
  );
  console.log(
    `probes ${rate("keel_probes_total").toFixed(2)}/s, p-avg ${(
      (((after.m.get("keel_probe_latency_seconds_sum") ?? 0) -
        (before.m.get("keel_probe_latency_seconds_sum") ?? 0)) /
        Math.max(
          1,
          (after.m.get("keel_probe_latency_seconds_count") ?? 0) -
            (before.m.get("keel_probe_latency_seconds_count") ?? 0),
        )) *
        1000
    ).toFixed(
      2,
    )} ms; records published/s: changed ${rate('keel_records_published_total{reason="changed"}').toFixed(2)}, keepalive ${rate('keel_records_published_total{reason="keepalive"}').toFixed(2)}`,
  );
  const s = await state(HTTP_PORTS[1] as number);
  for (const m of s?.members ?? [])
    if (m.record !== null)
      console.log(
        `record of ${m.id} (${m.record.instance?.reachable ? "MariaDB" : "?"}): ${encodeAgentRecord(m.record).length} B encoded`,
      );
} finally {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
  await sandboxDown(join(dir, "sb"));
  rmSync(dir, { recursive: true, force: true });
}
