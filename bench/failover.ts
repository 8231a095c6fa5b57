// Failover on real MariaDB with the compiled binary as agents, at default settings: per run a
// fresh 3-instance sandbox with agents, a writer on the primary (an application user), kill -9 of
// the primary's mysqld, then the clock until the ledger records the detection, until a replica
// answers writable, and until the other replica replicates from it; and the acknowledged writes
// the new primary lacks. Async and semi-sync. Prints numbers, asserts nothing.
//   node_modules/.bin/bun bench/failover.ts [runs per mode, default 10]
import { readFileSync } from "node:fs";
import type mysql from "mysql2/promise";
import {
  buildPrivateBinary,
  connect,
  missingOn,
  TestCluster,
  waitFor,
  Writer,
} from "../test/integration/failover-harness.ts";

const runs = Number(process.argv[2] ?? 10);
const BASE = 32400;
const POLL_MS = 5;

interface Run {
  detectMs: number;
  writableMs: number;
  repointedMs: number;
  acked: number;
  lost: number;
}

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

const fmt = (xs: number[]) =>
  `p50 ${Math.round(percentile(xs, 50))} ms  p95 ${Math.round(percentile(xs, 95))} ms  max ${Math.round(Math.max(...xs))} ms`;

async function readOnly(c: mysql.Connection): Promise<boolean | null> {
  try {
    const [rows] = await c.query("SELECT @@global.read_only AS ro");
    return (rows as { ro: number }[])[0]?.ro === 1;
  } catch {
    return null;
  }
}

async function replicatesFrom(c: mysql.Connection, port: number): Promise<boolean> {
  try {
    const [rows] = await c.query("SHOW SLAVE STATUS");
    const r = (rows as { Master_Port?: number; Slave_IO_Running?: string }[])[0];
    return r?.Master_Port === port && r.Slave_IO_Running === "Yes";
  } catch {
    return false;
  }
}

function mysqldPid(dir: string, port: number): number {
  const state = JSON.parse(readFileSync(`${dir}/sandbox.json`, "utf8")) as {
    instances: { port: number; pidFile: string }[];
  };
  const pidFile = state.instances.find((i) => i.port === port)?.pidFile;
  if (!pidFile) throw new Error(`no pid file for ${port}`);
  return Number(readFileSync(pidFile, "utf8").trim());
}

async function oneRun(bin: string, semiSync: boolean): Promise<Run> {
  const c = await TestCluster.start(bin, { basePort: BASE, semiSync });
  try {
    await waitFor("the ledger to adopt db1", 10_000, async () => (await c.ledger())?.primary === "db1");
    await Writer.prepare(BASE);
    const writer = new Writer(() => BASE);
    writer.start(false);
    const watch = [await connect(BASE + 1), await connect(BASE + 2)];
    await Bun.sleep(1_500); // agents' records settle, the writer is going
    const killWallMs = Date.now();
    const killMs = performance.now();
    process.kill(mysqldPid(c.dir, BASE), "SIGKILL");
    let writableMs = Number.NaN;
    let newIndex = -1;
    while (performance.now() - killMs < 15_000) {
      const ro = await Promise.all(watch.map(readOnly));
      newIndex = ro.indexOf(false);
      if (newIndex >= 0) {
        writableMs = performance.now() - killMs;
        break;
      }
      await Bun.sleep(POLL_MS);
    }
    await writer.stop();
    const newPort = BASE + 1 + newIndex;
    const other = watch[1 - newIndex] as mysql.Connection;
    let repointedMs = Number.NaN;
    while (performance.now() - killMs < 15_000) {
      if (await replicatesFrom(other, newPort)) {
        repointedMs = performance.now() - killMs;
        break;
      }
      await Bun.sleep(POLL_MS);
    }
    for (const w of watch) w.destroy();
    const l = await c.ledger(BASE + 1);
    const detectMs =
      (l?.recoveries[0] as { detectedWallMs?: number } | undefined)?.detectedWallMs ?? Number.NaN;
    const lost = (await missingOn(newPort, writer.acked)).length;
    return { detectMs: detectMs - killWallMs, writableMs, repointedMs, acked: writer.acked.length, lost };
  } finally {
    await c.remove();
  }
}

const built = buildPrivateBinary();
try {
  for (const semiSync of [false, true]) {
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await oneRun(built.bin, semiSync);
      results.push(r);
      console.log(
        `${semiSync ? "semi-sync" : "async    "} run ${i + 1}: detected ${Math.round(r.detectMs)} ms, writable ${Math.round(r.writableMs)} ms, repointed ${Math.round(r.repointedMs)} ms, acked ${r.acked}, lost ${r.lost}`,
      );
    }
    const mode = semiSync ? "semi-sync" : "async";
    console.log(
      `\n${mode}, ${runs} kill -9 runs of the primary's mysqld (3 MariaDB 10.11, default settings):`,
    );
    console.log(`  to detection (ledger recovery-detected): ${fmt(results.map((r) => r.detectMs))}`);
    console.log(`  to a writable new primary:               ${fmt(results.map((r) => r.writableMs))}`);
    console.log(`  to all replicas repointed:               ${fmt(results.map((r) => r.repointedMs))}`);
    const lost = results.reduce((a, r) => a + r.lost, 0);
    const acked = results.reduce((a, r) => a + r.acked, 0);
    console.log(`  acknowledged writes lost: ${lost} of ${acked}\n`);
  }
} finally {
  built.remove();
}
