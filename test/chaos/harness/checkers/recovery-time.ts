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

export interface WriteOutage {
  /** The last acknowledged write before the gap. */
  fromMs: number;
  /** The first one after it. */
  toMs: number;
  gapMs: number;
}

/**
 * Gaps between consecutive acknowledged writes longer than minGapMs: each is a stretch when the
 * client could not write (a failover's detection, fencing and promotion, or a fault keel had to
 * wait out). Its length is keel's time to recover as the application felt it.
 */
export function writeOutages(acked: readonly AckedWrite[], minGapMs: number): WriteOutage[] {
  const times = acked.map((a) => a.atMs).sort((a, b) => a - b);
  const out: WriteOutage[] = [];
  for (let i = 1; i < times.length; i++) {
    const gapMs = times[i]! - times[i - 1]!;
    if (gapMs > minGapMs) out.push({ fromMs: times[i - 1]!, toMs: times[i]!, gapMs });
  }
  return out;
}
