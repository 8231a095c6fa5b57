// Seeded Raft simulation: every seed draws a voter set (3, 5, or 2 agents + witness), a network
// fault mix and a schedule of crashes (clean and torn), restarts, partitions, one-way cuts and
// loss/duplication/reordering, with proposals throughout; safety checkers run after every step,
// then the cluster is healed and must elect a leader and commit again.
//   KEEL_SIM_SEEDS=<n>  run n seeds (default 8000)     KEEL_SEED=<n>  replay exactly one seed
import { describe, expect, test } from "bun:test";
import { RaftCluster, runRaftSchedule, type ScheduleResult } from "../../src/sim/raft-cluster.ts";

const replay = process.env.KEEL_SEED;
const seedCount = Number(process.env.KEEL_SIM_SEEDS ?? 8_000);
const seeds = replay !== undefined ? [Number(replay)] : Array.from({ length: seedCount }, (_, i) => i + 1);

function describeFailure(r: ScheduleResult): string {
  return [
    `seed ${r.seed} (${r.voters.join(",")}) violated: ${JSON.stringify(r.violations)}`,
    `faults: ${r.faults.join("; ")}`,
    `replay: KEEL_SEED=${r.seed} bun test test/sim/raft.test.ts`,
  ].join("\n");
}

describe("raft under seeded faults", () => {
  test(`${seeds.length} schedules keep every safety property and recover after healing`, () => {
    const failures: string[] = [];
    let committed = 0;
    for (const seed of seeds) {
      const r = runRaftSchedule(seed);
      committed += r.committed;
      if (r.violations.length > 0) {
        failures.push(describeFailure(r));
        if (failures.length >= 3) break;
      }
      if (replay !== undefined) console.log(`seed ${seed}: ${r.faults.join("; ")}; committed ${r.committed}`);
    }
    if (failures.length > 0) console.error(failures.join("\n\n"));
    expect(failures).toEqual([]);
    // The schedules must actually make progress, or safety would hold vacuously.
    expect(committed).toBeGreaterThan(seeds.length * 5);
  }, 120_000);
});

test("a seed replays exactly: same faults, same steps, same outcome", () => {
  const a = runRaftSchedule(4242);
  const b = runRaftSchedule(4242);
  expect(b).toEqual(a);
  expect(runRaftSchedule(4243).faults).not.toEqual(a.faults);
});

describe("raft cluster scenarios in the simulator", () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  test.each([
    ["3 voters", ["n1", "n2", "n3"]],
    ["5 voters", ["n1", "n2", "n3", "n4", "n5"]],
    ["2 agents + witness", ["db1", "db2", "witness"]],
  ])("%s: a new leader is elected after the leader crashes, and commits", (_name, voters) => {
    const c = new RaftCluster({ seed: 11, voters });
    expect(c.runUntil(() => c.leader() !== null, 5_000)).toBe(true);
    const old = c.leader()?.id as string;
    c.crash(old);
    const crashedAtMs = c.nowMs;
    expect(c.runUntil(() => c.leader() !== null, 5_000)).toBe(true);
    expect(c.leader()?.id).not.toBe(old);
    expect(c.nowMs - crashedAtMs).toBeLessThan(2_000);
    const p = c.propose(utf8("after failover"));
    expect(p).not.toBeNull();
    const live = voters.filter((v) => v !== old);
    expect(c.runUntil(() => live.every((v) => c.appliedIndex(v) >= (p?.index ?? 0)), 2_000)).toBe(true);
    expect(c.checker.violations).toEqual([]);
  });

  test("a restarted node that lost its unsynced tail catches up without violating safety", () => {
    const c = new RaftCluster({ seed: 5, voters: ["n1", "n2", "n3"] });
    c.runUntil(() => c.leader() !== null, 5_000);
    const follower = ["n1", "n2", "n3"].find((v) => v !== c.leader()?.id) as string;
    for (let i = 0; i < 30; i++) {
      c.propose(utf8(`e${i}`));
      if (i === 20) c.crashTorn(follower);
      c.runFor(3);
    }
    c.restart(follower);
    const target = c.leader()?.status().lastIndex ?? 0;
    expect(c.runUntil(() => c.appliedIndex(follower) >= target, 3_000)).toBe(true);
    expect(c.checker.violations).toEqual([]);
  });

  test("the checkers notice a forged divergent log (they can fail)", () => {
    const c = new RaftCluster({ seed: 3, voters: ["n1", "n2", "n3"] });
    c.runUntil(() => c.leader() !== null, 5_000);
    const lead = c.leader();
    if (lead === null) throw new Error("no leader");
    const forged = { index: 1, term: lead.status().term, data: utf8("forged") };
    c.checker.observeAppended("fake", [forged], lead.log);
    expect(c.checker.violations.map((v) => v.code)).toContain("sim.raft.log-mismatch");
  });
});
