import { describe, expect, test } from "bun:test";
import { type ReconcileCliError, reconcileMessages } from "../../../../src/cli/messages/reconcile.ts";
import { renderError } from "../../../../src/cli/render-error.ts";

const SAMPLES: ReconcileCliError[] = [
  { code: "reconcile.epoch-moved", epoch: 3, currentEpoch: 4, primary: "db2" },
  { code: "reconcile.action-threw", detail: "TypeError: x" },
  { code: "reconcile.bad-rpc" },
  { code: "reconcile.unknown-instance", instance: "10.0.0.9:3306" },
  { code: "reconcile.rejoin-unanswered", instance: "db1:3306", nodeId: "db1", waitedMs: 15_000 },
  { code: "reconcile.bad-request", detail: "force must be true or false" },
  { code: "reconcile.other-cluster", cluster: "b", configCluster: "a", configPath: "/etc/keel/keel.json" },
  { code: "reconcile.bad-duration", text: "soon", maxMs: 604_800_000 },
  {
    code: "reconcile.rejoin-refused",
    instance: "db1:3306",
    nodeId: "db1",
    event: {
      code: "failover.rejoin-refused-errant",
      nodeId: "db1",
      primaryNodeId: "db2",
      errantGtids: "0-1-101",
    },
  },
  { code: "reconcile.rejoin-pending", instance: "db1:3306", nodeId: "db1", reason: "waiting" },
  { code: "reconcile.rejoin-is-primary", instance: "db1:3306", nodeId: "db1" },
  {
    code: "reconcile.rejoin-failed",
    instance: "db1:3306",
    nodeId: "db1",
    error: {
      code: "mysql.action-failed",
      action: "demote",
      host: "db1",
      port: 3306,
      errno: null,
      errorCode: "REPLICATION_NOT_RUNNING",
      message: "replication from db2:3306 not running within 5000 ms",
      statement: "",
    },
  },
];

describe("reconcile messages", () => {
  test("the samples cover every code", () => {
    expect(new Set<string>(SAMPLES.map((s) => s.code))).toEqual(
      new Set<string>(Object.keys(reconcileMessages)),
    );
  });

  for (const s of SAMPLES) {
    test(`${s.code} has a problem and a fix, on one line`, () => {
      const line = renderError(s);
      expect(line).toMatch(new RegExp(`^keel: .+ \\(${s.code.replace(".", "\\.")}\\); fix: .+$`));
      expect(line).not.toContain("\n");
      expect(line).not.toContain("undefined");
    });
  }

  test("a refused rejoin names the errant GTIDs and says what --force does and does not do", () => {
    const line = renderError(SAMPLES[8] as ReconcileCliError);
    expect(line).toContain("0-1-101");
    expect(line).toContain("--force only repoints");
    expect(line).toContain("injects and discards nothing");
  });

  test("a failed rejoin carries the server's own failure", () => {
    expect(renderError(SAMPLES[11] as ReconcileCliError)).toContain("not running within 5000 ms");
  });
});
