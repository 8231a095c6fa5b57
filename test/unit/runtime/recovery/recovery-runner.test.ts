// The leader's recovery loop against a real Ledger and a fake step performer: what it records,
// in which order, what it refuses (once), and that a new leader resumes instead of starting over.
import { describe, expect, test } from "bun:test";
import type { StepCheck } from "../../../../src/failover/plan-done.ts";
import type { PlanStep } from "../../../../src/failover/plan.ts";
import type { ClusterView } from "../../../../src/model/cluster-view.ts";
import type { StepPerformer } from "../../../../src/runtime/recovery-executor.ts";
import {
  type RecoveryEvent,
  RecoveryRunner,
  type RunnerSettings,
} from "../../../../src/runtime/recovery-runner.ts";
import type { StepOutcome } from "../../../../src/runtime/step-rpc.ts";
import { healthy } from "../../failover/view-builder.ts";
import { LedgerFake, RUNNER_SETTINGS as SETTINGS, snapshotOf, WALL_MS } from "./fixture.ts";

const REPLICAS = ["db2", "db3"];
const deadPrimary = (): ClusterView =>
  healthy("mariadb", 3).mysqldDown("db1").checksFail(REPLICAS, 0).ioDown(REPLICAS).build();

class FakePerformer implements StepPerformer {
  readonly performed: string[] = [];
  constructor(
    private readonly fake: LedgerFake,
    private readonly failing: ReadonlySet<string> = new Set(),
    private readonly done: ReadonlySet<string> = new Set(),
  ) {}

  async perform(step: PlanStep): Promise<StepOutcome> {
    this.performed.push(step.name);
    if (this.failing.has(step.name)) return { ok: false, detail: "refused by the test" };
    if (step.action.kind === "set-primary") {
      const r = await this.fake.propose({
        type: "set-primary",
        primary: step.action.nodeId,
        expectedEpoch: step.action.expectedEpoch,
      });
      return { ok: r.ok, detail: r.ok ? "set" : r.error.code };
    }
    return { ok: true, detail: "done by the test" };
  }

  check(step: PlanStep): StepCheck {
    return this.done.has(step.name) ? { state: "done" } : { state: "pending", why: "test" };
  }
}

function setup(
  view: () => ClusterView,
  o: { settings?: Partial<RunnerSettings>; failing?: string[]; leader?: boolean } = {},
) {
  const fake = new LedgerFake();
  const events: RecoveryEvent[] = [];
  const performer = new FakePerformer(fake, new Set(o.failing ?? []));
  const runner = new RecoveryRunner({
    cluster: "main",
    leaderTerm: () => ((o.leader ?? true) ? 1 : null),
    ledger: () => fake.ledger.state,
    snapshot: () => snapshotOf(view(), fake.ledger),
    propose: (cmd) => fake.propose(cmd),
    executor: performer,
    settings: { ...SETTINGS, ...o.settings },
    wallMs: () => WALL_MS,
    onEvent: (e) => events.push(e),
  });
  const tick = async () => {
    runner.tick();
    await runner.idle();
  };
  return { fake, events, performer, runner, tick };
}

async function withPrimary(fake: LedgerFake, nodeId = "db1"): Promise<void> {
  await fake.propose({ type: "set-primary", primary: nodeId, expectedEpoch: 0 });
}

describe("recovery runner", () => {
  test("a dead primary is detected, planned, driven step by step and finished in the ledger", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    await t.tick();
    const r = t.fake.ledger.state.recoveries[0];
    expect(r?.state).toBe("finished");
    expect(r?.analysis).toBe("DeadPrimary");
    expect(t.fake.ledger.state.primary).toBe(r?.successor ?? "none");
    expect(["db2", "db3"]).toContain(r?.successor ?? "");
    expect(t.fake.ledger.state.epoch).toBe(2);
    const types = t.fake.types();
    expect(types.slice(0, 3)).toEqual(["set-primary", "recovery-detected", "recovery-planned"]);
    expect(types.at(-1)).toBe("recovery-finished");
    // Every step of the success branch has an outcome; the failure hook was skipped.
    const statuses = r?.steps.map((s) => `${s.name.split(":")[0]}=${s.status}`) ?? [];
    expect(statuses).toContain("promote=done");
    expect(r?.steps.find((s) => s.name === "run-hooks:PostUnsuccessfulFailover")?.status).toBe("pending");
    expect(t.performer.performed).not.toContain("run-hooks:PostUnsuccessfulFailover");
  });

  test("a follower does nothing", async () => {
    const t = setup(deadPrimary, { leader: false });
    await withPrimary(t.fake);
    await t.tick();
    expect(t.fake.types()).toEqual(["set-primary"]);
  });

  test("a paused cluster is refused, said once however often it is assessed", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    await t.fake.propose({ type: "pause", by: "ops", reason: "maintenance", wallMs: WALL_MS });
    for (let i = 0; i < 3; i++) await t.tick();
    expect(t.fake.ledger.state.recoveries).toEqual([]);
    const refused = t.events.filter((e) => e.kind === "recovery.refused");
    expect(refused.length).toBe(1);
    expect(JSON.stringify(refused[0]?.data)).toContain("failover.paused-cluster");
  });

  test("within the recovery block of an unacknowledged recovery nothing starts", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    await t.fake.propose({
      type: "recovery-detected",
      id: "old",
      analysis: "DeadPrimary",
      failedInstance: "db9",
      wallMs: WALL_MS - 60_000,
    });
    await t.fake.propose({
      type: "recovery-finished",
      id: "old",
      outcome: "finished",
      detail: "",
      wallMs: WALL_MS - 50_000,
    });
    await t.tick();
    expect(t.fake.ledger.state.recoveries.length).toBe(1);
    expect(JSON.stringify(t.events)).toContain("failover.recovery-blocked");
    await t.fake.propose({ type: "recovery-ack", id: "old", by: "ops", comment: "", wallMs: WALL_MS });
    await t.tick();
    expect(t.fake.ledger.state.recoveries.at(-1)?.state).toBe("finished");
    expect(t.fake.ledger.state.recoveries.length).toBe(2);
  });

  test("no automatic recovery starts while the last one's topology settles", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    await t.fake.propose({
      type: "recovery-detected",
      id: "old",
      analysis: "DeadPrimary",
      failedInstance: "db9",
      wallMs: WALL_MS - 1_000,
    });
    await t.fake.propose({
      type: "recovery-finished",
      id: "old",
      outcome: "finished",
      detail: "",
      wallMs: WALL_MS - 500,
    });
    await t.fake.propose({ type: "recovery-ack", id: "old", by: "ops", comment: "", wallMs: WALL_MS });
    await t.tick();
    expect(t.fake.ledger.state.recoveries.length).toBe(1);
  });

  test("a vetoing PreFailover aborts before the point of no return and runs the failure hook", async () => {
    const t = setup(deadPrimary, { failing: ["run-hooks:PreFailover"] });
    await withPrimary(t.fake);
    await t.tick();
    const r = t.fake.ledger.state.recoveries[0];
    expect(r?.state).toBe("failed");
    expect(t.fake.ledger.state.primary).toBe("db1");
    expect(t.performer.performed).toEqual(["run-hooks:PreFailover", "run-hooks:PostUnsuccessfulFailover"]);
    expect(r?.steps[0]?.detail).toBe("refused by the test");
    expect(r?.detail).toContain("db1 stays primary");
  });

  test("a failed repoint after the point of no return lets the plan finish and says what failed", async () => {
    const t = setup(deadPrimary, { failing: ["repoint:db3:db2"] });
    await withPrimary(t.fake);
    await t.tick();
    const r = t.fake.ledger.state.recoveries[0];
    expect(r?.successor).toBe("db2");
    expect(r?.state).toBe("finished");
    expect(r?.detail).toContain("failed: repoint:db3:db2");
    expect(t.performer.performed).toContain("run-hooks:PostFailover");
  });

  test("a new leader resumes a planned recovery from its first step without an outcome", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    const steps = [
      "run-hooks:PreFailover",
      "wait-relay-applied:db2",
      "promote:db2",
      "set-primary:db2:1",
      "make-writable:db2:2",
      "repoint:db3:db2",
      "run-hooks:PostFailover",
    ];
    await t.fake.propose({
      type: "recovery-detected",
      id: "r1",
      analysis: "DeadPrimary",
      failedInstance: "db1",
      wallMs: WALL_MS,
    });
    await t.fake.propose({ type: "recovery-planned", id: "r1", steps, successor: "db2" });
    for (const i of [0, 1, 2])
      await t.fake.propose({ type: "recovery-step", id: "r1", step: i, status: "done", detail: "" });
    await t.tick();
    expect(t.performer.performed).toEqual(steps.slice(3));
    expect(t.fake.types().filter((x) => x === "recovery-detected").length).toBe(1);
    expect(t.fake.ledger.state.recoveries[0]?.state).toBe("finished");
    expect(t.fake.ledger.state.primary).toBe("db2");
    expect(t.events.some((e) => e.kind === "recovery.resumed")).toBe(true);
  });

  test("an operator's switchover intent runs under its id, to the named replica, and is cleared", async () => {
    const t = setup(() => healthy("mariadb", 3).build());
    await withPrimary(t.fake);
    await t.fake.propose({
      type: "switchover-intent",
      id: "sw-1",
      from: "db1",
      to: "db3",
      by: "ops",
      wallMs: WALL_MS,
    });
    await t.tick();
    const r = t.fake.ledger.state.recoveries[0];
    expect(r?.id).toBe("sw-1");
    expect(r?.state).toBe("finished");
    expect(r?.successor).toBe("db3");
    expect(t.performer.performed).toContain("demote:db1:db3");
    expect(t.fake.ledger.state.switchover).toBeNull();
    expect(t.fake.ledger.state.primary).toBe("db3");
  });

  test("a manual failover of a primary that still answers is refused unless forced", async () => {
    const t = setup(() => healthy("mariadb", 3).build());
    await withPrimary(t.fake);
    await t.fake.propose({
      type: "switchover-intent",
      id: "fo-1",
      from: "db1",
      to: "",
      by: "ops",
      wallMs: WALL_MS,
    });
    await t.tick();
    expect(t.fake.ledger.state.recoveries[0]?.state).toBe("failed");
    expect(t.fake.ledger.state.recoveries[0]?.detail).toStartWith("recovery.primary-serves");
    expect(t.fake.ledger.state.primary).toBe("db1");
  });

  test("a manual failover bypasses pause", async () => {
    const t = setup(deadPrimary);
    await withPrimary(t.fake);
    await t.fake.propose({ type: "pause", by: "ops", reason: "x", wallMs: WALL_MS });
    await t.fake.propose({
      type: "switchover-intent",
      id: "fo-2",
      from: "db1",
      to: "db3",
      by: "ops",
      wallMs: WALL_MS,
    });
    await t.tick();
    expect(t.fake.ledger.state.recoveries[0]?.state).toBe("finished");
    expect(t.fake.ledger.state.primary).toBe("db3");
  });

  test("a cluster without a primary in the ledger adopts the one writable root", async () => {
    const t = setup(() => healthy("mariadb", 3).build());
    await t.tick();
    expect(t.fake.ledger.state.primary).toBe("db1");
    expect(t.fake.ledger.state.epoch).toBe(1);
  });
});
