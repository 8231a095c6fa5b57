// Raft over real UDP on loopback, default timeouts (heartbeat 100 ms, election 500–1000 ms):
//  - election: `keel agent --witness` processes (3 and 5 voters); kill -9 the leader, time until
//    every survivor's /api/raft names one new leader; restart it, let it catch up, repeat;
//  - commit: three in-process agents; sequential proposals through the leader and through a
//    follower (forwarded on channel "p"), time from propose() to the ledger's answer.
// Prints numbers, asserts nothing.   node_modules/.bin/bun bench/raft-udp.ts [runs]
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../src/config/config.ts";
import { loadConfig } from "../src/config/load.ts";
import { createLogger } from "../src/obs/logger.ts";
import { type AgentHandle, startAgent } from "../src/runtime/agent.ts";
import { fetchRaftView } from "../src/runtime/api-client.ts";
import type { RaftView } from "../src/runtime/ledger-view.ts";
import { SANDBOX_REPL } from "../src/sandbox/sandbox-types.ts";

const ROOT = join(import.meta.dir, "..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const runs = Number(process.argv[2] ?? 8);
const KEY = Buffer.alloc(32, 7).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "keel-bench-raft-udp-"));

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

function summary(xs: number[]): string {
  const r = (x: number) => Math.round(x * 10) / 10;
  return `p50 ${r(percentile(xs, 50))} ms  p95 ${r(percentile(xs, 95))} ms  max ${r(Math.max(...xs))} ms  (n=${xs.length})`;
}

function writeConfig(ids: string[], i: number, base: number): { config: Config; path: string } {
  const nodeId = ids[i] as string;
  const raw = {
    cluster: "bench",
    node_id: nodeId,
    witness: true,
    gossip: {
      bind: "127.0.0.1",
      port: base + i,
      seeds: ids.map((_, j) => `127.0.0.1:${base + j}`).filter((_, j) => j !== i),
    },
    keyring: { primary: KEY, keys: [KEY] },
    mysql: null,
    replication: { password: SANDBOX_REPL.password },
    http: { listen: `127.0.0.1:${base + 50 + i}` },
    raft: { voters: ids, data_dir: join(dir, `${base}`, nodeId) },
    log: { format: "json", level: "warn" },
  };
  const path = join(dir, `${base}-${nodeId}.json`);
  writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
  const loaded = loadConfig(path, {});
  if (!loaded.ok) throw new Error(loaded.error.map((e) => e.code).join());
  return { config: loaded.value.config, path };
}

async function agreed(cfgs: Config[], not: string | null): Promise<RaftView | null> {
  const vs = await Promise.all(cfgs.map((c) => fetchRaftView(c, { timeoutMs: 500 })));
  if (!vs.every((v) => v.ok)) return null;
  const views = vs.map((v) => (v.ok ? v.value : null)) as RaftView[];
  const f = views[0] as RaftView;
  const same = views.every((v) => v.leader !== null && v.leader === f.leader && v.term === f.term);
  return same && f.leader !== not ? f : null;
}

async function until<T>(probe: () => Promise<T | null>, timeoutMs: number, pollMs = 10): Promise<T | null> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const v = await probe();
    if (v !== null) return v;
    await Bun.sleep(pollMs);
  }
  return null;
}

async function electionRuns(voters: number, base: number): Promise<number[]> {
  const ids = Array.from({ length: voters }, (_, i) => `n${i + 1}`);
  const cfgs = ids.map((_, i) => writeConfig(ids, i, base));
  const procs = new Map<string, ReturnType<typeof Bun.spawn>>();
  const spawn = (i: number) => {
    const log = openSync(join(dir, `${base}-${ids[i]}.log`), "a");
    const args = [BUN, "src/main.ts", "agent", "--witness", "--config", cfgs[i]?.path as string];
    procs.set(ids[i] as string, Bun.spawn(args, { cwd: ROOT, stdout: log, stderr: log }));
  };
  for (const [i] of ids.entries()) spawn(i);
  const out: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const all = cfgs.map((c) => c.config);
      const cur = await until(() => agreed(all, null), 15_000, 50);
      if (cur === null) throw new Error("no leader");
      await Bun.sleep(300 + Math.random() * 700); // kill at a random point of the heartbeat cycle
      const old = cur.leader as string;
      const i = ids.indexOf(old);
      procs.get(old)?.kill("SIGKILL");
      const killedAt = performance.now();
      const survivors = all.filter((_, j) => j !== i);
      const next = await until(() => agreed(survivors, old), 10_000);
      if (next !== null) out.push(performance.now() - killedAt);
      else {
        const vs = await Promise.all(survivors.map((c) => fetchRaftView(c, { timeoutMs: 500 })));
        console.log(
          `run ${run}: no agreed new leader after killing ${old}:`,
          vs
            .map((v) =>
              v.ok ? `${v.value.nodeId} t${v.value.term} l=${v.value.leader} ${v.value.role}` : v.error.code,
            )
            .join(" | "),
        );
      }
      await procs.get(old)?.exited;
      spawn(i);
    }
  } finally {
    for (const p of procs.values()) p.kill("SIGKILL");
    await Promise.all([...procs.values()].map((p) => p.exited));
  }
  return out;
}

async function commitLatencies(
  base: number,
  proposals: number,
): Promise<{ leader: number[]; follower: number[] }> {
  const ids = ["c1", "c2", "c3"];
  const quiet = createLogger({
    level: "error",
    format: "json",
    isTty: false,
    sink: { write: () => {} },
    nowWallMs: Date.now,
  });
  const agents: AgentHandle[] = [];
  try {
    for (const [i] of ids.entries()) {
      const started = await startAgent(writeConfig(ids, i, base).config, { logger: quiet });
      if (!started.ok) throw new Error(started.error.code);
      agents.push(started.value);
    }
    await until(async () => agents.find((a) => a.raft.host.status().role === "leader") ?? null, 10_000, 20);
    await Bun.sleep(300);
    const leader = agents.find((a) => a.raft.host.status().role === "leader") as AgentHandle;
    const follower = agents.find((a) => a !== leader) as AgentHandle;
    const time = async (a: AgentHandle, n: number) => {
      const xs: number[] = [];
      for (let k = 0; k < n; k++) {
        const t0 = performance.now();
        const r = await a.raft.propose({ type: "downtime-end", instance: `x${k}` }, 5_000);
        if (r.ok) xs.push(performance.now() - t0);
      }
      return xs;
    };
    return { leader: await time(leader, proposals), follower: await time(follower, proposals) };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

try {
  console.log(`raft over real UDP on loopback, default timing; ${runs} kill -9 runs per size`);
  for (const [voters, base] of [
    [3, 30400],
    [5, 30420],
  ] as const) {
    const xs = await electionRuns(voters, base);
    console.log(`new leader after kill -9, ${voters} voters (processes): ${summary(xs)}`);
  }
  const c = await commitLatencies(30440, 200);
  console.log(`commit+apply via leader   (3 in-process agents): ${summary(c.leader)}`);
  console.log(`commit+apply via follower (3 in-process agents): ${summary(c.follower)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
