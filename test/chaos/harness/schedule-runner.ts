// Applies a schedule to a lab through the nemesis, one fault at a time, and records what it did
// and when. The clock is injected so the runner's sequencing is tested without waiting.
import type { Nemesis } from "./nemesis.ts";
import {
  delayMsOf,
  type FaultKind,
  type ResolvedFault,
  resolveFault,
  type ScheduledFault,
} from "./schedule.ts";

export type NemesisPort = Pick<
  Nemesis,
  | "isolate"
  | "partition"
  | "loss"
  | "heal"
  | "kill9"
  | "pause"
  | "resume"
  | "start"
  | "restart"
  | "delay"
  | "undelay"
>;

export interface RunnerClock {
  nowMs(): number;
  sleepMs(ms: number): Promise<void>;
}

export interface TimelineEntry {
  atMs: number;
  seq: number;
  phase: "start" | "end";
  kind: FaultKind;
  hosts: string[];
  detail: string;
  /** The nemesis call failed (e.g. pause with no mysqld running); the run goes on. */
  error: string | null;
}

export interface RunnerInput {
  schedule: readonly ScheduledFault[];
  hosts: readonly string[];
  nemesis: NemesisPort;
  clock: RunnerClock;
  /** Who the client currently sees as primary (from the sampler); null when unknown. */
  primaryOf: () => string | null;
  /** Checked between faults: stop early (e.g. the test's budget ran out). */
  shouldStop?: () => boolean;
  onEntry?: (e: TimelineEntry) => void;
}

function describe(f: ScheduledFault, r: ResolvedFault): string {
  if (f.kind === "partition")
    return `${r.groups![0]!.join(",")} | ${r.groups![1]!.join(",")} (client: ${f.clientSide})`;
  if (f.kind === "loss") return `${f.lossPercent}% on ${r.hosts.join(",")}`;
  if (f.kind === "delay-mysqld") return `+${delayMsOf(f)} ms each way into ${f.target} ${r.hosts.join(",")}`;
  return `${f.target} ${r.hosts.join(",")}`;
}

async function inject(n: NemesisPort, f: ScheduledFault, r: ResolvedFault): Promise<void> {
  const host = r.hosts[0]!;
  switch (f.kind) {
    case "isolate":
      return n.isolate(host);
    case "partition":
      return n.partition(r.groups!, { clientGroup: r.clientGroup ?? null });
    case "loss":
      return n.loss(host, f.lossPercent);
    case "kill-mysqld":
      await n.kill9(host, "mysqld");
      return;
    case "kill-agent":
      await n.kill9(host, "agent");
      return;
    case "pause-mysqld":
      return n.pause(host);
    case "restart-mysqld":
      return n.restart(host);
    case "delay-mysqld":
      return n.delay(host, delayMsOf(f));
  }
}

async function revert(n: NemesisPort, f: ScheduledFault, r: ResolvedFault): Promise<void> {
  const host = r.hosts[0]!;
  switch (f.kind) {
    case "isolate":
    case "partition":
    case "loss":
      return n.heal();
    case "kill-mysqld":
      return n.start(host, "mysqld");
    case "kill-agent":
      return n.start(host, "agent");
    case "pause-mysqld":
      return n.resume(host);
    case "restart-mysqld":
      return;
    case "delay-mysqld":
      return n.undelay(host);
  }
}

async function attempt(fn: () => Promise<void> | void): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (e) {
    return (e as Error).message ?? String(e);
  }
}

export async function runSchedule(input: RunnerInput): Promise<TimelineEntry[]> {
  const { clock, nemesis } = input;
  const startMs = clock.nowMs();
  const timeline: TimelineEntry[] = [];
  const record = (e: Omit<TimelineEntry, "atMs">) => {
    const entry = { ...e, atMs: clock.nowMs() };
    timeline.push(entry);
    input.onEntry?.(entry);
  };
  for (const f of input.schedule) {
    if (input.shouldStop?.()) break;
    const waitMs = startMs + f.atMs - clock.nowMs();
    if (waitMs > 0) await clock.sleepMs(waitMs);
    const r = resolveFault(f, input.hosts, input.primaryOf());
    const base = { seq: f.seq, kind: f.kind, hosts: r.hosts, detail: describe(f, r) };
    record({ ...base, phase: "start", error: await attempt(() => inject(nemesis, f, r)) });
    const untilMs = startMs + f.atMs + f.durationMs - clock.nowMs();
    if (untilMs > 0) await clock.sleepMs(untilMs);
    record({ ...base, phase: "end", error: await attempt(() => revert(nemesis, f, r)) });
  }
  return timeline;
}
