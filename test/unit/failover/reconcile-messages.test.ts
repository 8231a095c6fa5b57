// Every code the plans, the fence_after check and the reconciler report has words naming the
// problem and a fix, reachable through allMessages, and the words carry the numbers and GTIDs.
import { describe, expect, test } from "bun:test";
import { failoverRecoveryMessages } from "../../../src/cli/messages/failover.ts";
import { allMessages } from "../../../src/cli/messages/index.ts";
import type { FenceAfterError, PlanError } from "../../../src/failover/plan-errors.ts";
import type { ReconcileEvent } from "../../../src/failover/reconcile-events.ts";

type Coded = PlanError | FenceAfterError | ReconcileEvent;

const samples: Coded[] = [
  { code: "failover.plan-same-node", nodeId: "db1" },
  { code: "failover.plan-bad-node-id", nodeId: "db:1" },
  { code: "failover.plan-member-unreachable", nodeId: "db2", role: "candidate" },
  { code: "failover.plan-member-unreachable", nodeId: "db1", role: "primary" },
  { code: "failover.plan-duplicate-node", nodeId: "db3" },
  { code: "failover.plan-too-many-steps", steps: 33, maxSteps: 32 },
  { code: "failover.plan-step-unknown", name: "reboot:db2" },
  {
    code: "failover.fence-after-unsafe",
    fenceAfterMs: 2_500,
    marginMs: 500,
    detectionMs: 2_500,
    confirmWindowMs: 1_000,
    staleAfterMs: 1_500,
    maxFenceAfterMs: 2_000,
  },
  { code: "failover.self-fenced", nodeId: "db1", lostForMs: 1_600, fenceAfterMs: 1_500 },
  { code: "failover.fenced-not-primary", nodeId: "db1", primaryNodeId: "db2", epoch: 8 },
  {
    code: "failover.rejoin-refused-errant",
    nodeId: "db1",
    primaryNodeId: "db2",
    errantGtids: "0-1-101..106",
  },
  { code: "failover.rejoin-disabled", nodeId: "db1", primaryNodeId: "db2" },
  {
    code: "failover.repoint-refused-errant",
    nodeId: "db3",
    primaryNodeId: "db2",
    source: "db1.example:3306",
    errantGtids: "0-3-5",
  },
  {
    code: "failover.gtid-incomparable",
    nodeId: "db1",
    primaryNodeId: "db2",
    gtidErrorCode: "gtid.flavor-mismatch",
  },
  { code: "failover.primary-replicates", nodeId: "db2", sources: ["db1.example:3306"] },
  {
    code: "failover.wrong-source-ambiguous",
    nodeId: "db3",
    primaryNodeId: "db2",
    sources: ["db1.example:3306", "x.example:3306"],
  },
  { code: "failover.fenced-after-unresponsive", nodeId: "db1", unansweredForMs: 2_400, fenceAfterMs: 1_500 },
];

type Word = (e: Coded) => { problem: string; fix: string };
const words = (e: Coded) => (allMessages[e.code] as Word)(e);

describe("failover recovery messages", () => {
  test("the samples cover every code", () => {
    expect(new Set<string>(samples.map((e) => e.code))).toEqual(
      new Set(Object.keys(failoverRecoveryMessages)),
    );
  });

  test.each(samples.map((e) => [e.code, e] as const))("%s has a problem and a fix", (_code, e) => {
    const { problem, fix } = words(e);
    expect(problem.length).toBeGreaterThan(10);
    expect(fix.length).toBeGreaterThan(10);
    expect(problem.endsWith(".")).toBe(false);
    expect(fix.endsWith(".")).toBe(false);
    if ("nodeId" in e) expect(`${problem} ${fix}`).toContain(e.nodeId);
  });

  test("a refused rejoin names the errant GTIDs and both ways out", () => {
    const { problem, fix } = words(samples[10] as Coded);
    expect(problem).toContain("0-1-101..106");
    expect(fix).toContain("keel rejoin -i <host:port> --force");
    expect(fix).toContain("rebuild");
  });

  test("an unsafe fence_after names the largest value that would pass", () => {
    const { problem, fix } = words(samples[7] as Coded);
    expect(problem).toContain("2500");
    expect(fix).toContain("at most 2000");
  });
});
