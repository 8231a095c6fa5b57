// Where a plan stands and what runs next, from the step outcomes the ledger recorded. A new leader
// rebuilds the plan from the stored step names (resumePlan) and carries on from the first step
// without an outcome; a step whose effect already happened is simply found done again, which is
// why every step is idempotent.
import { err, ok, type Result } from "../lib/result.ts";
import { buildPlan, type Plan, type PlanSettings, type PlanStep } from "./plan.ts";
import type { PlanError } from "./plan-errors.ts";
import { parseStepName, type StepAction } from "./plan-steps.ts";

/** A step's outcome as the ledger holds it (recovery.steps[i].status). */
export type StepStatus = "pending" | "done" | "failed";

export type Progress =
  /** Run these now: the pending steps of the earliest unfinished stage, in plan order. */
  | { type: "run"; steps: PlanStep[] }
  | {
      type: "finished";
      /** "failed" when a step before the point of no return failed (the plan aborted). */
      outcome: "finished" | "failed";
      failedSteps: string[];
      /** Steps never run: the other branch of the plan (success or failure hooks). */
      skippedSteps: string[];
    };

function statusOf(statuses: readonly StepStatus[], index: number): StepStatus {
  return statuses[index] ?? "pending";
}

/** True once a step that aborts the plan has failed. */
export function planAborted(plan: Plan, statuses: readonly StepStatus[]): boolean {
  return plan.steps.some((s) => s.onFailure === "abort" && statusOf(statuses, s.index) === "failed");
}

/**
 * A reattach undoes its replica's detach: it has nothing to undo (and must not start an IO thread
 * someone else stopped) when that detach never ran, as when a PreFailover hook vetoed.
 */
function undoesNothing(plan: Plan, statuses: readonly StepStatus[], step: PlanStep): boolean {
  const a = step.action;
  if (a.kind !== "reattach") return false;
  const detach = plan.steps.find((s) => s.action.kind === "detach" && s.action.nodeId === a.nodeId);
  return detach === undefined || statusOf(statuses, detach.index) === "pending";
}

export function nextSteps(plan: Plan, statuses: readonly StepStatus[]): Progress {
  const aborted = planAborted(plan, statuses);
  const branch = aborted ? "on-failure" : "on-success";
  const pending = plan.steps.filter(
    (s) =>
      s.when === branch && statusOf(statuses, s.index) === "pending" && !undoesNothing(plan, statuses, s),
  );
  const first = pending[0];
  if (first !== undefined) return { type: "run", steps: pending.filter((s) => s.stage === first.stage) };
  return {
    type: "finished",
    outcome: aborted ? "failed" : "finished",
    failedSteps: plan.steps.filter((s) => statusOf(statuses, s.index) === "failed").map((s) => s.name),
    skippedSteps: plan.steps.filter((s) => statusOf(statuses, s.index) === "pending").map((s) => s.name),
  };
}

/** The single next step (the first of its stage), or null once the plan has finished. */
export function nextStep(plan: Plan, statuses: readonly StepStatus[]): PlanStep | null {
  const progress = nextSteps(plan, statuses);
  return progress.type === "run" ? (progress.steps[0] ?? null) : null;
}

/**
 * Only a switchover demotes or runs the graceful-takeover hooks; wait-caught-up tells nothing, as
 * a failover plan also waits for the candidate to hold the fenced old primary's and the replicas'
 * GTIDs before promoting it.
 */
function kindOf(actions: readonly StepAction[]): Plan["kind"] {
  const switchover = actions.some(
    (a) =>
      a.kind === "demote" ||
      (a.kind === "run-hooks" && (a.hook === "PreGracefulTakeover" || a.hook === "PostGracefulTakeover")),
  );
  return switchover ? "switchover" : "failover";
}

export interface ResumeInput {
  /** recovery-planned.steps, as stored. */
  names: readonly string[];
  /** The recovery's failed primary (or the primary switched over from). */
  fromNodeId: string;
  /** recovery-planned.successor. */
  successor: string;
  /** Agents fresh in the new leader's view: they perform steps on their own servers. */
  alive: ReadonlySet<string>;
  settings: Pick<PlanSettings, "catchupTimeoutMs">;
}

/**
 * The plan a previous leader stored, rebuilt from its step names. Performers are decided afresh
 * from who is alive now; everything else is exactly what was planned.
 */
export function resumePlan(input: ResumeInput): Result<Plan, PlanError> {
  const actions: StepAction[] = [];
  for (const name of input.names) {
    const parsed = parseStepName(name);
    if (!parsed.ok) return err(parsed.error);
    actions.push(parsed.value);
  }
  const plan = buildPlan(kindOf(actions), actions, {
    fromNodeId: input.fromNodeId,
    successor: input.successor,
    alive: input.alive,
    settings: input.settings,
  });
  return plan.ok ? ok(plan.value) : plan;
}
