// Drives one recovery for the leader: its plan recorded in the ledger before anything runs, then
// stage after stage of steps, each outcome recorded before the next stage starts, and the end.
// A proposal the ledger does not take means leadership moved: the driver stops and the next
// leader resumes from what was recorded (every step is idempotent).
import type { Plan } from "../failover/plan.ts";
import { nextSteps, type StepStatus } from "../failover/plan-progress.ts";
import { LEDGER_TEXT_CHARS_MAX } from "../lib/limits.ts";
import type { LedgerState, Recovery } from "../raft/ledger.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import type { ProposalResult } from "./proposals.ts";
import type { StepPerformer } from "./recovery-executor.ts";
import { type PlanningSettings, planRecovery, type RecoverySubject } from "./recovery-planning.ts";
import { hookFactsOf } from "./recovery-scope.ts";

export interface RecoveryEvent {
  level: "info" | "warn" | "error";
  /** Stable name, e.g. "recovery.detected", "recovery.refused", "recovery.step". */
  kind: string;
  message: string;
  data: Record<string, unknown>;
}

export type EmitEvent = (
  level: RecoveryEvent["level"],
  kind: string,
  message: string,
  data: Record<string, unknown>,
) => void;

/** Leadership went away mid-recovery: stop driving; the next leader resumes from the ledger. */
export class NotLeading extends Error {}

export interface DriverDeps {
  isLeader(): boolean;
  ledger(): Readonly<LedgerState>;
  snapshot(): ClusterSnapshot;
  propose(cmd: LedgerCommand): Promise<ProposalResult>;
  executor: StepPerformer;
  settings: PlanningSettings & { auto: boolean };
  wallMs(): number;
  /** Fresh positions of the members' servers (position-refresh.ts); the gossiped ones if absent. */
  refresh?(snapshot: ClusterSnapshot, failedNodeId: string): Promise<ClusterSnapshot>;
}

function clip(text: string): string {
  return text.length <= LEDGER_TEXT_CHARS_MAX ? text : `${text.slice(0, LEDGER_TEXT_CHARS_MAX - 1)}…`;
}

function isActive(r: Recovery): boolean {
  return r.state === "detected" || r.state === "planned";
}

export class RecoveryDriver {
  constructor(
    private readonly d: DriverDeps,
    private readonly event: EmitEvent,
  ) {}

  async planAndDrive(subject: RecoverySubject): Promise<void> {
    const gossiped = this.d.snapshot();
    const snapshot =
      subject.kind === "failover" && this.d.refresh !== undefined
        ? await this.d.refresh(gossiped, subject.failedNodeId)
        : gossiped;
    const planned = planRecovery(snapshot, subject, this.d.settings);
    if (!planned.ok) {
      const e = planned.error;
      this.event("warn", "recovery.refused", `${subject.id}: no plan: ${e.code}`, {
        id: subject.id,
        refusal: e,
      });
      return this.finish(subject, "failed", `${e.code}: ${JSON.stringify(e)}`);
    }
    const plan = planned.value;
    const r = await this.d.propose({
      type: "recovery-planned",
      id: subject.id,
      steps: plan.steps.map((s) => s.name),
      successor: plan.successor,
    });
    if (!r.ok) throw new NotLeading();
    this.event(
      "info",
      "recovery.planned",
      `${subject.id}: promote ${plan.successor}; ${plan.steps.length} steps`,
      {
        id: subject.id,
        successor: plan.successor,
        steps: plan.steps.map((s) => s.name),
      },
    );
    return this.drive(subject, plan, false);
  }

  private recoveryNow(id: string): Recovery | undefined {
    return this.d.ledger().recoveries.find((x) => x.id === id);
  }

  async drive(subject: RecoverySubject, plan: Plan, resumed: boolean): Promise<void> {
    for (;;) {
      if (!this.d.isLeader()) throw new NotLeading();
      const r = this.recoveryNow(subject.id);
      if (r === undefined || !isActive(r)) return;
      const statuses: StepStatus[] = r.steps.map((s) => s.status);
      const progress = nextSteps(plan, statuses);
      if (progress.type === "finished") {
        const failed = progress.failedSteps.length > 0 ? `; failed: ${progress.failedSteps.join(", ")}` : "";
        const what =
          progress.outcome === "finished"
            ? `${plan.successor} is primary`
            : `aborted, ${plan.fromNodeId} stays primary`;
        return this.finish(subject, progress.outcome, `${what}${failed}`);
      }
      await Promise.all(progress.steps.map((s) => this.runStep(subject, plan, s, resumed)));
    }
  }

  private async runStep(subject: RecoverySubject, plan: Plan, step: Plan["steps"][number], resumed: boolean) {
    const ex = this.d.executor;
    let outcome = null;
    if (resumed && step.action.kind !== "run-hooks" && ex.check(step).state === "done")
      outcome = { ok: true, detail: `found done: ${step.done}` };
    outcome ??= await ex.perform(step, {
      recoveryId: subject.id,
      hookFacts: () =>
        hookFactsOf(
          subject,
          this.d.snapshot(),
          { plan, recovery: this.recoveryNow(subject.id) ?? null },
          this.d.settings.auto,
        ),
    });
    const status = outcome.ok ? "done" : "failed";
    const recorded = await this.d.propose({
      type: "recovery-step",
      id: subject.id,
      step: step.index,
      status,
      detail: clip(outcome.detail),
    });
    this.event(
      outcome.ok ? "info" : "warn",
      "recovery.step",
      `${subject.id} ${step.name}: ${status}: ${outcome.detail}`,
      {
        id: subject.id,
        step: step.index,
        name: step.name,
        status,
        detail: outcome.detail,
        recorded: recorded.ok,
      },
    );
    if (!recorded.ok) throw new NotLeading();
  }

  async finish(subject: RecoverySubject, outcome: "finished" | "failed", detail: string): Promise<void> {
    const r = await this.d.propose({
      type: "recovery-finished",
      id: subject.id,
      outcome,
      detail: clip(detail),
      wallMs: Math.round(this.d.wallMs()),
    });
    if (!r.ok) throw new NotLeading();
    this.event(
      outcome === "finished" ? "info" : "error",
      "recovery.finished",
      `${subject.id} ${outcome}: ${detail}`,
      {
        id: subject.id,
        outcome,
        detail,
      },
    );
    if (this.d.ledger().switchover?.id === subject.id)
      await this.d.propose({ type: "switchover-clear", id: subject.id });
  }
}
