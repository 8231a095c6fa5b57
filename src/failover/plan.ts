// Recovery plans: the ordered, idempotent steps of a failover or a switchover. The raft leader
// appends the plan (its step names) to the ledger before anything runs and each step's outcome
// after it, so a new leader resumes a half-done plan (plan-progress.ts) instead of starting another.
// Planning only decides; the runtime executes each step through the performer named here.
import { LEDGER_PLAN_STEPS_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { PlanError } from "./plan-errors.ts";
import { describeDone, nodeIdFitsStepName, type StepAction, stepName, stepTarget } from "./plan-steps.ts";

export type { RecoveryHook, StepAction, StepKind } from "./plan-steps.ts";

/**
 * Who carries a step out: the leader itself (hooks, ledger, waits on the old primary), the
 * target's own agent while it is alive, or else the leader acting on the target's server remotely
 * with the admin credentials.
 */
export type Performer =
  | { by: "leader" }
  | { by: "agent"; nodeId: string }
  | { by: "leader-remote"; nodeId: string };

export interface PlanStep {
  /** Position in the plan: the index the ledger's recovery-step entries use. */
  index: number;
  /** Stable name stored in the ledger; parseStepName(name) gives `action` back. */
  name: string;
  action: StepAction;
  performer: Performer;
  /** "on-failure" steps run only after an aborting failure, "on-success" steps only without one. */
  when: "on-success" | "on-failure";
  /** Before the point of no return a failed step aborts the plan; after it the plan carries on. */
  onFailure: "abort" | "continue";
  /** Steps sharing a stage may run at the same time (repointing replicas); stages run in order. */
  stage: number;
  /** Bounded waits: the executor records the step failed once it has waited this long. */
  boundMs: number | null;
  /** What "done" means, in words; plan-done.ts checks it against observed state. */
  done: string;
}

export interface Plan {
  kind: "failover" | "switchover";
  /** The failed primary, or the primary being switched over from. */
  fromNodeId: string;
  successor: string;
  steps: PlanStep[];
  /** Index of the set-primary step: once it is done the new epoch exists and there is no way back. */
  pointOfNoReturn: number;
}

export interface PlanSettings {
  /** The old primary's agent fences its server after losing the quorum for this long. */
  fenceAfterMs: number;
  /** Added to fenceAfterMs before acting: probe interval, heartbeat and execution slack. */
  fenceMarginMs: number;
  /** Bound on every wait for the candidate (relay log applied, caught up). */
  catchupTimeoutMs: number;
}

/** A member as the planner needs it. */
export interface PlanMember {
  nodeId: string;
  /** Its agent is fresh in the leader's view: it performs steps on its own server. */
  agentAlive: boolean;
  /** Its server answered the latest probe (its agent's, or the leader's remote one). */
  serverReachable: boolean;
  /**
   * It holds transactions the primary never had (errant GTIDs): the candidate cannot and need not
   * hold them, so it is not compared with the candidate before promotion. Absent: false.
   */
  errant?: boolean;
}

export interface FailoverPlanInput {
  failed: PlanMember;
  /** The member chooseCandidate picked. */
  candidate: PlanMember;
  /** Every other DB member (not the failed primary, not the candidate, no witnesses). */
  replicas: readonly PlanMember[];
  /** The ledger epoch the failed primary holds: set-primary compares against it. */
  epoch: number;
  /**
   * From the analysis: the old primary may take writes again later (host cut off, or mysqld hung
   * under a live agent). A server that does not answer gets the wait-fence-after step whatever
   * this says; this forces it even for one that seems to answer.
   */
  hostUnreachable: boolean;
  /**
   * The operator's --force accepted certain transaction loss: the candidate is then not made to
   * hold every replica's GTIDs before promotion (it would wait for what it can never receive).
   * Absent: false.
   */
  acceptLoss?: boolean;
  settings: PlanSettings;
}

export interface SwitchoverPlanInput {
  primary: PlanMember;
  candidate: PlanMember;
  replicas: readonly PlanMember[];
  epoch: number;
  settings: PlanSettings;
}

/** Consecutive steps of one family share a stage: each acts on its own server. */
const PARALLEL_FAMILIES: readonly (readonly StepAction["kind"][])[] = [
  ["repoint", "demote"],
  ["detach"],
  ["reattach"],
];

function sameFamily(a: StepAction["kind"], b: StepAction["kind"]): boolean {
  return PARALLEL_FAMILIES.some((f) => f.includes(a) && f.includes(b));
}

/** Run only after an aborting failure: undo what the plan did before it gave up. */
export function onFailureOnly(action: StepAction): boolean {
  return (
    action.kind === "reattach" || (action.kind === "run-hooks" && action.hook === "PostUnsuccessfulFailover")
  );
}

function performerOf(action: StepAction, alive: ReadonlySet<string>): Performer {
  const target = stepTarget(action);
  if (target === null) return { by: "leader" };
  return alive.has(target) ? { by: "agent", nodeId: target } : { by: "leader-remote", nodeId: target };
}

function boundOf(action: StepAction, settings: Pick<PlanSettings, "catchupTimeoutMs">): number | null {
  switch (action.kind) {
    case "wait-fence-after":
    case "detach":
    case "wait-relay-applied":
    case "wait-caught-up":
      return settings.catchupTimeoutMs;
    default:
      return null;
  }
}

/**
 * Dresses an ordered action list as a plan. Everything but the performers follows from the
 * actions alone, which is what lets a new leader rebuild the same plan from the names in the ledger.
 */
export function buildPlan(
  kind: Plan["kind"],
  actions: readonly StepAction[],
  ctx: {
    fromNodeId: string;
    successor: string;
    alive: ReadonlySet<string>;
    settings: Pick<PlanSettings, "catchupTimeoutMs">;
  },
): Result<Plan, PlanError> {
  if (actions.length > LEDGER_PLAN_STEPS_MAX)
    return err({
      code: "failover.plan-too-many-steps",
      steps: actions.length,
      maxSteps: LEDGER_PLAN_STEPS_MAX,
    });
  const pointOfNoReturn = actions.findIndex((a) => a.kind === "set-primary");
  let stage = -1;
  const steps = actions.map((action, index): PlanStep => {
    const prev = actions[index - 1];
    if (prev === undefined || !sameFamily(prev.kind, action.kind)) stage += 1;
    return {
      index,
      name: stepName(action),
      action,
      performer: performerOf(action, ctx.alive),
      when: onFailureOnly(action) ? "on-failure" : "on-success",
      onFailure: pointOfNoReturn === -1 || index <= pointOfNoReturn ? "abort" : "continue",
      stage,
      boundMs: boundOf(action, ctx.settings),
      done: describeDone(action),
    };
  });
  return ok({ kind, fromNodeId: ctx.fromNodeId, successor: ctx.successor, steps, pointOfNoReturn });
}

function checkMembers(
  from: PlanMember,
  fromRole: "failed" | "primary",
  candidate: PlanMember,
  replicas: readonly PlanMember[],
): PlanError | null {
  const all = [from, candidate, ...replicas];
  const bad = all.find((m) => !nodeIdFitsStepName(m.nodeId));
  if (bad !== undefined) return { code: "failover.plan-bad-node-id", nodeId: bad.nodeId };
  if (candidate.nodeId === from.nodeId) return { code: "failover.plan-same-node", nodeId: from.nodeId };
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.nodeId)) return { code: "failover.plan-duplicate-node", nodeId: m.nodeId };
    seen.add(m.nodeId);
  }
  if (!candidate.serverReachable)
    return { code: "failover.plan-member-unreachable", nodeId: candidate.nodeId, role: "candidate" };
  if (fromRole === "primary" && !from.serverReachable)
    return { code: "failover.plan-member-unreachable", nodeId: from.nodeId, role: "primary" };
  return null;
}

/** Replicas to repoint, in a fixed order so the same input always gives the same plan. */
function repointable(replicas: readonly PlanMember[]): PlanMember[] {
  return replicas.filter((r) => r.serverReachable).sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
}

function aliveSet(members: readonly PlanMember[]): Set<string> {
  return new Set(members.filter((m) => m.agentAlive).map((m) => m.nodeId));
}

/**
 * How the plan makes sure the old primary cannot take writes once the new one can, before anything
 * changes: a server that answers is fenced (by its agent, else remotely); one that does not is
 * waited on until it is seen fenced or down, or its agent has had fence_after + margin to fence it
 * (self-fenced without the quorum, or holding it to be fenced the moment it answers again).
 */
function oldPrimaryFenceStep(input: FailoverPlanInput): StepAction {
  const { failed, settings } = input;
  if (failed.serverReachable && !input.hostUnreachable) return { kind: "fence", nodeId: failed.nodeId };
  const waitMs = settings.fenceAfterMs + settings.fenceMarginMs;
  return { kind: "wait-fence-after", nodeId: failed.nodeId, waitMs };
}

/**
 * What the candidate must hold before it is promoted, checked right before promote (the candidate
 * was chosen on positions that may have moved since, and the old primary may have answered and
 * committed during the fence wait): every GTID of the old primary once it is fenced and answers,
 * and every GTID each answering replica has executed. Each is a wait-caught-up step, which the
 * executor already runs (the leader reads the other server's executed GTIDs, the candidate waits
 * for them, bounded): one the candidate cannot reach aborts the plan before the point of no return
 * instead of losing those transactions. Replicas with errant GTIDs are left out (nothing of the
 * primary's to lose), and all replicas when the operator accepted loss.
 */
function catchUpSteps(input: FailoverPlanInput, fenceStep: StepAction): StepAction[] {
  const to = input.candidate.nodeId;
  const out: StepAction[] = [];
  if (fenceStep.kind === "fence")
    out.push({ kind: "wait-caught-up", nodeId: to, fromNodeId: fenceStep.nodeId });
  if (input.acceptLoss === true) return out;
  for (const r of repointable(input.replicas))
    if (r.errant !== true) out.push({ kind: "wait-caught-up", nodeId: to, fromNodeId: r.nodeId });
  // (errant replicas are not repointed either: see planFailover)
  return out;
}

/**
 * Failover (issue 5, item 3). Replicas whose server does not answer are left out: their agents
 * repoint them when they come back (reconcile.ts). Before the candidate is touched the old primary
 * is fenced, or seen fenced or down, or given fence_after + margin to have been fenced by its own
 * agent (oldPrimaryFenceStep), so it cannot take writes once the new one can. Then every other
 * replica stops receiving (detach): fenced is not silent, and a hung primary that wakes up still
 * sends the binlog tail it wrote before it hung, which would put on them a transaction the
 * candidate lacks. The candidate keeps receiving (anything more it gets, the others get from it)
 * and is made to hold everything the detached replicas hold (catchUpSteps) before it is
 * promoted. Should the plan abort before the point of no return, reattach undoes the detach.
 */
export function planFailover(input: FailoverPlanInput): Result<Plan, PlanError> {
  const { failed, candidate, settings } = input;
  const bad = checkMembers(failed, "failed", candidate, input.replicas);
  if (bad !== null) return err(bad);
  const to = candidate.nodeId;
  const fenceStep = oldPrimaryFenceStep(input);
  // A replica with errant GTIDs cannot follow the new primary (MariaDB stops it with error 1236
  // or a strict-mode conflict): it is left as it is, and its agent names the errant GTIDs.
  const others = repointable(input.replicas).filter((r) => r.errant !== true);
  const actions: StepAction[] = [
    { kind: "run-hooks", hook: "PreFailover" },
    fenceStep,
    ...others.map((r): StepAction => ({ kind: "detach", nodeId: r.nodeId })),
    { kind: "wait-relay-applied", nodeId: to },
    ...catchUpSteps(input, fenceStep),
    { kind: "promote", nodeId: to },
    { kind: "set-primary", nodeId: to, expectedEpoch: input.epoch },
    { kind: "make-writable", nodeId: to, epoch: input.epoch + 1 },
    ...others.map((r): StepAction => ({ kind: "repoint", nodeId: r.nodeId, sourceNodeId: to })),
    { kind: "run-hooks", hook: "PostMasterFailover" },
    { kind: "run-hooks", hook: "PostFailover" },
    ...others.map((r): StepAction => ({ kind: "reattach", nodeId: r.nodeId })),
    { kind: "run-hooks", hook: "PostUnsuccessfulFailover" },
  ];
  const alive = aliveSet([failed, candidate, ...input.replicas]);
  return buildPlan("failover", actions, { fromNodeId: failed.nodeId, successor: to, alive, settings });
}

/**
 * Planned switchover (issue 5, item 7): nothing is lost because the old primary is fenced first
 * and the candidate must hold all of its GTIDs before it is promoted. An abort before the point of
 * no return leaves the ledger naming the old primary, whose agent then makes it writable again.
 */
export function planSwitchover(input: SwitchoverPlanInput): Result<Plan, PlanError> {
  const { primary, candidate, settings } = input;
  const bad = checkMembers(primary, "primary", candidate, input.replicas);
  if (bad !== null) return err(bad);
  const to = candidate.nodeId;
  const from = primary.nodeId;
  const actions: StepAction[] = [
    { kind: "run-hooks", hook: "PreGracefulTakeover" },
    { kind: "fence", nodeId: from },
    { kind: "wait-caught-up", nodeId: to, fromNodeId: from },
    { kind: "promote", nodeId: to },
    { kind: "set-primary", nodeId: to, expectedEpoch: input.epoch },
    { kind: "make-writable", nodeId: to, epoch: input.epoch + 1 },
    ...repointable(input.replicas).map(
      (r): StepAction => ({ kind: "repoint", nodeId: r.nodeId, sourceNodeId: to }),
    ),
    { kind: "demote", nodeId: from, sourceNodeId: to },
    { kind: "run-hooks", hook: "PostGracefulTakeover" },
  ];
  const alive = aliveSet([primary, candidate, ...input.replicas]);
  return buildPlan("switchover", actions, { fromNodeId: from, successor: to, alive, settings });
}

/** The names the ledger stores for the plan (recovery-planned.steps). */
export function planStepNames(plan: Plan): string[] {
  return plan.steps.map((s) => s.name);
}
