// Pure: how long writes stayed unavailable after each fault was reverted — from the fault's end
// to the writer's next acknowledged write. With agents this becomes keel's time-to-recover; a
// fault that never stopped writes (a replica's) recovers in the gap between two inserts.
import type { AckedWrite } from "./final-state.ts";

export interface FaultEnd {
  seq: number;
  atMs: number;
}

export interface RecoveryTime {
  seq: number;
  /** null: no acknowledged write ever came after this fault's end. */
  recoverMs: number | null;
}

export function recoveryTimes(ends: readonly FaultEnd[], acked: readonly AckedWrite[]): RecoveryTime[] {
  const ackTimes = acked.map((a) => a.atMs).sort((a, b) => a - b);
  return ends.map((e) => {
    const next = ackTimes.find((t) => t >= e.atMs);
    return { seq: e.seq, recoverMs: next === undefined ? null : next - e.atMs };
  });
}

/** Nearest-rank percentile of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
