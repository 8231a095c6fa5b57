// Pure: a seeded fault schedule, and how one scheduled fault lands on concrete hosts. Targets are
// roles ("the primary") drawn up front and resolved when the fault fires, because who is primary
// at minute 3 depends on what keel did in minutes 1–2; the same seed replays the same draws.
import type { Rng } from "../../../src/lib/rng.ts";

export type FaultKind =
  | "isolate"
  | "partition"
  | "loss"
  | "kill-mysqld"
  | "kill-agent"
  | "pause-mysqld"
  | "restart-mysqld"
  | "delay-mysqld";

export type TargetRole = "primary" | "replica";
export type ClientSide = "majority" | "minority" | "all";

export interface ScheduledFault {
  seq: number;
  /** Offset from the start of the run. */
  atMs: number;
  durationMs: number;
  kind: FaultKind;
  target: TargetRole;
  /** In [0, 1): which of the candidate hosts, so a replay picks the same one when it can. */
  pick: number;
  lossPercent: number;
  clientSide: ClientSide;
}

/**
 * Latency each way for a delay-mysqld fault: derived from the draw lossPercent already made, so
 * the kind adds no draw and every other fault of a seed keeps its values. 10..60 → 50..300 ms.
 */
export function delayMsOf(f: Pick<ScheduledFault, "lossPercent">): number {
  return f.lossPercent * 5;
}

export interface ScheduleOptions {
  totalMs: number;
  kinds: readonly FaultKind[];
  /** No fault before this offset: the cluster settles and the writer starts. */
  warmupMs: number;
  faultMs: readonly [number, number];
  quietMs: readonly [number, number];
  lossPercent: readonly [number, number];
}

/** Every fault the nemesis knows; agent kills are restarted by the run's startAgent. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  "isolate",
  "partition",
  "loss",
  "kill-mysqld",
  "kill-agent",
  "pause-mysqld",
  "restart-mysqld",
  "delay-mysqld",
];

export const DEFAULT_SCHEDULE: Omit<ScheduleOptions, "totalMs"> = {
  kinds: ALL_FAULT_KINDS,
  warmupMs: 3_000,
  faultMs: [3_000, 15_000],
  quietMs: [2_000, 8_000],
  lossPercent: [10, 60],
};

function between(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + rng.int(hi - lo + 1);
}

/** Faults one after another, each followed by a quiet gap, all ending by totalMs. */
export function generateSchedule(rng: Rng, o: ScheduleOptions): ScheduledFault[] {
  if (o.kinds.length === 0) throw new RangeError("a schedule needs at least one fault kind");
  const out: ScheduledFault[] = [];
  let atMs = o.warmupMs;
  for (;;) {
    const kind = rng.pick(o.kinds);
    const durationMs = between(rng, o.faultMs);
    const fault: ScheduledFault = {
      seq: out.length + 1,
      atMs,
      durationMs,
      kind,
      target: rng.chance(0.5) ? "primary" : "replica",
      pick: rng.next(),
      lossPercent: between(rng, o.lossPercent),
      clientSide: rng.pick(["majority", "minority", "all"] as const),
    };
    if (atMs + durationMs > o.totalMs) return out;
    out.push(fault);
    atMs += durationMs + between(rng, o.quietMs);
  }
}

function rotate<T>(items: readonly T[], pick: number): T[] {
  if (items.length === 0) return [];
  const k = Math.floor(pick * items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export interface ResolvedFault {
  hosts: string[];
  /** For a partition: [majority, minority] and the client's group (null = reaches both). */
  groups?: string[][];
  clientGroup?: number | null;
}

/**
 * The hosts a fault hits now. With no known primary, a "primary" target falls back to any host;
 * a partition puts the primary in the minority when the target is "primary".
 */
export function resolveFault(
  f: ScheduledFault,
  hosts: readonly string[],
  primary: string | null,
): ResolvedFault {
  const sorted = [...hosts].sort();
  const replicas = sorted.filter((h) => h !== primary);
  const pickOne = (): string => {
    if (f.target === "primary" && primary !== null) return primary;
    return rotate(replicas.length > 0 ? replicas : sorted, f.pick)[0]!;
  };
  if (f.kind !== "partition") return { hosts: [pickOne()] };
  const minoritySize = Math.max(1, Math.floor((sorted.length - 1) / 2));
  const first = pickOne();
  const rest = rotate(
    sorted.filter((h) => h !== first),
    f.pick,
  );
  const minority = [first, ...rest.slice(0, minoritySize - 1)].sort();
  const majority = sorted.filter((h) => !minority.includes(h));
  const clientGroup = f.clientSide === "all" ? null : f.clientSide === "majority" ? 0 : 1;
  return { hosts: minority, groups: [majority, minority], clientGroup };
}
