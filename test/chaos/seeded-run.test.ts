// A short seeded mixed chaos schedule on 5 hosts with semi-sync and the compiled keel agent on
// every host, end to end: nemesis (partitions, isolation, loss, kill -9 of mysqld or an agent,
// SIGSTOP, restarts), writer, sampler, ledger watcher, heal, settle, checkers. The agents decide
// everything; the test only judges. A failure prints KEEL_CHAOS_SEED to replay it.
import { describe, expect, test } from "bun:test";
import { violations, withAgentLab } from "./harness/agent-lab.ts";
import { type ChaosReport, runChaos } from "./harness/chaos-run.ts";

const SEED = Number(process.env.KEEL_CHAOS_SEED ?? 1);
const RUN_MS = 45_000;
const REPLAY = `KEEL_CHAOS_SEED=${SEED} bun test ./test/chaos/seeded-run.test.ts`;

describe(`seeded chaos run with agents (KEEL_CHAOS_SEED=${SEED})`, () => {
  test("every fault injected, writes throughout; no split brain, nothing acked lost, converged", async () => {
    let report: ChaosReport | null = null;
    await withAgentLab({ hosts: 5, semiSyncTimeoutMs: 5_000 }, async ({ lab, agents }) => {
      report = await runChaos({
        lab,
        agents,
        seed: SEED,
        totalMs: RUN_MS,
        schedule: { warmupMs: 3_000, faultMs: [3_000, 9_000], quietMs: [2_000, 4_000] },
        settleTimeoutMs: 45_000,
      });
      const r = report as ChaosReport;
      expect(violations(r, REPLAY)).toEqual([]);
      expect(r.faultsInjected).toBeGreaterThanOrEqual(3);
      expect(r.timeline.filter((e) => e.error !== null).map((e) => `${e.kind}: ${e.error}`)).toEqual([]);
      expect(r.acked.length).toBeGreaterThan(50);
      expect(r.samples).toBeGreaterThan(100);
      expect(r.finalPrimary).not.toBeNull();
    });
  }, 180_000);
});
