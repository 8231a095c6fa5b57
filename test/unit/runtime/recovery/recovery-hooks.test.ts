// What a recovery's hooks are told: orchestrator's placeholders from the subject, the snapshot and
// the outcomes so far; and a vetoing Pre hook's output in the step detail.
import { describe, expect, test } from "bun:test";
import { planFailover } from "../../../../src/failover/plan.ts";
import { expandCommand, hookEnvironment } from "../../../../src/hooks/placeholders.ts";
import { Ledger } from "../../../../src/raft/ledger.ts";
import { hookContextOf, runRecoveryHookPoint } from "../../../../src/runtime/recovery-hooks.ts";
import type { RecoverySubject } from "../../../../src/runtime/recovery-planning.ts";
import { hookFactsOf } from "../../../../src/runtime/recovery-scope.ts";
import { healthy } from "../../failover/view-builder.ts";
import { snapshotOf } from "./fixture.ts";

const SUBJECT: RecoverySubject = {
  id: "auto-1",
  kind: "failover",
  trigger: "automatic",
  failedNodeId: "db1",
  analysis: "DeadPrimary",
  preferred: "",
  force: false,
  intent: null,
};

function plan() {
  const m = (nodeId: string) => ({ nodeId, agentAlive: true, serverReachable: true });
  const p = planFailover({
    failed: { nodeId: "db1", agentAlive: true, serverReachable: false },
    candidate: m("db2"),
    replicas: [m("db3"), m("db4")],
    epoch: 1,
    hostUnreachable: false,
    settings: { fenceAfterMs: 1_500, fenceMarginMs: 1_000, catchupTimeoutMs: 10_000 },
  });
  if (!p.ok) throw new Error(p.error.code);
  return p.value;
}

describe("recovery hooks", () => {
  test("placeholders name the failed primary, the successor, the replicas and the lost ones", () => {
    const snap = snapshotOf(healthy("mariadb", 4).build(), new Ledger());
    const p = plan();
    const repointDb3 = p.steps.find((s) => s.name === "repoint:db3:db2")?.index ?? -1;
    const steps = p.steps.map((s, i) => ({
      name: s.name,
      status: i <= repointDb3 ? "done" : "pending",
      detail: "",
    }));
    const repointDb4 = steps.find((s) => s.name === "repoint:db4:db2");
    if (repointDb4) repointDb4.status = "failed";
    const recovery = {
      id: "auto-1",
      analysis: "DeadPrimary" as const,
      failedInstance: "db1",
      detectedWallMs: 0,
      state: "planned" as const,
      steps: steps as never,
      successor: "db2",
      finishedWallMs: null,
      detail: "",
      acknowledged: null,
    };
    const facts = hookFactsOf(SUBJECT, snap, { plan: p, recovery }, true);
    const ctx = hookContextOf(facts, true);
    const line = expandCommand(
      "x {failureType} {failedHost}:{failedPort} {successorHost}:{successorPort} {countReplicas} {lostReplicas} {isSuccessful} {recoveryUID} {failureCluster}",
      ctx,
    );
    expect(line).toBe("x DeadMaster db1.example:3306 db2.example:3306 3 db4.example:3306 false auto-1 main");
    const env = hookEnvironment(ctx);
    expect(env.ORC_FAILURE_TYPE).toBe("DeadMaster");
    expect(env.ORC_SUCCESSOR_HOST).toBe("db2.example");
    expect(env.ORC_COMMAND).toBe("");
  });

  test("Pre hooks are not told a successor; operator recoveries carry orchestrator's command", () => {
    const snap = snapshotOf(healthy("mariadb", 3).build(), new Ledger());
    const facts = hookFactsOf(
      { ...SUBJECT, id: "sw-1", kind: "switchover", trigger: "manual", intent: "switchover" },
      snap,
      { plan: plan(), recovery: null },
      true,
    );
    const pre = hookContextOf(facts, false);
    expect(pre.successorHost).toBeNull();
    expect(pre.failureType).toBe("GracefulMasterTakeover");
    expect(pre.command).toBe("graceful-master-takeover");
  });

  test("a failing PreFailover command vetoes, with its output in the detail", async () => {
    const snap = snapshotOf(healthy("mariadb", 3).build(), new Ledger());
    const facts = hookFactsOf(SUBJECT, snap, null, true);
    const commands = {
      OnFailureDetection: [],
      PreFailover: ["echo not today >&2; exit 3"],
      PostMasterFailover: [],
      PostFailover: [],
      PostUnsuccessfulFailover: [],
      PreGracefulTakeover: [],
      PostGracefulTakeover: [],
    };
    const r = await runRecoveryHookPoint("PreFailover", facts, { commands, timeoutMs: 5_000 });
    expect(r.vetoed).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe("vetoed: exit 3: not today");
  });
});
