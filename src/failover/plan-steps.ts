// The steps a recovery plan is made of, and their names. The ledger stores a plan as step names
// only, so a name carries everything the step needs (kind, node ids, epoch, wait): a new leader
// rebuilds the exact step from it and resumes where the last leader stopped.
import { err, ok, type Result } from "../lib/result.ts";
import { HOOK_POINTS, type HookPoint } from "../model/hook-point.ts";
import type { PlanError } from "./plan-errors.ts";

/** orchestrator's hook points run inside a plan (OnFailureDetection runs at detection). */
export type RecoveryHook = Exclude<HookPoint, "OnFailureDetection">;

export const RECOVERY_HOOKS: readonly RecoveryHook[] = HOOK_POINTS.filter(
  (p): p is RecoveryHook => p !== "OnFailureDetection",
);

export type StepAction =
  /** Run every command configured for the hook; before the point of no return a failure vetoes. */
  | { kind: "run-hooks"; hook: RecoveryHook }
  /**
   * Wait until the old primary, whose server did not answer, cannot take writes: it answers
   * fenced, or nothing listens on its port (refused/reset), or its agent has been silent for waitMs
   * (it fenced its server after losing the quorum), or its agent has seen its server unanswering
   * for waitMs (it fences the server the moment it answers again). The leader performs it by
   * re-checking plan-done.ts's checkStepDone on fresh facts until "done", bounded by waitMs plus
   * the step's boundMs; it changes no server.
   */
  | { kind: "wait-fence-after"; nodeId: string; waitMs: number }
  /**
   * A replica of the failed primary stops receiving (IO thread stopped, source kept) and applies
   * what it received, bounded: from here on a failed primary that wakes up (a hung mysqld resumed)
   * cannot hand it a transaction the candidate, already checked against it, would lack.
   */
  | { kind: "detach"; nodeId: string }
  /** After an aborted failover only: a detached replica receives from its source again. */
  | { kind: "reattach"; nodeId: string }
  /** Wait (bounded) until the candidate has applied everything it retrieved. */
  | { kind: "wait-relay-applied"; nodeId: string }
  /** Wait (bounded) until the candidate has executed every GTID the fenced old primary has. */
  | { kind: "wait-caught-up"; nodeId: string; fromNodeId: string }
  /** Stop the candidate's replication and forget its source (STOP + RESET REPLICA ALL). */
  | { kind: "promote"; nodeId: string }
  /** Compare-and-set the ledger's primary: the new epoch is the fencing token, no way back after it. */
  | { kind: "set-primary"; nodeId: string; expectedEpoch: number }
  /** read_only (and super_read_only) off, as primary of `epoch`. */
  | { kind: "make-writable"; nodeId: string; epoch: number }
  /** CHANGE MASTER to the new primary with GTID auto-position, start, verify it replicates. */
  | { kind: "repoint"; nodeId: string; sourceNodeId: string }
  /** read_only on (plus super_read_only on MySQL). */
  | { kind: "fence"; nodeId: string }
  /** Turn the old primary into a replica of the new one (MASTER_DEMOTE_TO_SLAVE on MariaDB 10.10+). */
  | { kind: "demote"; nodeId: string; sourceNodeId: string };

export type StepKind = StepAction["kind"];

/** The member whose server the step changes or watches; null for the leader's own steps. */
export function stepTarget(action: StepAction): string | null {
  return action.kind === "run-hooks" || action.kind === "set-primary" || action.kind === "wait-fence-after"
    ? null
    : action.nodeId;
}

/** Step names join fields with ':', so a node id must be non-empty and free of it. */
export function nodeIdFitsStepName(nodeId: string): boolean {
  return nodeId.length > 0 && !nodeId.includes(":");
}

export function stepName(a: StepAction): string {
  switch (a.kind) {
    case "run-hooks":
      return `run-hooks:${a.hook}`;
    case "wait-fence-after":
      return `wait-fence-after:${a.nodeId}:${a.waitMs}`;
    case "wait-caught-up":
      return `wait-caught-up:${a.nodeId}:${a.fromNodeId}`;
    case "set-primary":
      return `set-primary:${a.nodeId}:${a.expectedEpoch}`;
    case "make-writable":
      return `make-writable:${a.nodeId}:${a.epoch}`;
    case "repoint":
    case "demote":
      return `${a.kind}:${a.nodeId}:${a.sourceNodeId}`;
    case "detach":
    case "reattach":
    case "wait-relay-applied":
    case "promote":
    case "fence":
      return `${a.kind}:${a.nodeId}`;
  }
}

function natural(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(text)) return null;
  return Number(text);
}

function actionOf(kind: string, f: readonly string[]): StepAction | null {
  const [a = "", b = ""] = f;
  const n = natural(b);
  switch (kind) {
    case "run-hooks":
      return f.length === 1 && RECOVERY_HOOKS.includes(a as RecoveryHook)
        ? { kind, hook: a as RecoveryHook }
        : null;
    case "wait-fence-after":
      return f.length === 2 && n !== null ? { kind, nodeId: a, waitMs: n } : null;
    case "set-primary":
      return f.length === 2 && n !== null ? { kind, nodeId: a, expectedEpoch: n } : null;
    case "make-writable":
      return f.length === 2 && n !== null ? { kind, nodeId: a, epoch: n } : null;
    case "wait-caught-up":
      return f.length === 2 ? { kind, nodeId: a, fromNodeId: b } : null;
    case "repoint":
    case "demote":
      return f.length === 2 ? { kind, nodeId: a, sourceNodeId: b } : null;
    case "detach":
    case "reattach":
    case "wait-relay-applied":
    case "promote":
    case "fence":
      return f.length === 1 ? { kind, nodeId: a } : null;
    default:
      return null;
  }
}

/** The step a name stands for; only names stepName writes are accepted (it round-trips exactly). */
export function parseStepName(name: string): Result<StepAction, PlanError> {
  const [kind = "", ...fields] = name.split(":");
  const action = fields.every((f) => f.length > 0) ? actionOf(kind, fields) : null;
  if (action === null || stepName(action) !== name) return err({ code: "failover.plan-step-unknown", name });
  return ok(action);
}

/** What "done" means for the step, for people (keel recoveries) and the audit log. */
export function describeDone(a: StepAction): string {
  switch (a.kind) {
    case "run-hooks":
      return `every ${a.hook} hook command exited 0`;
    case "wait-fence-after":
      return `${a.nodeId} answers read-only, or nothing listens on its port, or its agent has been silent (or unable to reach its server) for ${a.waitMs} ms and so has fenced it or will the moment it answers`;
    case "detach":
      return `${a.nodeId} receives nothing (IO thread stopped) and has executed every GTID it retrieved`;
    case "reattach":
      return `${a.nodeId} receives from its source again (IO thread started)`;
    case "wait-relay-applied":
      return `${a.nodeId} has executed every GTID it retrieved`;
    case "wait-caught-up":
      return `${a.nodeId} has executed every GTID of ${a.fromNodeId}`;
    case "promote":
      return `${a.nodeId} has no replication channel`;
    case "set-primary":
      return `the ledger names ${a.nodeId} primary at an epoch above ${a.expectedEpoch}`;
    case "make-writable":
      return `${a.nodeId} has read_only off`;
    case "repoint":
      return `${a.nodeId} replicates from ${a.sourceNodeId} with both threads running`;
    case "fence":
      return `${a.nodeId} has read_only on`;
    case "demote":
      return `${a.nodeId} is read-only and replicates from ${a.sourceNodeId} with both threads running`;
  }
}
