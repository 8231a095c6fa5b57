// The driver's guards against acting on a stale or lost leadership: an impossible step is never
// performed, a failover is planned only against the ledger's primary, a deposed or stopping
// runner records nothing more, a ledger refusal fails the recovery, and a failure that cleared
// during the detection hooks is not failed over.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StepCheck } from "../../../../src/failover/plan-done.ts";
import type { PlanStep } from "../../../../src/failover/plan.ts";
import { err } from "../../../../src/lib/result.ts";
import type { ClusterView } from "../../../../src/model/cluster-view.ts";
import type { LedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import type { ProposalResult } from "../../../../src/runtime/proposals.ts";
import type { StepPerformer } from "../../../../src/runtime/recovery-executor.ts";
import {
  type RecoveryEvent,
  RecoveryRunner,
  type RunnerSettings,
} from "../../../../src/runtime/recovery-runner.ts";
import type { StepOutcome } from "../../../../src/runtime/step-rpc.ts";
import { healthy } from "../../failover/view-builder.ts";
import { LedgerFake, RUNNER_SETTINGS, snapshotOf, WALL_MS } from "./fixture.ts";

const REPLICAS = ["db2", "db3"];
const deadPrimary = (): ClusterView =>
  healthy("mariadb", 3).mysqldDown("db1").checksFail(REPLICAS, 0).ioDown(REPLICAS).build();

/** Scripted performer: `hold` blocks a step until released; `impossible` steps check so. */
class Performer implements StepPerformer {
  readonly performed: string[] = [];
  onPerform: (step: PlanStep) => Promise<void> | void = () => {};
  constructor(
    private readonly fake: LedgerFake,
    private readonly impossible: (step: PlanStep) => boolean = () => false,
  ) {}

  async perform(step: PlanStep): Promise<StepOutcome> {
    this.performed.push(step.name);
    await this.onPerform(step);
    if (step.action.kind === "set-primary") {
      const a = step.action;
      const r = await this.fake.propose({
        type: "set-primary",
        primary: a.nodeId,
        expectedEpoch: a.expectedEpoch,
      });
      return { ok: r.ok, detail: r.ok ? "set" : r.error.code };
    }
    return { ok: true, detail: "done by the test" };
  }

  check(step: PlanStep): StepCheck {
    return this.impossible(step)
      ? { state: "impossible", why: "the test says so" }
      : { state: "pending", why: "test" };
  }
}

function runnerOn(
  fake: LedgerFake,
  performer: Performer,
  o: {
    view?: () => ClusterView;
    leading?: () => boolean;
    propose?: (cmd: LedgerCommand) => Promise<ProposalResult>;
    settings?: Partial<RunnerSettings>;
  } = {},
) {
  const events: RecoveryEvent[] = [];
  const view = o.view ?? deadPrimary;
  const runner = new RecoveryRunner({
    cluster: "main",
    leaderTerm: () => ((o.leading?.() ?? true) ? 1 : null),
    ledger: () => fake.ledger.state,
    snapshot: () => snapshotOf(view(), fake.ledger),
    propose: (cmd) => (o.propose ?? fake.propose)(cmd),
    executor: performer,
    settings: { ...RUNNER_SETTINGS, ...o.settings },
    wallMs: () => WALL_MS,
    onEvent: (e) => events.push(e),
  });
  return { runner, events };
}

async function assessOnce(runner: RecoveryRunner): Promise<void> {
  runner.tick();
  await runner.idle();
}

async function withPrimary(fake: LedgerFake): Promise<void> {
  await fake.propose({ type: "set-primary", primary: "db1", expectedEpoch: 0 });
}

describe("recovery driver guards", () => {
  test("a resumed make-writable the ledger no longer allows is recorded failed, never performed", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    // The first leader stops for good inside make-writable (it never returns).
    const first = new Performer(fake);
    first.onPerform = (step) =>
      step.action.kind === "make-writable" ? new Promise<void>(() => {}) : undefined;
    runnerOn(fake, first).runner.tick();
    for (let i = 0; i < 50 && !first.performed.some((n) => n.startsWith("make-writable")); i++)
      await Bun.sleep(0);
    expect(first.performed.some((n) => n.startsWith("make-writable"))).toBe(true);
    // The next leader resumes; its view says another change won the ledger meanwhile.
    const next = new Performer(fake, (step) => step.action.kind === "make-writable");
    await assessOnce(runnerOn(fake, next).runner);
    expect(next.performed.filter((n) => n.startsWith("make-writable"))).toEqual([]);
    const step = fake.ledger.state.recoveries[0]?.steps.find((s) => s.name.startsWith("make-writable"));
    expect(step).toMatchObject({ status: "failed" });
    expect(step?.detail).toContain("refused: the test says so");
  });

  test("a failover is not planned once the ledger names another primary", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    // A recovery detected against db1 by the last leader; since then db2 became primary.
    await fake.propose({
      type: "recovery-detected",
      id: "auto-1",
      analysis: "DeadPrimary",
      failedInstance: "db1",
      wallMs: WALL_MS,
    });
    await fake.propose({ type: "set-primary", primary: "db2", expectedEpoch: 1 });
    const p = new Performer(fake);
    await assessOnce(runnerOn(fake, p).runner);
    expect(p.performed).toEqual([]);
    const r = fake.ledger.state.recoveries[0];
    expect(r?.state).toBe("failed");
    expect(r?.detail).toStartWith("recovery.primary-moved");
    expect(fake.ledger.state).toMatchObject({ primary: "db2", epoch: 2 });
  });

  test("a leader deposed while a step runs records nothing more and runs no further step", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    let leading = true;
    const p = new Performer(fake);
    p.onPerform = () => {
      leading = false;
    };
    await assessOnce(runnerOn(fake, p, { leading: () => leading }).runner);
    expect(p.performed.length).toBe(1);
    expect(fake.types()).not.toContain("recovery-step");
    expect(fake.ledger.state.recoveries[0]?.state).toBe("planned");
  });

  test("a ledger refusal of a step's outcome ends the recovery failed with its code, and says so", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    const propose = async (cmd: LedgerCommand): Promise<ProposalResult> =>
      cmd.type === "recovery-step"
        ? err({ code: "ledger.limit-reached", index: 9, what: "steps" })
        : fake.propose(cmd);
    const p = new Performer(fake);
    const { runner, events } = runnerOn(fake, p, { propose });
    await assessOnce(runner);
    const r = fake.ledger.state.recoveries[0];
    expect(r?.state).toBe("failed");
    expect(r?.detail).toStartWith("ledger.limit-reached");
    expect(events.some((e) => e.kind === "recovery.ledger-refused" && e.level === "error")).toBe(true);
    expect(p.performed.length).toBe(1);
  });

  test("a failure that cleared while the detection hooks ran is not failed over", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    const marker = join(mkdtempSync(join(tmpdir(), "keel-guards-")), "back");
    const commands = { ...RUNNER_SETTINGS.hooks.commands, OnFailureDetection: [`touch ${marker}`] };
    const view = () => (existsSync(marker) ? healthy("mariadb", 3).build() : deadPrimary());
    const p = new Performer(fake);
    await assessOnce(
      runnerOn(fake, p, { view, settings: { hooks: { ...RUNNER_SETTINGS.hooks, commands } } }).runner,
    );
    expect(existsSync(marker)).toBe(true);
    expect(p.performed).toEqual([]);
    const r = fake.ledger.state.recoveries[0];
    expect(r?.state).toBe("failed");
    expect(r?.detail).toStartWith("recovery.failure-cleared");
    expect(fake.ledger.state.primary).toBe("db1");
  });

  test("stop() waits for the running step and lets nothing be recorded or started after it", async () => {
    const fake = new LedgerFake();
    await withPrimary(fake);
    let release: () => void = () => {};
    const p = new Performer(fake);
    p.onPerform = () =>
      new Promise<void>((resolve) => {
        release = resolve;
      });
    const { runner } = runnerOn(fake, p);
    runner.tick();
    for (let i = 0; i < 50 && p.performed.length === 0; i++) await Bun.sleep(0);
    expect(p.performed.length).toBe(1);
    const proposedBefore = fake.proposed.length;
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await Bun.sleep(0);
    expect(stopped).toBe(false); // still waiting for the step in flight
    release();
    await stopping;
    expect(fake.proposed.length).toBe(proposedBefore);
    runner.tick();
    await runner.idle();
    expect(fake.proposed.length).toBe(proposedBefore);
    expect(p.performed.length).toBe(1);
  });
});
