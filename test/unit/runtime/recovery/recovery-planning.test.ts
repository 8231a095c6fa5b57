// Planning a primary change from the leader's snapshot (review 2 items 5 and 6): a failover waits
// for the candidate to hold every answering replica's GTIDs before promote, refuses when an alive
// member's position could not be read just now, and an automatic one refuses a cleared failure.
import { describe, expect, test } from "bun:test";
import { planStepNames } from "../../../../src/failover/plan.ts";
import { Ledger } from "../../../../src/raft/ledger.ts";
import { encodeLedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import type { ClusterSnapshot } from "../../../../src/runtime/cluster-snapshot.ts";
import {
  type PlanningSettings,
  planRecovery,
  type RecoverySubject,
} from "../../../../src/runtime/recovery-planning.ts";
import { healthy } from "../../failover/view-builder.ts";
import { snapshotOf } from "./fixture.ts";

const SETTINGS: PlanningSettings = {
  staleAfterMs: 1_500,
  analysis: {},
  plan: { fenceAfterMs: 1_500, fenceMarginMs: 1_000, catchupTimeoutMs: 10_000 },
};

const REPLICAS = ["db2", "db3", "db4"];

function ledgerNaming(primary: string): Ledger {
  const ledger = new Ledger();
  const data = encodeLedgerCommand({ type: "set-primary", primary, expectedEpoch: 0 });
  const r = ledger.apply({ index: 1, term: 1, data });
  if (!r.ok) throw new Error(r.error.code);
  return ledger;
}

function deadPrimarySnapshot(): ClusterSnapshot {
  const view = healthy("mariadb", 4).mysqldDown("db1").checksFail(REPLICAS, 0).ioDown(REPLICAS).build();
  return snapshotOf(view, ledgerNaming("db1"));
}

const subject = (patch: Partial<RecoverySubject> = {}): RecoverySubject => ({
  id: "auto-1",
  kind: "failover",
  trigger: "automatic",
  failedNodeId: "db1",
  analysis: "DeadPrimary",
  preferred: "",
  force: false,
  intent: null,
  ...patch,
});

function stepsOf(r: ReturnType<typeof planRecovery>): string[] {
  if (!r.ok) throw new Error(`unexpected ${r.error.code}`);
  return planStepNames(r.value);
}

describe("planRecovery", () => {
  test("a dead primary's failover makes the candidate hold every answering replica's GTIDs before promote", () => {
    const names = stepsOf(planRecovery(deadPrimarySnapshot(), subject(), SETTINGS));
    const promote = names.findIndex((n) => n.startsWith("promote:"));
    const candidate = names[promote]?.split(":")[1] ?? "";
    const checks = names.filter((n) => n.startsWith("wait-caught-up:"));
    const others = REPLICAS.filter((id) => id !== candidate);
    expect(checks).toEqual(others.map((id) => `wait-caught-up:${candidate}:${id}`));
    for (const c of checks) expect(names.indexOf(c)).toBeLessThan(promote);
  });

  test("a forced failover accepted loss: the replicas are not waited on", () => {
    const names = stepsOf(
      planRecovery(deadPrimarySnapshot(), subject({ trigger: "manual", force: true }), SETTINGS),
    );
    expect(names.filter((n) => n.startsWith("wait-caught-up:"))).toEqual([]);
  });

  test("review 2 item 6: an alive member the leader could not read refuses the failover", () => {
    // Before the fix the member was ranked on its gossiped (probe-old) position.
    const snapshot = { ...deadPrimarySnapshot(), positionsUnknown: ["db3"] };
    expect(planRecovery(snapshot, subject(), SETTINGS)).toEqual({
      ok: false,
      error: { code: "planning.position-unknown", nodeIds: ["db3"] },
    });
    // A switchover catches the candidate up from the live primary: positions need no refresh.
    const healthySnap = {
      ...snapshotOf(healthy("mariadb", 3).build(), ledgerNaming("db1")),
      positionsUnknown: ["db3"],
    };
    const sw = planRecovery(healthySnap, subject({ kind: "switchover", trigger: "manual" }), SETTINGS);
    expect(sw.ok).toBe(true);
  });

  test("a replica whose agent still looks dead but whose server answered the refresh is detached, compared and repointed", () => {
    // Chaos seed 1: such a replica was left out, stayed attached to the hung primary, and
    // acknowledged its semi-sync commit when it woke; the new primary never had it.
    const view = healthy("mariadb", 4)
      .mysqldDown("db1")
      .checksFail(["db2", "db3"], 0)
      .ioDown(REPLICAS)
      .agentSilent("db4", 60_000, "dead")
      .build();
    const snapshot = snapshotOf(view, ledgerNaming("db1"));
    const without = stepsOf(planRecovery(snapshot, subject(), SETTINGS));
    expect(without.filter((n) => n.includes("db4"))).toEqual([]);
    const r = planRecovery({ ...snapshot, answered: ["db2", "db3", "db4"] }, subject(), SETTINGS);
    const names = stepsOf(r);
    const candidate = names.find((n) => n.startsWith("promote:"))?.split(":")[1] ?? "";
    expect(candidate).not.toBe("db4");
    expect(names.filter((n) => n.includes("db4"))).toEqual([
      "detach:db4",
      `wait-caught-up:${candidate}:db4`,
      `repoint:db4:${candidate}`,
      "reattach:db4",
    ]);
    if (r.ok)
      expect(r.value.steps.find((s) => s.name === "detach:db4")?.performer).toEqual({
        by: "leader-remote",
        nodeId: "db4",
      });
  });

  describe("semi-sync: a replica of the failed primary that can be neither heard nor read", () => {
    // test/chaos/agent-minority-replica.test.ts: the primary and db4 cut off together, db4 acked
    // every write the primary took until it self-fenced; the majority must not promote without it.
    function cutOffWithReplica(semiSyncPrimary: boolean, db4SemiSync = true) {
      const b = healthy("mariadb", 4)
        .mysqldDown("db1")
        .checksFail(["db2", "db3"], 0)
        .ioDown(REPLICAS)
        .agentSilent("db4", 60_000, "dead");
      const lastOfDb1 = healthy("mariadb", 4).inst("db1");
      lastOfDb1.semiSync = { ...lastOfDb1.semiSync, sourceEnabled: semiSyncPrimary };
      const snapshot = snapshotOf(b.build(), ledgerNaming("db1"));
      const facts = snapshot.facts.map((f) => {
        if (f.nodeId === "db1") return { ...f, lastReachable: lastOfDb1 };
        if (f.nodeId === "db4" && f.lastReachable !== null)
          return {
            ...f,
            lastReachable: {
              ...f.lastReachable,
              semiSync: { ...f.lastReachable.semiSync, replicaEnabled: db4SemiSync },
            },
          };
        return f;
      });
      return { ...snapshot, facts, answered: ["db2", "db3"] };
    }

    test("refuses the failover naming it, unless forced", () => {
      expect(planRecovery(cutOffWithReplica(true), subject(), SETTINGS)).toEqual({
        ok: false,
        error: { code: "planning.ack-holders-unknown", nodeId: "db1", nodeIds: ["db4"] },
      });
      const forced = planRecovery(
        cutOffWithReplica(true),
        subject({ trigger: "manual", force: true }),
        SETTINGS,
      );
      expect(forced.ok).toBe(true);
    });

    test("an asynchronous primary, or a replica that was not a semi-sync one, does not hold it back", () => {
      expect(planRecovery(cutOffWithReplica(false), subject(), SETTINGS).ok).toBe(true);
      expect(planRecovery(cutOffWithReplica(true, false), subject(), SETTINGS).ok).toBe(true);
    });

    test("once its server answers the leader, it is simply part of the plan", () => {
      const r = planRecovery(
        { ...cutOffWithReplica(true), answered: ["db2", "db3", "db4"] },
        subject(),
        SETTINGS,
      );
      expect(stepsOf(r)).toContain("detach:db4");
    });
  });

  test("review 2 item 5: an automatic failover whose failure cleared by planning time is refused", () => {
    const snapshot = snapshotOf(healthy("mariadb", 3).build(), ledgerNaming("db1"));
    expect(planRecovery(snapshot, subject(), SETTINGS)).toEqual({
      ok: false,
      error: { code: "planning.failure-cleared", nodeId: "db1" },
    });
    // A manual one is judged by the operator's flags, as before.
    const manual = planRecovery(snapshot, subject({ trigger: "manual" }), SETTINGS);
    expect(manual.ok ? null : manual.error.code).toBe("recovery.primary-serves");
  });
});
