// The checks every recovery passes before it starts: pause switches, downtime, one recovery at a
// time, and the anti-flap block (orchestrator's RecoveryPeriodBlockSeconds: no second automatic
// recovery of a cluster within the block unless a person acknowledged the last one). Every refusal
// is returned, not just the first, so the event log says everything that stood in the way.
import type { DowntimeView, PauseState } from "../model/cluster-view.ts";
import type { GuardRefusal } from "./errors.ts";

/** orchestrator's default RecoveryPeriodBlockSeconds: one hour. */
export const DEFAULT_RECOVERY_BLOCK_MS = 3_600_000;

/** The cluster's most recent recovery as the ledger records it, with its age already relative to now. */
export interface RecoveryRecord {
  id: string;
  /** How long ago it started, on the observer's monotonic clock. */
  ageMs: number;
  /** Every step has an outcome (succeeded or failed); false while a plan is still being carried out. */
  completed: boolean;
  /** A person ran `keel ack` for it. */
  acknowledged: boolean;
}

export interface GuardInput {
  cluster: string;
  /** The failed member the recovery is for; null for a cluster-wide action. */
  subjectNodeId: string | null;
  /** Manual recoveries (`keel failover`) override pause, downtime and the block, like orchestrator's `recover`. */
  trigger: "automatic" | "manual";
  recoveryBlockMs: number;
  lastRecovery: RecoveryRecord | null;
  downtimes: readonly DowntimeView[];
  paused: PauseState;
}

export type GuardVerdict = { allowed: true } | { allowed: false; refusals: GuardRefusal[] };

function automaticOnly(input: GuardInput): GuardRefusal[] {
  const { cluster } = input;
  const out: GuardRefusal[] = [];
  if (input.paused.global) out.push({ code: "failover.paused-global" });
  if (input.paused.cluster) out.push({ code: "failover.paused-cluster", cluster });
  for (const d of input.downtimes) {
    if (d.remainingMs <= 0) continue;
    const { owner, reason, remainingMs } = d;
    if (d.scope === "cluster")
      out.push({ code: "failover.cluster-downtimed", cluster, owner, reason, remainingMs });
    else if (d.nodeId === input.subjectNodeId) {
      out.push({
        code: "failover.instance-downtimed",
        cluster,
        nodeId: d.nodeId,
        owner,
        reason,
        remainingMs,
      });
    }
  }
  const last = input.lastRecovery;
  if (last?.completed && !last.acknowledged && last.ageMs < input.recoveryBlockMs) {
    out.push({
      code: "failover.recovery-blocked",
      cluster,
      lastRecoveryId: last.id,
      lastRecoveryAgeMs: last.ageMs,
      recoveryBlockMs: input.recoveryBlockMs,
    });
  }
  return out;
}

export function checkRecoveryGuards(input: GuardInput): GuardVerdict {
  const refusals: GuardRefusal[] = [];
  const last = input.lastRecovery;
  // A new leader resumes an unfinished plan from the ledger; starting a second one would race it.
  if (last !== null && !last.completed) {
    refusals.push({ code: "failover.recovery-in-progress", cluster: input.cluster, recoveryId: last.id });
  }
  if (input.trigger === "automatic") refusals.push(...automaticOnly(input));
  return refusals.length === 0 ? { allowed: true } : { allowed: false, refusals };
}
