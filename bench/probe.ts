// Probe latency against a local sandbox replica: a reused connection (what the agent does every
// ~500 ms) and one-shot probes (connect + probe + close). Prints numbers; asserts nothing.
// Usage: bun bench/probe.ts [probes=500]
import { mkdtempSync, rmSync } from "node:fs";
import type { ProbeTarget } from "../src/mysql/connect.ts";
import { InstanceProber, probeOnce } from "../src/mysql/probe.ts";
import { SANDBOX_ADMIN, sandboxDown, sandboxUp } from "../src/sandbox/sandbox.ts";

const BASE_PORT = 25950;
const probes = Number(process.argv[2] ?? 500);

function percentile(sortedMs: number[], p: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))] ?? Number.NaN;
}

function report(label: string, samplesMs: number[]): void {
  const s = [...samplesMs].sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(2);
  console.log(
    `${label.padEnd(10)} n=${s.length}  p50 ${fmt(percentile(s, 50))} ms  p99 ${fmt(percentile(s, 99))} ms  max ${fmt(s[s.length - 1] ?? Number.NaN)} ms`,
  );
}

async function timed(fn: () => Promise<{ reachable: boolean }>): Promise<number> {
  const startMs = performance.now();
  const s = await fn();
  if (!s.reachable) throw new Error("probe failed during the bench");
  return performance.now() - startMs;
}

const dir = mkdtempSync("/tmp/keel-bench-probe-");
try {
  const up = await sandboxUp({ dir, instances: 2, basePort: BASE_PORT });
  if (!up.ok) throw new Error(`sandbox failed: ${up.error.code}`);
  const target: ProbeTarget = {
    address: { kind: "tcp", host: "127.0.0.1", port: BASE_PORT + 1 },
    user: SANDBOX_ADMIN.user,
    password: SANDBOX_ADMIN.password,
  };
  const prober = new InstanceProber(target);
  await prober.probe(); // connect + version query outside the measurement
  const reused: number[] = [];
  for (let i = 0; i < probes; i++) reused.push(await timed(() => prober.probe()));
  await prober.close();
  const oneShot: number[] = [];
  for (let i = 0; i < Math.min(probes, 200); i++) oneShot.push(await timed(() => probeOnce(target)));
  console.log(`probe latency, MariaDB replica on 127.0.0.1:${BASE_PORT + 1}`);
  report("reused", reused);
  report("one-shot", oneShot);
} finally {
  await sandboxDown(dir);
  rmSync(dir, { recursive: true, force: true });
}
