// Keeps a flood of bad datagrams from flooding the log: at most `linesPerWindow` lines per drop
// reason per fixed window; the first line of the next window reports how many were held back.
// Pure: time arrives as nowMs.
import { DROP_LOG_LINES_PER_WINDOW, DROP_LOG_WINDOW_MS } from "../lib/limits.ts";
import type { DropReason } from "./drop-reason.ts";

export type LogDecision = { log: true; suppressedBefore: number } | { log: false };

interface ReasonWindow {
  startMs: number;
  lines: number;
  suppressed: number;
}

export class DropLogLimiter {
  private readonly windows = new Map<DropReason, ReasonWindow>();

  constructor(
    private readonly linesPerWindow = DROP_LOG_LINES_PER_WINDOW,
    private readonly windowMs = DROP_LOG_WINDOW_MS,
  ) {
    if (!(linesPerWindow >= 1 && windowMs > 0))
      throw new RangeError("a log limiter needs lines >= 1 and a window > 0");
  }

  /** Whether to log this drop; `suppressedBefore` counts lines held back in the previous window. */
  decide(reason: DropReason, nowMs: number): LogDecision {
    let w = this.windows.get(reason);
    let suppressedBefore = 0;
    if (w === undefined || nowMs - w.startMs >= this.windowMs) {
      suppressedBefore = w?.suppressed ?? 0;
      w = { startMs: nowMs, lines: 0, suppressed: 0 };
      this.windows.set(reason, w);
    }
    if (w.lines >= this.linesPerWindow) {
      w.suppressed++;
      return { log: false };
    }
    w.lines++;
    return { log: true, suppressedBefore };
  }
}
