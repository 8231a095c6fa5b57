// Drives one recovery for the leader: its plan recorded in the ledger before anything runs, then
// stage after stage of steps, each outcome recorded before the next stage starts, and the end.
// A proposal this node can no longer make (leadership moved, or the ledger says another leader
// already recorded the step) stops the driver: the next leader resumes from what was recorded
// (every step is idempotent). Any other refusal by the ledger ends the recovery failed, with its code.
import type { Plan } from "../failover/plan.ts";
import { nextSteps, type StepStatus } from "../failover/plan-progress.ts";
import { LEDGER_TEXT_CHARS_MAX } from "../lib/limits.ts";
import type { LedgerRejection, LedgerState, Recovery } from "../raft/ledger.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import type { ProposalError, ProposalResult } from "./proposals.ts";
import type { StepPerformer } from "./recovery-executor.ts";
import type { StepOutcome } from "./step-rpc.ts";
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

/** The ledger refused a recovery command for a reason other than leadership. */
class LedgerRefused extends Error {
  constructor(readonly refusal: LedgerRejection) {
    super(refusal.code);
  }
}

/** Refusals meaning another leader drives (or drove) this recovery: stop, don't fail it. */
const LEADERSHIP_REFUSALS: readonly string[] = ["ledger.stale-term", "ledger.step-recorded"];

function ledgerRejection(e: ProposalError): LedgerRejection | null {
  return e.code.startsWith("ledger.") && !LEADERSHIP_REFUSALS.includes(e.code)
    ? (e as LedgerRejection)
    : null;
}

export interface DriverDeps {
  /** Still leading the term this drive started in (and not stopping). */
  isLeader(): boolean;
  ledger(): Readonly<LedgerState>;
  snapshot(): ClusterSnapshot;
  /** As the leader of the drive's term: refused, never forwarded, once this node no longer leads it. */
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
    if (!this.d.isLeader()) throw new NotLeading();
    // Only the ledger's primary can fail over: once another change won (or the ledger moved
    // while this node was catching up), planning from the old subject would undo it.
    if (subject.kind === "failover" && snapshot.ledger.primary !== subject.failedNodeId) {
      const why = `the ledger names ${snapshot.ledger.primary ?? "no primary"} as primary, not ${subject.failedNodeId}`;
      this.event("warn", "recovery.refused", `${subject.id}: no plan: ${why}`, {
        id: subject.id,
        refusal: { code: "recovery.primary-moved", primary: snapshot.ledger.primary },
      });
      return this.finish(subject, "failed", `recovery.primary-moved: ${why}`);
    }
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
    if (!r.ok) return this.refused(subject, r.error);
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
    try {
      await this.driveSteps(subject, plan, resumed);
    } catch (e) {
      if (!(e instanceof LedgerRefused)) throw e;
      return this.refused(subject, e.refusal);
    }
  }

  /** A proposal not taken: leadership moved (stop) or the ledger refused it (the recovery fails). */
  private async refused(subject: RecoverySubject, e: ProposalError): Promise<void> {
    const rejection = ledgerRejection(e);
    if (rejection === null) throw new NotLeading();
    this.event("error", "recovery.ledger-refused", `${subject.id}: the ledger refused: ${e.code}`, {
      id: subject.id,
      refusal: rejection,
    });
    return this.finish(subject, "failed", `${rejection.code}: ${JSON.stringify(rejection)}`);
  }

  private async driveSteps(subject: RecoverySubject, plan: Plan, resumed: boolean): Promise<void> {
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

  /** Recorded without acting: found done on a resumed plan, or impossible (never performed). */
  private settled(step: Plan["steps"][number], resumed: boolean): StepOutcome | null {
    if (step.action.kind === "run-hooks") return null;
    const c = this.d.executor.check(step);
    if (c.state === "impossible") return { ok: false, detail: `refused: ${c.why}` };
    return resumed && c.state === "done" ? { ok: true, detail: `found done: ${step.done}` } : null;
  }

  private async runStep(subject: RecoverySubject, plan: Plan, step: Plan["steps"][number], resumed: boolean) {
    if (!this.d.isLeader()) throw new NotLeading();
    const ex = this.d.executor;
    const outcome =
      this.settled(step, resumed) ??
      (await ex.perform(step, {
        recoveryId: subject.id,
        hookFacts: () =>
          hookFactsOf(
            subject,
            this.d.snapshot(),
            { plan, recovery: this.recoveryNow(subject.id) ?? null },
            this.d.settings.auto,
          ),
      }));
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
    if (!recorded.ok) {
      const rejection = ledgerRejection(recorded.error);
      throw rejection === null ? new NotLeading() : new LedgerRefused(rejection);
    }
  }

  async finish(subject: RecoverySubject, outcome: "finished" | "failed", detail: string): Promise<void> {
    const r = await this.d.propose({
      type: "recovery-finished",
      id: subject.id,
      outcome,
      detail: clip(detail),
      wallMs: Math.round(this.d.wallMs()),
    });
    if (!r.ok) {
      if (ledgerRejection(r.error) === null) throw new NotLeading();
      // Nothing more to record: the ledger will not take this recovery's end either.
      this.event(
        "error",
        "recovery.ledger-refused",
        `${subject.id} not recorded ${outcome}: ${r.error.code}`,
        {
          id: subject.id,
          refusal: r.error,
        },
      );
      return;
    }
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
