// The start-up check behind self-fencing: a primary cut off from the quorum must have made itself
// read-only before the majority can confirm it dead and promote another server. The majority needs
// staleAfterMs to stop trusting the primary agent's record and confirmWindowMs of failed handshakes
// on top (analysis.ts); fence_after plus a margin must fit inside that.
import { err, ok, type Result } from "../lib/result.ts";
import { type AnalysisSettings, DEFAULT_ANALYSIS_SETTINGS } from "./analysis.ts";
import type { FenceAfterError } from "./plan-errors.ts";

/**
 * Slack between the old primary fencing itself and the majority acting: a probe interval for the
 * agent to notice, a raft heartbeat for it to know it lost the quorum, and the SET GLOBAL itself.
 */
export const DEFAULT_FENCE_MARGIN_MS = 500;

export interface FenceSettings {
  fenceAfterMs: number;
  marginMs?: number;
  analysis?: Partial<Pick<AnalysisSettings, "confirmWindowMs" | "staleAfterMs">>;
}

export interface FenceTiming {
  fenceAfterMs: number;
  marginMs: number;
  detectionMs: number;
  /** detectionMs − (fenceAfterMs + marginMs): how much earlier than needed the fence happens. */
  headroomMs: number;
}

export function fenceAfterIsSafe(settings: FenceSettings): Result<FenceTiming, FenceAfterError> {
  const confirmWindowMs = settings.analysis?.confirmWindowMs ?? DEFAULT_ANALYSIS_SETTINGS.confirmWindowMs;
  const staleAfterMs = settings.analysis?.staleAfterMs ?? DEFAULT_ANALYSIS_SETTINGS.staleAfterMs;
  const marginMs = settings.marginMs ?? DEFAULT_FENCE_MARGIN_MS;
  const detectionMs = confirmWindowMs + staleAfterMs;
  const { fenceAfterMs } = settings;
  const headroomMs = detectionMs - (fenceAfterMs + marginMs);
  if (headroomMs >= 0) return ok({ fenceAfterMs, marginMs, detectionMs, headroomMs });
  return err({
    code: "failover.fence-after-unsafe",
    fenceAfterMs,
    marginMs,
    detectionMs,
    confirmWindowMs,
    staleAfterMs,
    maxFenceAfterMs: detectionMs - marginMs,
  });
}
