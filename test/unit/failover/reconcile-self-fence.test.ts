// The start-up check behind self-fencing: fence_after plus its margin must fit inside the time the
// majority needs to confirm an unreachable primary dead, at the defaults and at the boundary.
import { describe, expect, test } from "bun:test";
import { DEFAULT_ANALYSIS_SETTINGS } from "../../../src/failover/analysis.ts";
import { DEFAULT_FENCE_MARGIN_MS, fenceAfterIsSafe } from "../../../src/failover/self-fence.ts";

const DETECTION_MS = DEFAULT_ANALYSIS_SETTINGS.confirmWindowMs + DEFAULT_ANALYSIS_SETTINGS.staleAfterMs;

describe("fenceAfterIsSafe", () => {
  test("the config default (1,500 ms) passes the analysis defaults with 500 ms to spare", () => {
    expect(fenceAfterIsSafe({ fenceAfterMs: 1_500 })).toEqual({
      ok: true,
      value: { fenceAfterMs: 1_500, marginMs: DEFAULT_FENCE_MARGIN_MS, detectionMs: 2_500, headroomMs: 500 },
    });
  });

  test("exactly at the limit passes; 1 ms over is refused with the numbers", () => {
    const limit = DETECTION_MS - DEFAULT_FENCE_MARGIN_MS;
    expect(fenceAfterIsSafe({ fenceAfterMs: limit })).toMatchObject({ ok: true, value: { headroomMs: 0 } });
    expect(fenceAfterIsSafe({ fenceAfterMs: limit + 1 })).toEqual({
      ok: false,
      error: {
        code: "failover.fence-after-unsafe",
        fenceAfterMs: limit + 1,
        marginMs: DEFAULT_FENCE_MARGIN_MS,
        detectionMs: DETECTION_MS,
        confirmWindowMs: DEFAULT_ANALYSIS_SETTINGS.confirmWindowMs,
        staleAfterMs: DEFAULT_ANALYSIS_SETTINGS.staleAfterMs,
        maxFenceAfterMs: limit,
      },
    });
  });

  test.each([
    // [fenceAfterMs, marginMs, confirmWindowMs, staleAfterMs, safe]
    [4_000, 500, 3_000, 1_500, true],
    [4_001, 500, 3_000, 1_500, false],
    [1_000, 0, 0, 1_000, true],
    [1_001, 0, 0, 1_000, false],
    [100, 1_900, 1_000, 1_000, true],
    [100, 1_901, 1_000, 1_000, false],
  ])(
    "fence_after %d, margin %d, confirm %d, stale %d → safe %p",
    (fenceAfterMs, marginMs, confirmWindowMs, staleAfterMs, safe) => {
      const r = fenceAfterIsSafe({ fenceAfterMs, marginMs, analysis: { confirmWindowMs, staleAfterMs } });
      expect(r.ok).toBe(safe);
    },
  );
});
