// Recovery plans: the exact steps of each path, who performs each, where the point of no return
// is, the refusals, and that planning is a function of its input alone.
import { describe, expect, test } from "bun:test";
import {
  type FailoverPlanInput,
  type Plan,
  type PlanMember,
  planFailover,
  planStepNames,
  planSwitchover,
  type SwitchoverPlanInput,
} from "../../../src/failover/plan.ts";
import { parseStepName, type StepAction, stepName } from "../../../src/failover/plan-steps.ts";
import { LEDGER_PLAN_STEPS_MAX, LEDGER_TEXT_CHARS_MAX } from "../../../src/lib/limits.ts";
import { seededRng } from "../../../src/lib/rng.ts";

const SETTINGS = { fenceAfterMs: 1_500, fenceMarginMs: 500, catchupTimeoutMs: 10_000 };

const member = (nodeId: string, patch: Partial<PlanMember> = {}): PlanMember => ({
  nodeId,
  agentAlive: true,
  serverReachable: true,
  ...patch,
});

function failoverInput(patch: Partial<FailoverPlanInput> = {}): FailoverPlanInput {
  return {
    failed: member("db1", { agentAlive: true, serverReachable: false }),
    candidate: member("db2"),
    replicas: [member("db3"), member("db4")],
    epoch: 7,
    hostUnreachable: false,
    settings: SETTINGS,
    ...patch,
  };
}

function switchoverInput(patch: Partial<SwitchoverPlanInput> = {}): SwitchoverPlanInput {
  return {
    primary: member("db1"),
    candidate: member("db2"),
    replicas: [member("db3"), member("db4")],
    epoch: 7,
    settings: SETTINGS,
    ...patch,
  };
}

function planOf(r: ReturnType<typeof planFailover>): Plan {
  if (!r.ok) throw new Error(`unexpected ${r.error.code}`);
  return r.value;
}

describe("planFailover", () => {
  test("old primary's server not answering: after PreFailover, wait until it is fenced or down, then the candidate", () => {
    const plan = planOf(planFailover(failoverInput()));
    expect(planStepNames(plan)).toEqual([
      "run-hooks:PreFailover",
      "wait-fence-after:db1:2000",
      "detach:db3",
      "detach:db4",
      "wait-relay-applied:db2",
      "wait-caught-up:db2:db3",
      "wait-caught-up:db2:db4",
      "promote:db2",
      "set-primary:db2:7",
      "make-writable:db2:8",
      "repoint:db3:db2",
      "repoint:db4:db2",
      "run-hooks:PostMasterFailover",
      "run-hooks:PostFailover",
      "reattach:db3",
      "reattach:db4",
      "run-hooks:PostUnsuccessfulFailover",
    ]);
    expect(plan).toMatchObject({ kind: "failover", fromNodeId: "db1", successor: "db2", pointOfNoReturn: 8 });
    expect(plan.steps[1]).toMatchObject({ performer: { by: "leader" }, onFailure: "abort", boundMs: 10_000 });
  });

  test("host unreachable: the same wait, fence_after + margin, on the old primary", () => {
    const plan = planOf(
      planFailover(
        failoverInput({
          hostUnreachable: true,
          failed: member("db1", { agentAlive: false, serverReachable: false }),
        }),
      ),
    );
    expect(plan.steps[1]?.action).toEqual({ kind: "wait-fence-after", nodeId: "db1", waitMs: 2_000 });
    expect(plan.steps[1]?.performer).toEqual({ by: "leader" });
    expect(plan.steps[0]?.name).toBe("run-hooks:PreFailover");
    expect(plan.pointOfNoReturn).toBe(8);
  });

  test("the mysqld of a primary whose agent lives did not answer: the plan never skips the wait (two writers otherwise)", () => {
    // Before the fix this plan had neither a wait nor a fence: a hung mysqld woke up writable.
    const names = planStepNames(planOf(planFailover(failoverInput({ hostUnreachable: false }))));
    const wait = names.indexOf("wait-fence-after:db1:2000");
    expect(wait).toBeGreaterThan(-1);
    expect(wait).toBeLessThan(names.indexOf("promote:db2"));
    expect(wait).toBeLessThan(names.indexOf("set-primary:db2:7"));
  });

  test("an old primary whose server still answers is fenced first, before the candidate is touched", () => {
    const plan = planOf(planFailover(failoverInput({ failed: member("db1", { serverReachable: true }) })));
    const names = planStepNames(plan);
    expect(names.slice(0, 5)).toEqual([
      "run-hooks:PreFailover",
      "fence:db1",
      "detach:db3",
      "detach:db4",
      "wait-relay-applied:db2",
    ]);
    expect(names.filter((n) => n.startsWith("fence:") || n.startsWith("wait-fence-after:"))).toEqual([
      "fence:db1",
    ]);
    expect(plan.steps[1]).toMatchObject({ onFailure: "abort", performer: { by: "agent", nodeId: "db1" } });
    const remote = planOf(
      planFailover(failoverInput({ failed: member("db1", { serverReachable: true, agentAlive: false }) })),
    );
    expect(remote.steps[1]?.performer).toEqual({ by: "leader-remote", nodeId: "db1" });
    // The analysis saying the host may be cut off wins over a server that seems to answer.
    const cut = planOf(
      planFailover(
        failoverInput({ hostUnreachable: true, failed: member("db1", { serverReachable: true }) }),
      ),
    );
    expect(cut.steps[1]?.name).toBe("wait-fence-after:db1:2000");
  });

  test("replicas whose server does not answer are left to their agents; the rest are sorted", () => {
    const replicas = [member("db5"), member("db3", { serverReachable: false }), member("db4")];
    const names = planStepNames(planOf(planFailover(failoverInput({ replicas }))));
    expect(names.filter((n) => n.startsWith("repoint:"))).toEqual(["repoint:db4:db2", "repoint:db5:db2"]);
  });

  test("performers: hooks, waits on the old primary and the ledger by the leader; servers by their agent, else remotely", () => {
    const plan = planOf(
      planFailover(
        failoverInput({
          hostUnreachable: true,
          failed: member("db1", { agentAlive: false, serverReachable: false }),
          replicas: [member("db3", { agentAlive: false }), member("db4")],
        }),
      ),
    );
    const by = Object.fromEntries(plan.steps.map((s) => [s.name, s.performer]));
    expect(by).toEqual({
      "run-hooks:PreFailover": { by: "leader" },
      "wait-fence-after:db1:2000": { by: "leader" },
      "detach:db3": { by: "leader-remote", nodeId: "db3" },
      "detach:db4": { by: "agent", nodeId: "db4" },
      "wait-relay-applied:db2": { by: "agent", nodeId: "db2" },
      "wait-caught-up:db2:db3": { by: "agent", nodeId: "db2" },
      "wait-caught-up:db2:db4": { by: "agent", nodeId: "db2" },
      "promote:db2": { by: "agent", nodeId: "db2" },
      "set-primary:db2:7": { by: "leader" },
      "make-writable:db2:8": { by: "agent", nodeId: "db2" },
      "repoint:db3:db2": { by: "leader-remote", nodeId: "db3" },
      "repoint:db4:db2": { by: "agent", nodeId: "db4" },
      "run-hooks:PostMasterFailover": { by: "leader" },
      "run-hooks:PostFailover": { by: "leader" },
      "reattach:db3": { by: "leader-remote", nodeId: "db3" },
      "reattach:db4": { by: "agent", nodeId: "db4" },
      "run-hooks:PostUnsuccessfulFailover": { by: "leader" },
    });
  });

  test("steps up to set-primary abort, later ones carry on; reattach and PostUnsuccessfulFailover run only on failure", () => {
    const plan = planOf(planFailover(failoverInput()));
    const table = plan.steps.map((s) => [s.name, s.onFailure, s.when, s.stage, s.boundMs]);
    expect(table).toEqual([
      ["run-hooks:PreFailover", "abort", "on-success", 0, null],
      ["wait-fence-after:db1:2000", "abort", "on-success", 1, 10_000],
      ["detach:db3", "abort", "on-success", 2, 10_000],
      ["detach:db4", "abort", "on-success", 2, 10_000],
      ["wait-relay-applied:db2", "abort", "on-success", 3, 10_000],
      ["wait-caught-up:db2:db3", "abort", "on-success", 4, 10_000],
      ["wait-caught-up:db2:db4", "abort", "on-success", 5, 10_000],
      ["promote:db2", "abort", "on-success", 6, null],
      ["set-primary:db2:7", "abort", "on-success", 7, null],
      ["make-writable:db2:8", "continue", "on-success", 8, null],
      ["repoint:db3:db2", "continue", "on-success", 9, null],
      ["repoint:db4:db2", "continue", "on-success", 9, null],
      ["run-hooks:PostMasterFailover", "continue", "on-success", 10, null],
      ["run-hooks:PostFailover", "continue", "on-success", 11, null],
      ["reattach:db3", "continue", "on-failure", 12, null],
      ["reattach:db4", "continue", "on-failure", 12, null],
      ["run-hooks:PostUnsuccessfulFailover", "continue", "on-failure", 13, null],
    ]);
    expect(plan.steps.map((s) => s.index)).toEqual(plan.steps.map((_, i) => i));
    expect(plan.steps[7]?.done).toBe("db2 has no replication channel");
  });

  test("planning twice, or with the members in another order, gives the identical plan", () => {
    const input = failoverInput({
      replicas: ["db3", "db4", "db5", "db6", "db7"].map((id) => member(id, { agentAlive: id !== "db5" })),
    });
    const first = planFailover(input);
    expect(planFailover(input)).toEqual(first);
    const rng = seededRng(42);
    for (let i = 0; i < 20; i++) {
      expect(planFailover({ ...input, replicas: rng.shuffle(input.replicas) })).toEqual(first);
    }
  });

  test.each([
    ["candidate is the failed primary", { candidate: member("db1") }, "failover.plan-same-node"],
    ["node id with ':'", { replicas: [member("db:3")] }, "failover.plan-bad-node-id"],
    ["empty node id", { candidate: member("") }, "failover.plan-bad-node-id"],
    ["member listed twice", { replicas: [member("db3"), member("db3")] }, "failover.plan-duplicate-node"],
    ["candidate listed as a replica", { replicas: [member("db2")] }, "failover.plan-duplicate-node"],
    [
      "candidate without a server",
      { candidate: member("db2", { serverReachable: false }) },
      "failover.plan-member-unreachable",
    ],
  ] as const)("refused: %s", (_name, patch, code) => {
    const r = planFailover(failoverInput(patch));
    expect(r.ok ? null : r.error.code).toBe(code);
  });

  test("at most LEDGER_PLAN_STEPS_MAX steps: one replica more is refused", () => {
    // hooks ×4, fence wait, relay, promote, set-primary, make-writable; then per replica a
    // detach, a catch-up check, a repoint and a reattach.
    const fixedSteps = 9;
    const most = Math.floor((LEDGER_PLAN_STEPS_MAX - fixedSteps) / 4);
    // A cluster of 9 agents (the failed primary, the candidate, 7 replicas) must fit.
    expect(most).toBeGreaterThanOrEqual(7);
    const replicas = (n: number) => Array.from({ length: n }, (_, i) => member(`r${i}`));
    const fits = planFailover(failoverInput({ replicas: replicas(most) }));
    expect(fits.ok && fits.value.steps.length).toBe(fixedSteps + 4 * most);
    const over = planFailover(failoverInput({ replicas: replicas(most + 1) }));
    expect(over).toEqual({
      ok: false,
      error: {
        code: "failover.plan-too-many-steps",
        steps: fixedSteps + 4 * (most + 1),
        maxSteps: LEDGER_PLAN_STEPS_MAX,
      },
    });
  });

  test("review 2 item 5: a fenced old primary that answers is caught up with before promote", () => {
    // Before the fix the plan went fence → relay → promote: writes the old primary committed
    // after the candidate was chosen were lost.
    const names = planStepNames(planOf(planFailover(failoverInput({ failed: member("db1") }))));
    const caught = names.indexOf("wait-caught-up:db2:db1");
    expect(caught).toBeGreaterThan(names.indexOf("fence:db1"));
    expect(caught).toBeLessThan(names.indexOf("promote:db2"));
    // An old primary that is only outwaited (not answering) cannot be read: no wait on it.
    const waited = planStepNames(planOf(planFailover(failoverInput())));
    expect(waited.some((n) => n.endsWith(":db1") && n.startsWith("wait-caught-up:"))).toBe(false);
  });

  test("review 2 item 5: before promote the candidate must hold every answering replica's GTIDs", () => {
    const replicas = [
      member("db5"),
      member("db3", { serverReachable: false }),
      member("db4"),
      member("db6", { errant: true }),
    ];
    const names = planStepNames(planOf(planFailover(failoverInput({ replicas }))));
    const checks = names.filter((n) => n.startsWith("wait-caught-up:"));
    expect(checks).toEqual(["wait-caught-up:db2:db4", "wait-caught-up:db2:db5"]);
    for (const c of checks) expect(names.indexOf(c)).toBeLessThan(names.indexOf("promote:db2"));
    // --force accepted the loss: only the fenced old primary is still waited on.
    const forced = planStepNames(
      planOf(planFailover(failoverInput({ replicas, acceptLoss: true, failed: member("db1") }))),
    );
    expect(forced.filter((n) => n.startsWith("wait-caught-up:"))).toEqual(["wait-caught-up:db2:db1"]);
  });

  test("a replica with errant GTIDs is neither detached, compared nor repointed: it could not follow", () => {
    // Chaos seed 2: the old primary of an earlier epoch, errant, was repointed by the plan and
    // stopped with a gtid_strict_mode conflict instead of staying fenced with an event.
    const replicas = [member("db3"), member("db6", { errant: true })];
    const names = planStepNames(planOf(planFailover(failoverInput({ replicas }))));
    expect(names.filter((n) => n.includes("db6"))).toEqual([]);
    expect(names.filter((n) => n.includes("db3"))).toEqual([
      "detach:db3",
      "wait-caught-up:db2:db3",
      "repoint:db3:db2",
      "reattach:db3",
    ]);
  });
});

describe("planSwitchover", () => {
  test("fence first, catch up, promote, then the old primary becomes a replica", () => {
    const r = planSwitchover(switchoverInput());
    const plan = planOf(r);
    expect(planStepNames(plan)).toEqual([
      "run-hooks:PreGracefulTakeover",
      "fence:db1",
      "wait-caught-up:db2:db1",
      "promote:db2",
      "set-primary:db2:7",
      "make-writable:db2:8",
      "repoint:db3:db2",
      "repoint:db4:db2",
      "demote:db1:db2",
      "run-hooks:PostGracefulTakeover",
    ]);
    expect(plan).toMatchObject({
      kind: "switchover",
      fromNodeId: "db1",
      successor: "db2",
      pointOfNoReturn: 4,
    });
    expect(plan.steps.filter((s) => s.stage === 6).map((s) => s.name)).toEqual([
      "repoint:db3:db2",
      "repoint:db4:db2",
      "demote:db1:db2",
    ]);
    expect(plan.steps.every((s) => s.when === "on-success")).toBe(true);
    expect(plan.steps[2]?.boundMs).toBe(10_000);
  });

  test("a switchover needs a serving primary", () => {
    const r = planSwitchover(switchoverInput({ primary: member("db1", { serverReachable: false }) }));
    expect(r).toEqual({
      ok: false,
      error: { code: "failover.plan-member-unreachable", nodeId: "db1", role: "primary" },
    });
  });

  test("the primary's agent gone: the leader fences and demotes it remotely", () => {
    const plan = planOf(planSwitchover(switchoverInput({ primary: member("db1", { agentAlive: false }) })));
    expect(plan.steps[1]?.performer).toEqual({ by: "leader-remote", nodeId: "db1" });
    expect(plan.steps[8]?.performer).toEqual({ by: "leader-remote", nodeId: "db1" });
  });
});

describe("step names", () => {
  const actions: StepAction[] = [
    { kind: "run-hooks", hook: "PostUnsuccessfulFailover" },
    { kind: "wait-fence-after", nodeId: "db-1.a_b", waitMs: 2_000 },
    { kind: "detach", nodeId: "db3" },
    { kind: "reattach", nodeId: "db3" },
    { kind: "wait-relay-applied", nodeId: "db2" },
    { kind: "wait-caught-up", nodeId: "db2", fromNodeId: "db1" },
    { kind: "promote", nodeId: "db2" },
    { kind: "set-primary", nodeId: "db2", expectedEpoch: 0 },
    { kind: "make-writable", nodeId: "db2", epoch: 123_456 },
    { kind: "repoint", nodeId: "db3", sourceNodeId: "db2" },
    { kind: "fence", nodeId: "db1" },
    { kind: "demote", nodeId: "db1", sourceNodeId: "db2" },
  ];

  test.each(actions.map((a) => [stepName(a), a] as const))("%s reads back as the same step", (name, a) => {
    expect(parseStepName(name)).toEqual({ ok: true, value: a });
  });

  test.each([
    "",
    "promote",
    "promote:",
    "promote:db2:extra",
    "run-hooks:OnFailureDetection",
    "set-primary:db2:-1",
    "set-primary:db2:07",
    "set-primary:db2:1.5",
    "wait-fence-after:db1",
    "repoint:db3",
    "detach:db3:db1",
    "reattach:",
    "reboot:db3",
  ])("%p is not a step", (name) => {
    expect(parseStepName(name)).toEqual({ ok: false, error: { code: "failover.plan-step-unknown", name } });
  });

  test("the longest name (two 64-byte node ids) fits a ledger text field", () => {
    const id = "d".repeat(64);
    expect(stepName({ kind: "wait-caught-up", nodeId: id, fromNodeId: id }).length).toBeLessThanOrEqual(
      LEDGER_TEXT_CHARS_MAX,
    );
  });
});
