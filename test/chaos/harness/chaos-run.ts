// One seeded chaos run against a live lab: the writer and the sampler run throughout, the
// schedule's faults are injected and reverted, then everything heals, settles and is checked.
// Until the keel agent runs in the lab, `reconcile` stands in for it (see restoreInitialPrimary);
// with agents, pass nemesis.startAgent and a `ledger` reader and drop the stand-in.
import { makeWritable } from "../../../src/mysql/actions.ts";
import { seededRng } from "../../../src/lib/rng.ts";
import {
  type AckedWrite,
  type ChaosProblem,
  checkOldPrimaries,
  findLostWrites,
  findUnfinishedRecoveries,
  type RecoveryLike,
} from "./checkers/final-state.ts";
import {
  type EpochSpan,
  type EpochViolation,
  findSplitBrain,
  findWritesOutsideEpoch,
  primariesSeen,
  type SplitBrainInstant,
} from "./checkers/split-brain.ts";
import { readWrittenIds, waitSettled } from "./final-read.ts";
import type { Lab } from "./lab.ts";
import { openSocketAdmin } from "./lab-sql.ts";
import { Nemesis, type NemesisOptions } from "./nemesis.ts";
import { DEFAULT_SCHEDULE, generateSchedule, type ScheduledFault, type ScheduleOptions } from "./schedule.ts";
import { runSchedule, type TimelineEntry } from "./schedule-runner.ts";
import { Sampler } from "./sampler.ts";
import { Writer } from "./writer.ts";

export interface LedgerReading {
  epochs: EpochSpan[];
  recoveries: RecoveryLike[];
}

export interface ChaosRunOptions {
  lab: Lab;
  seed: number;
  totalMs: number;
  schedule?: Partial<Omit<ScheduleOptions, "totalMs">>;
  nemesis?: NemesisOptions;
  /** Brings the lab back toward its intended roles after each fault; the agent's job once it runs here. */
  reconcile?: (lab: Lab) => Promise<void>;
  /** Reads the ledger's epochs and recoveries at the end (agent runtime); absent = not cross-checked. */
  ledger?: () => Promise<LedgerReading>;
  /** Writes keep going this long after the heal, so recovery shows in the acked log. */
  afterHealMs?: number;
  settleTimeoutMs?: number;
  onEntry?: (e: TimelineEntry) => void;
}

export interface ChaosReport {
  seed: number;
  timeline: TimelineEntry[];
  faultsInjected: number;
  splitBrain: SplitBrainInstant[];
  epochViolations: EpochViolation[];
  acked: AckedWrite[];
  attemptedWrites: number;
  lostWrites: ChaosProblem[];
  finalPrimary: string | null;
  /** Convergence, old primaries, unfinished recoveries (and lost writes, repeated here). */
  problems: ChaosProblem[];
  samples: number;
  durationMs: number;
}

/**
 * The no-agent stand-in for reconciliation: the ledger would still name the initial primary
 * (nothing promoted another), so once it answers again it is made writable — what the agent's
 * reconciler does for the primary of the current epoch. It never touches any other host.
 */
export async function restoreInitialPrimary(lab: Lab): Promise<void> {
  const h = lab.host(lab.initialPrimary);
  if (h.mysqldPid() === null) return;
  try {
    const c = await openSocketAdmin(h.server.socket);
    try {
      await makeWritable(c);
    } finally {
      c.close();
    }
  } catch {
    // Paused or still starting: the next reconcile tries again.
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosRunOptions): Promise<ChaosReport> {
  const startedMs = performance.now();
  const { lab } = o;
  const targets = lab.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port }));
  const schedule = generateSchedule(seededRng(o.seed), {
    ...DEFAULT_SCHEDULE,
    ...o.schedule,
    totalMs: o.totalMs,
  });
  const nemesis = new Nemesis(lab, o.nemesis);
  const sampler = new Sampler(targets);
  const writer = new Writer(targets);
  sampler.start();
  writer.start();
  try {
    return await runAndCheck(o, nemesis, sampler, writer, schedule, startedMs);
  } finally {
    await writer.stop();
    await sampler.stop();
  }
}

async function runAndCheck(
  o: ChaosRunOptions,
  nemesis: Nemesis,
  sampler: Sampler,
  writer: Writer,
  schedule: ScheduledFault[],
  startedMs: number,
): Promise<ChaosReport> {
  const { lab } = o;
  let timeline: TimelineEntry[] = [];
  try {
    timeline = await runSchedule({
      schedule,
      hosts: lab.hosts.map((h) => h.name),
      nemesis,
      clock: { nowMs: () => performance.now(), sleepMs: sleep },
      primaryOf: () => sampler.currentPrimary() ?? lab.initialPrimary,
      onEntry: (e) => {
        o.onEntry?.(e);
        if (e.phase === "end" && o.reconcile) void o.reconcile(lab);
      },
    });
  } finally {
    await nemesis.healAll();
  }
  await o.reconcile?.(lab);
  await sleep(o.afterHealMs ?? 3_000);
  await writer.stop();
  const settled = await waitSettled(lab, o.settleTimeoutMs ?? 30_000);
  await sampler.stop();
  const ledger = o.ledger ? await o.ledger() : null;
  const primary = settled.primary;
  const lostWrites = primary
    ? findLostWrites(writer.acked, await readWrittenIds(lab.host(primary.host)))
    : [];
  const oldPrimaries = [...new Set([lab.initialPrimary, ...primariesSeen(sampler.samples)])];
  const problems = [
    ...settled.problems,
    ...(primary ? checkOldPrimaries(oldPrimaries, settled.finals, primary) : []),
    ...lostWrites,
    ...(ledger ? findUnfinishedRecoveries(ledger.recoveries) : []),
  ];
  return {
    seed: o.seed,
    timeline,
    faultsInjected: timeline.filter((e) => e.phase === "start" && e.error === null).length,
    splitBrain: findSplitBrain(sampler.samples),
    epochViolations: ledger ? findWritesOutsideEpoch(sampler.samples, ledger.epochs) : [],
    acked: writer.acked,
    attemptedWrites: writer.acked.length + writer.failed.length,
    lostWrites,
    finalPrimary: primary?.host ?? null,
    problems,
    samples: sampler.samples.length,
    durationMs: performance.now() - startedMs,
  };
}
