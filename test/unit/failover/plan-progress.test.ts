// Resuming and advancing plans from the outcomes the ledger recorded: a new leader that takes over
// after any number of finished steps runs exactly the steps the old one would have run next.
import { describe, expect, test } from "bun:test";
import {
  type Plan,
  type PlanMember,
  type PlanStep,
  planFailover,
  planStepNames,
  planSwitchover,
} from "../../../src/failover/plan.ts";
import {
  nextStep,
  nextSteps,
  type Progress,
  resumePlan,
  type StepStatus,
} from "../../../src/failover/plan-progress.ts";

const SETTINGS = { fenceAfterMs: 1_500, fenceMarginMs: 500, catchupTimeoutMs: 10_000 };
const member = (nodeId: string, patch: Partial<PlanMember> = {}): PlanMember => ({
  nodeId,
  agentAlive: true,
  serverReachable: true,
  ...patch,
});

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`unexpected ${r.error.code}`);
  return r.value;
}

const failover = unwrap(
  planFailover({
    failed: member("db1", { agentAlive: false, serverReachable: false }),
    candidate: member("db2"),
    replicas: [member("db3"), member("db4", { agentAlive: false })],
    epoch: 4,
    hostUnreachable: true,
    settings: SETTINGS,
  }),
);
const switchover = unwrap(
  planSwitchover({
    primary: member("db1"),
    candidate: member("db2"),
    replicas: [member("db3"), member("db4", { agentAlive: false })],
    epoch: 4,
    settings: SETTINGS,
  }),
);
const alive = new Set(["db2", "db3"]);
const aliveSwitchover = new Set(["db1", "db2", "db3"]);

/** Runs a plan to its end from the given outcomes, every step succeeding; returns the names run. */
function runToEnd(plan: Plan, start: StepStatus[]): { ran: string[]; end: Progress } {
  const statuses = [...start];
  const ran: string[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const p = nextSteps(plan, statuses);
    if (p.type === "finished") return { ran, end: p };
    for (const s of p.steps) {
      ran.push(s.name);
      statuses[s.index] = "done";
    }
  }
  throw new Error("plan did not finish");
}

const prefix = (plan: Plan, k: number): StepStatus[] =>
  plan.steps.map((_, i) => (i < k ? "done" : "pending"));
const onSuccessNames = (steps: readonly PlanStep[]) =>
  steps.filter((s) => s.when === "on-success").map((s) => s.name);

describe("resumePlan", () => {
  test.each([
    ["failover", failover, alive],
    ["switchover", switchover, aliveSwitchover],
  ] as const)(
    "%s: from every prefix a new leader rebuilds the plan and runs the same remaining steps",
    (_k, plan, who) => {
      const names = planStepNames(plan);
      for (let k = 0; k <= names.length; k++) {
        const rebuilt = unwrap(
          resumePlan({
            names,
            fromNodeId: plan.fromNodeId,
            successor: plan.successor,
            alive: who,
            settings: SETTINGS,
          }),
        );
        expect(rebuilt).toEqual(plan);
        const fromOld = runToEnd(plan, prefix(plan, k));
        const fromNew = runToEnd(rebuilt, prefix(rebuilt, k));
        expect(fromNew).toEqual(fromOld);
        expect(fromNew.ran).toEqual(onSuccessNames(plan.steps.slice(k)));
        expect(fromNew.end).toMatchObject({ type: "finished", outcome: "finished", failedSteps: [] });
      }
    },
  );

  test("performers are decided again from who is alive now", () => {
    const names = planStepNames(failover);
    const rebuilt = unwrap(
      resumePlan({
        names,
        fromNodeId: "db1",
        successor: "db2",
        alive: new Set(["db3", "db4"]),
        settings: SETTINGS,
      }),
    );
    const promote = rebuilt.steps.find((s) => s.name === "promote:db2");
    const repoint = rebuilt.steps.find((s) => s.name === "repoint:db4:db2");
    expect(promote?.performer).toEqual({ by: "leader-remote", nodeId: "db2" });
    expect(repoint?.performer).toEqual({ by: "agent", nodeId: "db4" });
    expect(rebuilt.steps.map((s) => ({ ...s, performer: null }))).toEqual(
      failover.steps.map((s) => ({ ...s, performer: null })),
    );
  });

  test("review 2 item 5: a failover that waits for the candidate to catch up resumes as a failover", () => {
    // wait-caught-up used to mark a stored plan as a switchover.
    const fenced = unwrap(
      planFailover({
        failed: member("db1"),
        candidate: member("db2"),
        replicas: [member("db3")],
        epoch: 4,
        hostUnreachable: false,
        settings: SETTINGS,
      }),
    );
    expect(planStepNames(fenced)).toContain("wait-caught-up:db2:db1");
    const rebuilt = unwrap(
      resumePlan({
        names: planStepNames(fenced),
        fromNodeId: "db1",
        successor: "db2",
        alive: new Set(["db1", "db2", "db3"]),
        settings: SETTINGS,
      }),
    );
    expect(rebuilt.kind).toBe("failover");
    expect(rebuilt).toEqual(fenced);
  });

  test("a step name no keel writes is refused, not skipped", () => {
    const names = [...planStepNames(failover).slice(0, 3), "reboot:db2"];
    expect(resumePlan({ names, fromNodeId: "db1", successor: "db2", alive, settings: SETTINGS })).toEqual({
      ok: false,
      error: { code: "failover.plan-step-unknown", name: "reboot:db2" },
    });
  });
});

describe("nextSteps", () => {
  const idx = (plan: Plan, name: string) => plan.steps.findIndex((s) => s.name === name);

  test("replicas are repointed together: one stage, returned at once", () => {
    const k = idx(failover, "repoint:db3:db2");
    const p = nextSteps(failover, prefix(failover, k));
    expect(p.type === "run" && p.steps.map((s) => s.name)).toEqual(["repoint:db3:db2", "repoint:db4:db2"]);
    const half = prefix(failover, k + 1);
    const rest = nextSteps(failover, half);
    expect(rest.type === "run" && rest.steps.map((s) => s.name)).toEqual(["repoint:db4:db2"]);
    expect(nextStep(failover, half)?.name).toBe("repoint:db4:db2");
  });

  test("a vetoing PreFailover hook aborts: only PostUnsuccessfulFailover runs (nothing was detached), the outcome is failed", () => {
    const statuses = prefix(failover, idx(failover, "run-hooks:PreFailover"));
    statuses[idx(failover, "run-hooks:PreFailover")] = "failed";
    expect(nextStep(failover, statuses)?.name).toBe("run-hooks:PostUnsuccessfulFailover");
    statuses[idx(failover, "run-hooks:PostUnsuccessfulFailover")] = "done";
    const end = nextSteps(failover, statuses);
    expect(end).toEqual({
      type: "finished",
      outcome: "failed",
      failedSteps: ["run-hooks:PreFailover"],
      skippedSteps: [
        "wait-fence-after:db1:2000",
        "detach:db3",
        "detach:db4",
        "wait-relay-applied:db2",
        "wait-caught-up:db2:db3",
        "wait-caught-up:db2:db4",
        "promote:db2",
        "set-primary:db2:4",
        "make-writable:db2:5",
        "repoint:db3:db2",
        "repoint:db4:db2",
        "run-hooks:PostMasterFailover",
        "run-hooks:PostFailover",
        "reattach:db3",
        "reattach:db4",
      ],
    });
    expect(nextStep(failover, statuses)).toBeNull();
  });

  test("an abort after the detach stage reattaches what was detached (failed detaches too), together, before PostUnsuccessfulFailover", () => {
    const catchUp = idx(failover, "wait-caught-up:db2:db3");
    const statuses = prefix(failover, catchUp);
    statuses[idx(failover, "detach:db4")] = "failed";
    statuses[catchUp] = "failed";
    const p = nextSteps(failover, statuses);
    expect(p.type === "run" && p.steps.map((s) => s.name)).toEqual(["reattach:db3", "reattach:db4"]);
    statuses[idx(failover, "reattach:db3")] = "done";
    statuses[idx(failover, "reattach:db4")] = "done";
    expect(nextStep(failover, statuses)?.name).toBe("run-hooks:PostUnsuccessfulFailover");
  });

  test("a successful plan never reattaches", () => {
    const statuses = prefix(failover, idx(failover, "run-hooks:PostFailover") + 1);
    const end = nextSteps(failover, statuses);
    expect(end).toMatchObject({ type: "finished", outcome: "finished" });
    expect(end.type === "finished" && end.skippedSteps).toEqual([
      "reattach:db3",
      "reattach:db4",
      "run-hooks:PostUnsuccessfulFailover",
    ]);
  });

  test("a lost CAS on set-primary aborts; a failed repoint after it does not", () => {
    const casLost = prefix(failover, idx(failover, "set-primary:db2:4"));
    casLost[idx(failover, "set-primary:db2:4")] = "failed";
    const undo = nextSteps(failover, casLost);
    expect(undo.type === "run" && undo.steps.map((s) => s.name)).toEqual(["reattach:db3", "reattach:db4"]);

    const repointFailed = prefix(failover, idx(failover, "repoint:db3:db2"));
    repointFailed[idx(failover, "repoint:db3:db2")] = "failed";
    const { ran, end } = runToEnd(failover, repointFailed);
    expect(ran).toEqual(["repoint:db4:db2", "run-hooks:PostMasterFailover", "run-hooks:PostFailover"]);
    expect(end).toEqual({
      type: "finished",
      outcome: "finished",
      failedSteps: ["repoint:db3:db2"],
      skippedSteps: ["reattach:db3", "reattach:db4", "run-hooks:PostUnsuccessfulFailover"],
    });
  });

  test("a switchover whose candidate cannot catch up aborts with nothing left to run", () => {
    const statuses = prefix(switchover, idx(switchover, "wait-caught-up:db2:db1"));
    statuses[idx(switchover, "wait-caught-up:db2:db1")] = "failed";
    expect(nextSteps(switchover, statuses)).toMatchObject({
      type: "finished",
      outcome: "failed",
      failedSteps: ["wait-caught-up:db2:db1"],
    });
  });

  test("missing outcomes count as pending", () => {
    expect(nextStep(failover, [])?.name).toBe("run-hooks:PreFailover");
    expect(nextStep(failover, ["done"])?.name).toBe("wait-fence-after:db1:2000");
  });
});
