// The guards before a recovery: pause, downtime, one recovery at a time and the anti-flap block,
// each at its boundary, for automatic and manual recoveries.
import { describe, expect, test } from "bun:test";
import {
  checkRecoveryGuards,
  DEFAULT_RECOVERY_BLOCK_MS,
  type GuardInput,
} from "../../../src/failover/guards.ts";

const BLOCK_MS = DEFAULT_RECOVERY_BLOCK_MS;

function input(patch: Partial<GuardInput> = {}): GuardInput {
  return {
    cluster: "main",
    subjectNodeId: "db1",
    trigger: "automatic",
    recoveryBlockMs: BLOCK_MS,
    lastRecovery: null,
    downtimes: [],
    paused: { global: false, cluster: false },
    ...patch,
  };
}

function codes(i: GuardInput): string[] {
  const v = checkRecoveryGuards(i);
  return v.allowed ? [] : v.refusals.map((r) => r.code);
}

const done = (ageMs: number, acknowledged = false) => ({ id: "r7", ageMs, completed: true, acknowledged });

describe("checkRecoveryGuards", () => {
  test("nothing in the way: allowed", () => {
    expect(checkRecoveryGuards(input())).toEqual({ allowed: true });
    expect(BLOCK_MS).toBe(3_600_000);
  });

  test.each([
    ["global pause", input({ paused: { global: true, cluster: false } }), ["failover.paused-global"]],
    ["cluster pause", input({ paused: { global: false, cluster: true } }), ["failover.paused-cluster"]],
    [
      "the failed instance downtimed",
      input({
        downtimes: [
          { scope: "instance", nodeId: "db1", remainingMs: 1, owner: "ops", reason: "maintenance" },
        ],
      }),
      ["failover.instance-downtimed"],
    ],
    [
      "another instance downtimed",
      input({
        downtimes: [{ scope: "instance", nodeId: "db2", remainingMs: 60_000, owner: "ops", reason: "disk" }],
      }),
      [],
    ],
    [
      "an expired downtime",
      input({
        downtimes: [{ scope: "instance", nodeId: "db1", remainingMs: 0, owner: "ops", reason: "done" }],
      }),
      [],
    ],
    [
      "the cluster downtimed",
      input({ downtimes: [{ scope: "cluster", remainingMs: 60_000, owner: "ops", reason: "upgrade" }] }),
      ["failover.cluster-downtimed"],
    ],
    [
      "a recovery 1 ms inside the block",
      input({ lastRecovery: done(BLOCK_MS - 1) }),
      ["failover.recovery-blocked"],
    ],
    ["a recovery exactly one block ago", input({ lastRecovery: done(BLOCK_MS) }), []],
    ["an acknowledged recovery inside the block", input({ lastRecovery: done(1_000, true) }), []],
    [
      "an unfinished recovery",
      input({ lastRecovery: { id: "r8", ageMs: 5, completed: false, acknowledged: false } }),
      ["failover.recovery-in-progress"],
    ],
  ] as const)("automatic: %s", (_name, i, expected) => {
    expect(codes(i)).toEqual([...expected]);
  });

  test("every refusal is reported at once, in a stable order", () => {
    const i = input({
      paused: { global: true, cluster: true },
      downtimes: [{ scope: "instance", nodeId: "db1", remainingMs: 5, owner: "ops", reason: "x" }],
      lastRecovery: done(10),
    });
    expect(codes(i)).toEqual([
      "failover.paused-global",
      "failover.paused-cluster",
      "failover.instance-downtimed",
      "failover.recovery-blocked",
    ]);
  });

  test("the block refusal carries what the event log needs", () => {
    const v = checkRecoveryGuards(input({ lastRecovery: done(60_000) }));
    expect(v).toEqual({
      allowed: false,
      refusals: [
        {
          code: "failover.recovery-blocked",
          cluster: "main",
          lastRecoveryId: "r7",
          lastRecoveryAgeMs: 60_000,
          recoveryBlockMs: BLOCK_MS,
        },
      ],
    });
  });

  test("a manual recovery overrides pause, downtime and the block, but not an unfinished recovery", () => {
    const blockedEverywhere = {
      trigger: "manual" as const,
      paused: { global: true, cluster: true },
      downtimes: [{ scope: "cluster" as const, remainingMs: 60_000, owner: "ops", reason: "upgrade" }],
    };
    expect(codes(input({ ...blockedEverywhere, lastRecovery: done(10) }))).toEqual([]);
    const running = { id: "r8", ageMs: 5, completed: false, acknowledged: false };
    expect(codes(input({ ...blockedEverywhere, lastRecovery: running }))).toEqual([
      "failover.recovery-in-progress",
    ]);
  });
});
