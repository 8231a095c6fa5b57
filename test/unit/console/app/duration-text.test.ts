// The downtime dialog's typed durations.
import { describe, expect, test } from "bun:test";
import {
  type DurationProblem,
  formatDuration,
  parseDuration,
} from "../../../../src/console/duration-text.ts";
import { CONSOLE_DOWNTIME_MS_MAX } from "../../../../src/lib/limits.ts";

describe("durations", () => {
  test.each([
    ["90m", 90 * 60_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    [" 45 ", 45 * 60_000],
    ["1d", 86_400_000],
    ["30s", 30_000],
    ["7d", CONSOLE_DOWNTIME_MS_MAX],
  ])("%p is %d ms", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  test.each([
    ["", "empty"],
    ["soon", "not-a-duration"],
    ["1h 30m", "not-a-duration"],
    ["-5m", "not-a-duration"],
    ["0m", "zero"],
    ["7d1s", "too-long"],
  ] as [string, DurationProblem][])("%p is refused as %s", (text, problem) => {
    expect(parseDuration(text)).toEqual({ ok: false, error: problem });
  });

  test.each([
    [5_400_000, "1h30m"],
    [30 * 60_000, "30m"],
    [90_061_000, "1d1h1m1s"],
    [0, "0s"],
  ])("%d ms reads %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
