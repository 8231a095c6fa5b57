// Durations an operator types into the downtime dialog: "90m", "2h", "1h30m", "1d"; a bare number
// is minutes. Pure, so the dialog's answer to every input is table-tested.
import { CONSOLE_DOWNTIME_MS_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type DurationProblem = "empty" | "not-a-duration" | "zero" | "too-long";

export function parseDuration(text: string): Result<number, DurationProblem> {
  const t = text.trim().toLowerCase();
  if (t === "") return err("empty");
  let ms: number;
  if (/^\d+$/.test(t)) {
    ms = Number(t) * UNIT_MS.m!;
  } else {
    if (!/^(\d+[smhd])+$/.test(t)) return err("not-a-duration");
    ms = 0;
    for (const m of t.matchAll(/(\d+)([smhd])/g)) ms += Number(m[1]) * UNIT_MS[m[2] as string]!;
  }
  if (ms <= 0) return err("zero");
  if (ms > CONSOLE_DOWNTIME_MS_MAX) return err("too-long");
  return ok(ms);
}

/** "1h30m", "45m", "2d"; the largest units first, zero parts left out. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length === 0 ? "0s" : parts.join("");
}

export function durationProblemText(p: DurationProblem): string {
  switch (p) {
    case "empty":
      return "type a duration, e.g. 90m or 2h";
    case "not-a-duration":
      return "not a duration: use numbers with s, m, h or d (90m, 1h30m); a bare number is minutes";
    case "zero":
      return "the duration must be longer than zero";
    case "too-long":
      return `at most ${formatDuration(CONSOLE_DOWNTIME_MS_MAX)}`;
  }
}
