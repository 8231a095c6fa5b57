// A short seeded chaos schedule on 5 hosts with semi-sync, end to end: nemesis, writer, sampler,
// heal, settle, checkers. Until the keel agent runs in the lab nothing fails over, so the
// stand-in reconciler keeps h1 primary; every invariant must still hold. KEEL_CHAOS_SEED replays.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChaosReport, restoreInitialPrimary, runChaos } from "./harness/chaos-run.ts";
import { describeProblem } from "./harness/checkers/final-state.ts";
import { createLab, type Lab } from "./harness/lab.ts";

const SEED = Number(process.env.KEEL_CHAOS_SEED ?? 1);
const RUN_MS = 30_000;
let lab: Lab;

beforeAll(async () => {
  lab = await createLab({ hosts: 5, semiSyncTimeoutMs: 5_000 });
}, 60_000);

afterAll(async () => {
  await lab?.teardown();
}, 60_000);

describe(`seeded chaos run (KEEL_CHAOS_SEED=${SEED})`, () => {
  let report: ChaosReport;

  test("injects the schedule's faults and keeps writing throughout", async () => {
    report = await runChaos({
      lab,
      seed: SEED,
      totalMs: RUN_MS,
      reconcile: restoreInitialPrimary,
      schedule: { warmupMs: 2_000, faultMs: [2_000, 5_000], quietMs: [1_000, 3_000] },
    });
    expect(report.faultsInjected).toBeGreaterThanOrEqual(3);
    expect(report.timeline.filter((e) => e.error !== null)).toEqual([]);
    expect(report.acked.length).toBeGreaterThan(50);
    expect(report.samples).toBeGreaterThan(100);
  }, 120_000);

  test("no split brain, no acknowledged write lost, converged, nothing left loose", () => {
    const explain = report.problems.map(describeProblem);
    expect(explain).toEqual([]);
    expect(report.splitBrain).toEqual([]);
    expect(report.lostWrites).toEqual([]);
    expect(report.finalPrimary).toBe("h1");
  });
});
