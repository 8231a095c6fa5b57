// What the recovery runner reads off an analysis and the ledger: which failures it acts on,
// which only alert, and where the last recovery stands (active, settling, blocked).
import type { Analysis } from "../failover/analysis.ts";
import type { RecoveryRecord } from "../failover/guards.ts";
import type { LedgerState, Recovery } from "../raft/ledger.ts";

export const PRIMARY_FAILURES = ["DeadPrimary", "DeadPrimaryAndSomeReplicas", "DeadPrimaryWithoutReplicas"];
export const ALERTS = [
  "UnreachablePrimary",
  "PrimaryAgentDown",
  "LockedSemiSyncPrimary",
  "AllReplicasNotReplicating",
];

export function isActionableFailure(a: Analysis): boolean {
  return a.actionable && (PRIMARY_FAILURES.includes(a.code) || a.code === "DeadIntermediatePrimary");
}

export function isActive(r: Recovery): boolean {
  return r.state === "detected" || r.state === "planned";
}

export function lastRecoveryOf(ledger: Readonly<LedgerState>, nowWallMs: number): RecoveryRecord | null {
  const r = ledger.recoveries[ledger.recoveries.length - 1];
  if (r === undefined) return null;
  return {
    id: r.id,
    ageMs: Math.max(0, nowWallMs - r.detectedWallMs),
    completed: !isActive(r),
    acknowledged: r.acknowledged !== null,
  };
}

export function settling(ledger: Readonly<LedgerState>, nowWallMs: number, settleMs: number): boolean {
  const last = ledger.recoveries[ledger.recoveries.length - 1];
  return last?.finishedWallMs != null && nowWallMs - last.finishedWallMs < settleMs;
}
