// Every failover.* code has words naming the problem and a fix, reachable through allMessages.
import { describe, expect, test } from "bun:test";
import { failoverMessages } from "../../../src/cli/messages/failover.ts";
import { allMessages } from "../../../src/cli/messages/index.ts";
import type { FailoverError } from "../../../src/failover/errors.ts";

const samples: FailoverError[] = [
  { code: "failover.excluded-witness", nodeId: "w1" },
  { code: "failover.excluded-must-not", nodeId: "db3" },
  {
    code: "failover.excluded-downtimed",
    nodeId: "db3",
    owner: "ops",
    reason: "disk swap",
    remainingMs: 90_000,
  },
  { code: "failover.excluded-agent-unreachable", nodeId: "db3", memberStatus: "dead", recordAgeMs: 12_000 },
  { code: "failover.excluded-instance-unreachable", nodeId: "db3", reason: "refused" },
  { code: "failover.excluded-instance-unreachable", nodeId: "db3", reason: "not-probed" },
  { code: "failover.excluded-gtid-unreadable", nodeId: "db3", gtidErrorCode: "gtid.syntax" },
  { code: "failover.excluded-no-binlog", nodeId: "db3" },
  { code: "failover.excluded-no-log-replica-updates", nodeId: "db3" },
  {
    code: "failover.excluded-sql-thread-error",
    nodeId: "db3",
    channel: "",
    errno: 1062,
    error: "Duplicate entry",
  },
  {
    code: "failover.excluded-older-version",
    nodeId: "db3",
    version: "10.6.16-MariaDB",
    newestMajorMinor: "10.11",
  },
  { code: "failover.excluded-errant-gtids", nodeId: "db3", errantGtids: "0-3-101" },
  { code: "failover.no-candidate", cluster: "main", failedNodeId: "db1", excludedCount: 2 },
  { code: "failover.preferred-unknown", cluster: "main", nodeId: "db9" },
  {
    code: "failover.preferred-not-eligible",
    nodeId: "db3",
    exclusion: { code: "failover.excluded-must-not", nodeId: "db3" },
  },
  {
    code: "failover.transactions-would-be-lost",
    cluster: "main",
    candidateNodeId: "db3",
    missingGtids: "0-1-98..100",
    holders: ["db1", "db2"],
  },
  {
    code: "failover.loss-undecidable",
    cluster: "main",
    candidateNodeId: "db3",
    gtidErrorCode: "gtid.flavor-mismatch",
    holders: ["db1"],
  },
  { code: "failover.paused-global" },
  { code: "failover.paused-cluster", cluster: "main" },
  {
    code: "failover.cluster-downtimed",
    cluster: "main",
    owner: "ops",
    reason: "upgrade",
    remainingMs: 3_600_000,
  },
  {
    code: "failover.instance-downtimed",
    cluster: "main",
    nodeId: "db1",
    owner: "ops",
    reason: "x",
    remainingMs: 5_000,
  },
  {
    code: "failover.recovery-blocked",
    cluster: "main",
    lastRecoveryId: "r7",
    lastRecoveryAgeMs: 600_000,
    recoveryBlockMs: 3_600_000,
  },
  { code: "failover.recovery-in-progress", cluster: "main", recoveryId: "r8" },
];

type Word = (e: FailoverError) => { problem: string; fix: string };

describe("failover messages", () => {
  test("the samples cover every code", () => {
    expect(new Set<string>(samples.map((e) => e.code))).toEqual(new Set(Object.keys(failoverMessages)));
  });

  test.each(samples.map((e) => [e.code, e] as const))("%s has a problem and a fix", (code, e) => {
    const word = allMessages[code] as Word | undefined;
    expect(word).toBeDefined();
    const { problem, fix } = (word as Word)(e);
    expect(problem.length).toBeGreaterThan(10);
    expect(fix.length).toBeGreaterThan(10);
    expect(problem.endsWith(".")).toBe(false);
    expect(fix.endsWith(".")).toBe(false);
    if ("nodeId" in e) expect(`${problem} ${fix}`).toContain(e.nodeId);
  });

  test("the loss refusal names what is missing and who holds it", () => {
    const e = samples.find((s) => s.code === "failover.transactions-would-be-lost") as FailoverError;
    const { problem, fix } = (allMessages[e.code] as Word)(e);
    expect(problem).toContain("0-1-98..100");
    expect(problem).toContain("db1, db2");
    expect(fix).toContain("--force");
  });
});
