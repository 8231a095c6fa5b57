// Faults that must NOT end in a failover, with the compiled keel agent on every host of a fresh
// 3-host semi-sync lab: a replica cut off, the primary's agent killed, packet loss on the primary.
// The ledger keeps its first epoch, no recovery is recorded, the primary keeps taking writes, and
// every invariant of the run holds.
import { describe, expect, test } from "bun:test";
import { violations, withAgentLab } from "./harness/agent-lab.ts";
import { type ChaosReport, runScripted } from "./harness/chaos-run.ts";
import { type FaultStep, oneFault, othersThan, sleepMs } from "./harness/scenario.ts";

const SEMI_SYNC_TIMEOUT_MS = 5_000;
const TEST_TIMEOUT_MS = 120_000;
/** Longer than detection (stale record + confirm window) plus fence_after: time enough to act wrongly. */
const HOLD_MS = 8_000;

function expectNoFailover(r: ChaosReport, primary: string, name: string): void {
  expect(violations(r, `bun test test/chaos/agent-no-failover.test.ts -t "${name}"`)).toEqual([]);
  expect(r.epochs.map((e) => `${e.epoch}:${e.primary}`)).toEqual([`1:${primary}`]);
  expect(r.recoveries).toEqual([]);
  expect(r.finalPrimary).toBe(primary);
  const fault = r.timeline.find((e) => e.phase === "start");
  const healed = r.timeline.find((e) => e.phase === "end");
  // The client kept writing to the primary while the fault held.
  const during = r.acked.filter((a) => fault && healed && a.atMs > fault.atMs && a.atMs < healed.atMs);
  expect(during.length).toBeGreaterThan(10);
  expect(new Set(during.map((a) => a.host))).toEqual(new Set([primary]));
}

async function noFailoverScenario(name: string, step: (primary: string) => FaultStep): Promise<void> {
  await withAgentLab({ hosts: 3, semiSyncTimeoutMs: SEMI_SYNC_TIMEOUT_MS }, async ({ lab, agents }) => {
    let primary = "";
    const report = await runScripted({ lab, agents }, null, (ctx) =>
      oneFault((p) => {
        primary = p;
        return step(p);
      })(ctx),
    );
    expectNoFailover(report, primary, name);
  });
}

describe("no-failover scenarios (3 hosts, compiled agents, semi-sync)", () => {
  test(
    "isolate a replica: nothing fails over, the replica catches up after the heal",
    () =>
      noFailoverScenario("isolate a replica", (primary) => {
        let replica = "";
        return {
          kind: "isolate",
          hosts: [],
          detail: "a replica",
          inject: async (c) => {
            replica = othersThan(c, primary)[0]!;
            await c.nemesis.isolate(replica);
          },
          during: () => sleepMs(HOLD_MS),
          revert: (c) => c.nemesis.heal(),
        };
      }),
    TEST_TIMEOUT_MS,
  );

  test(
    "kill -9 the primary's agent only: its server is fine, so nothing fails over",
    () =>
      noFailoverScenario("kill -9 the primary's agent", (primary) => ({
        kind: "kill-agent",
        hosts: [primary],
        detail: `primary ${primary}'s agent`,
        inject: async (c) => {
          expect((await c.nemesis.kill9(primary, "agent")).length).toBe(1);
        },
        during: () => sleepMs(HOLD_MS),
        revert: (c) => c.nemesis.start(primary, "agent"),
      })),
    TEST_TIMEOUT_MS,
  );

  test(
    "30% packet loss on the primary for a while: no false failover",
    () =>
      noFailoverScenario("30% packet loss", (primary) => ({
        kind: "loss",
        hosts: [primary],
        detail: `30% on primary ${primary}`,
        inject: (c) => c.nemesis.loss(primary, 30),
        during: () => sleepMs(2 * HOLD_MS),
        revert: (c) => c.nemesis.heal(),
      })),
    TEST_TIMEOUT_MS,
  );
});
