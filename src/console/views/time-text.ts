// Times as an operator reads them at a glance. Wall times are shown in UTC so that two operators
// in different zones quoting the console to each other see the same clock.

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "HH:MM:SS" UTC of a wall-clock time in ms. */
export function formatClock(wallMs: number): string {
  const dayMs = 86_400_000;
  const inDay = ((Math.floor(wallMs) % dayMs) + dayMs) % dayMs;
  const s = Math.floor(inDay / 1000);
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** Compact age: "850ms" under a second when asked, else "12s", "4m", "3h", "2d". */
export function formatAge(ms: number, subSecond = false): string {
  const v = Math.max(0, ms);
  if (subSecond && v < 1000) return `${Math.floor(v)}ms`;
  const s = Math.floor(v / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
