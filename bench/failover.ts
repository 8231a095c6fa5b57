// Failover on real MariaDB with the compiled binary as agents, at default settings: per run a
// fresh 3-instance sandbox with agents, a writer on the primary (an application user), kill -9 of
// the primary's mysqld, then the clock until the ledger records the detection, until a replica
// answers writable, and until the other replica replicates from it; and the acknowledged writes
// the new primary lacks. Async and semi-sync. Prints numbers, asserts nothing.
// --host-gone instead cuts the primary's whole host off (nft DROP on lo of its mysqld, gossip and
// HTTP ports; agents reach their servers through unix sockets), as failover-host-gone.test.ts does.
//   node_modules/.bin/bun bench/failover.ts [runs per mode, default 10] [--host-gone]
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import {
  buildPrivateBinary,
  connect,
  missingOn,
  TestCluster,
  waitFor,
  Writer,
} from "../test/integration/failover-harness.ts";
import { SANDBOX_ADMIN } from "../src/sandbox/sandbox-types.ts";

const hostGone = process.argv.includes("--host-gone");
const runs = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 10);
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

const NFT_TABLE = "keel_host_gone_bench";

function socketsOf(dir: string): Map<number, string> {
  const state = JSON.parse(readFileSync(`${dir}/sandbox.json`, "utf8")) as {
    instances: { port: number; socket: string }[];
  };
  return new Map(state.instances.map((i) => [i.port, i.socket]));
}

function healHost(): void {
  Bun.spawnSync(["nft", "delete", "table", "inet", NFT_TABLE], { stdout: "ignore", stderr: "ignore" });
}

/** One atomic batch: every lo packet to or from the primary's mysqld, gossip (+10) and HTTP (+20) ports. */
function cutHost(port: number): void {
  healHost();
  const tcp = `{ ${port}, ${port + 20} }`;
  const rules = [`tcp dport ${tcp}`, `tcp sport ${tcp}`, `udp dport ${port + 10}`, `udp sport ${port + 10}`];
  const batch = [
    `add table inet ${NFT_TABLE}`,
    `add chain inet ${NFT_TABLE} in { type filter hook input priority -10 ; }`,
    ...rules.map((r) => `add rule inet ${NFT_TABLE} in iif lo ${r} drop`),
    "",
  ].join("\n");
  const r = Bun.spawnSync(["nft", "-f", "-"], { stdin: new TextEncoder().encode(batch), stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`nft: ${r.stderr.toString()}`);
}

async function oneHostGoneRun(bin: string): Promise<Run> {
  const c = await TestCluster.start(bin, {
    basePort: BASE,
    patchConfig: (config, _nodeId, dir) => {
      const m = config.mysql as { port: number; socket?: string };
      m.socket = socketsOf(dir).get(m.port);
    },
  });
  const sockets = socketsOf(c.dir);
  const watch: mysql.Connection[] = [];
  try {
    await waitFor("the ledger to adopt db1", 15_000, async () => (await c.ledger())?.primary === "db1");
    for (const port of [BASE + 1, BASE + 2]) {
      const conn = await mysql.createConnection({
        socketPath: sockets.get(port),
        ...SANDBOX_ADMIN,
      });
      conn.on("error", () => undefined);
      watch.push(conn);
    }
    await Bun.sleep(1_500); // agents' records settle
    const cutWallMs = Date.now();
    const cutMs = performance.now();
    cutHost(BASE);
    let writableMs = Number.NaN;
    let newIndex = -1;
    while (performance.now() - cutMs < 20_000) {
      newIndex = (await Promise.all(watch.map(readOnly))).indexOf(false);
      if (newIndex >= 0) {
        writableMs = performance.now() - cutMs;
        break;
      }
      await Bun.sleep(POLL_MS);
    }
    const newPort = BASE + 1 + newIndex;
    const other = watch[1 - newIndex] as mysql.Connection;
    let repointedMs = Number.NaN;
    while (newIndex >= 0 && performance.now() - cutMs < 20_000) {
      if (await replicatesFrom(other, newPort)) {
        repointedMs = performance.now() - cutMs;
        break;
      }
      await Bun.sleep(POLL_MS);
    }
    const l = await c.ledger(BASE + 1);
    const detectMs =
      (l?.recoveries[0] as { detectedWallMs?: number } | undefined)?.detectedWallMs ?? Number.NaN;
    return { detectMs: detectMs - cutWallMs, writableMs, repointedMs, acked: 0, lost: 0 };
  } finally {
    healHost();
    for (const w of watch) w.destroy();
    await c.remove();
  }
}

async function benchHostGone(bin: string): Promise<void> {
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await oneHostGoneRun(bin);
    results.push(r);
    console.log(
      `host gone run ${i + 1}: detected ${Math.round(r.detectMs)} ms, writable ${Math.round(r.writableMs)} ms, repointed ${Math.round(r.repointedMs)} ms`,
    );
  }
  console.log(
    `\nhost gone, ${runs} runs (3 MariaDB 10.11, nft DROP of the primary's host, default settings):`,
  );
  console.log(`  to detection (ledger recovery-detected): ${fmt(results.map((r) => r.detectMs))}`);
  console.log(`  to a writable new primary:               ${fmt(results.map((r) => r.writableMs))}`);
  console.log(`  to all replicas repointed:               ${fmt(results.map((r) => r.repointedMs))}\n`);
}

const built = buildPrivateBinary();
try {
  if (hostGone) await benchHostGone(built.bin);
  for (const semiSync of hostGone ? [] : [false, true]) {
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
