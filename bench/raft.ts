// Raft timing in the simulator with the default timeouts (heartbeat 100 ms, election 500–1000 ms):
//  - election: time from the leader's crash until a new leader exists, p50/p95 over many seeds;
//  - commit: time from propose until the leader commits, and until every node has applied it.
// Network: 1–3 ms one-way delay, no loss. Nodes tick every 10 ms. Prints numbers, asserts nothing.
//   node_modules/.bin/bun bench/raft.ts [seeds]
import { RaftCluster, runRaftSchedule } from "../src/sim/raft-cluster.ts";

const seeds = Number(process.argv[2] ?? 500);
const LAN = { lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 };

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

function summary(xs: number[]): string {
  return `p50 ${percentile(xs, 50)} ms  p95 ${percentile(xs, 95)} ms  p99 ${percentile(xs, 99)} ms  max ${Math.max(...xs)} ms  (n=${xs.length})`;
}

function electionAfterCrashMs(voters: string[], seed: number): number | null {
  const c = new RaftCluster({ seed, voters, faults: LAN });
  if (!c.runUntil(() => c.leader() !== null, 10_000)) return null;
  c.runFor(500 + c.rng.int(2_000));
  const old = c.leader();
  if (old === null) return null;
  c.crash(old.id);
  const crashedAtMs = c.nowMs;
  if (!c.runUntil(() => c.leader() !== null, 10_000)) return null;
  return c.nowMs - crashedAtMs;
}

function commitLatencies(voters: string[], seed: number): { leaderMs: number[]; allMs: number[] } {
  const c = new RaftCluster({ seed, voters, faults: LAN });
  c.runUntil(() => c.leader() !== null, 10_000);
  c.runFor(300);
  const leaderMs: number[] = [];
  const allMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    c.runFor(c.rng.int(50));
    const lead = c.leader();
    const p = c.propose(new TextEncoder().encode(`x${i}`));
    if (lead === null || p === null) continue;
    const at = c.nowMs;
    c.runUntil(() => lead.status().commit >= p.index, 1_000);
    leaderMs.push(c.nowMs - at);
    c.runUntil(() => voters.every((v) => c.appliedIndex(v) >= p.index), 1_000);
    allMs.push(c.nowMs - at);
  }
  return { leaderMs, allMs };
}

for (const voters of [
  ["n1", "n2", "n3"],
  ["n1", "n2", "n3", "n4", "n5"],
  ["db1", "db2", "witness"],
]) {
  // A witness is just a voter, so this row matches "3 voters" exactly: same seeds, same draws.
  const label =
    voters.length === 5 ? "5 voters" : voters.includes("witness") ? "2 agents + witness" : "3 voters";
  const t0 = performance.now();
  const elections: number[] = [];
  let failed = 0;
  for (let s = 1; s <= seeds; s++) {
    const ms = electionAfterCrashMs(voters, s);
    if (ms === null) failed++;
    else elections.push(ms);
  }
  const leaderMs: number[] = [];
  const allMs: number[] = [];
  for (let s = 1; s <= Math.min(seeds, 100); s++) {
    const r = commitLatencies(voters, s);
    leaderMs.push(...r.leaderMs);
    allMs.push(...r.allMs);
  }
  console.log(`${label}:`);
  console.log(`  new leader after leader crash: ${summary(elections)}${failed ? `  FAILED ${failed}` : ""}`);
  console.log(`  commit at leader:              ${summary(leaderMs)}`);
  console.log(`  applied on every node:         ${summary(allMs)}`);
  console.log(`  (${(performance.now() - t0).toFixed(0)} ms wall)`);
}

// Fault-schedule throughput: how many seeded schedules (faults, then heal + liveness) per second.
{
  const count = Number(process.env.KEEL_SIM_SEEDS ?? 2_000);
  const t0 = performance.now();
  let violations = 0;
  let steps = 0;
  for (let s = 1; s <= count; s++) {
    const r = runRaftSchedule(100_000 + s);
    steps += r.steps;
    if (r.violations.length > 0) {
      violations++;
      console.log(`  seed ${r.seed}: ${JSON.stringify(r.violations)}`);
    }
  }
  const sec = (performance.now() - t0) / 1000;
  console.log(
    `fault schedules: ${count} in ${sec.toFixed(1)} s (${(count / sec).toFixed(0)}/s, ${(steps / sec / 1e6).toFixed(2)}M steps/s), ${violations} with violations`,
  );
}
