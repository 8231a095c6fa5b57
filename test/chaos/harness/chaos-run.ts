// One chaos run against a live lab with a keel agent on every host: the writer, the sampler and
// the ledger watcher run throughout, a script injects faults (a seeded schedule, or a scenario's
// own steps), then everything heals, settles and is checked — the client's samples against each
// other and against the ledger's epochs, the acknowledged ids against the final primary, every
// server's GTIDs against the primary's, and every recovery in the ledger for being finished.
import { seededRng } from "../../../src/lib/rng.ts";
import {
  type AckedWrite,
  type ChaosProblem,
  checkOldPrimaries,
  findLostWrites,
  type FinalHostState,
  findUnfinishedRecoveries,
} from "./checkers/final-state.ts";
import {
  type EpochSpan,
  type EpochViolation,
  findSplitBrain,
  resumeWindows,
  withoutResumeInstants,
  type Sample,
  findWritesOutsideEpoch,
  primariesSeen,
  type SplitBrainInstant,
} from "./checkers/split-brain.ts";
import { fencedWithErrantRows, readWrittenIds, type Settled, waitSettled } from "./final-read.ts";
import type { Lab } from "./lab.ts";
import {
  type LabAgents,
  type LedgerRecovery,
  readClusterLedger,
  readClusterRecoveries,
} from "./lab-agents.ts";
import { LEDGER_POLL_MS, LedgerWatcher } from "./ledger-watch.ts";
import { Nemesis } from "./nemesis.ts";
import { DEFAULT_SCHEDULE, generateSchedule, type ScheduleOptions } from "./schedule.ts";
import { runSchedule, type TimelineEntry } from "./schedule-runner.ts";
import { SAMPLER_TIMEOUT_MS, Sampler } from "./sampler.ts";
import { Writer } from "./writer.ts";

export interface ChaosRunBase {
  lab: Lab;
  agents: LabAgents;
  /** Writes keep going this long after the heal, so recovery shows in the acked log. */
  afterHealMs?: number;
  settleTimeoutMs?: number;
  /** The client's bound on one insert (default: the writer's). */
  writeTimeoutMs?: number;
  onEntry?: (e: TimelineEntry) => void;
}

export interface ChaosRunOptions extends ChaosRunBase {
  seed: number;
  totalMs: number;
  schedule?: Partial<Omit<ScheduleOptions, "totalMs">>;
}

export interface ChaosReport {
  seed: number | null;
  timeline: TimelineEntry[];
  faultsInjected: number;
  splitBrain: SplitBrainInstant[];
  epochViolations: EpochViolation[];
  acked: AckedWrite[];
  attemptedWrites: number;
  lostWrites: ChaosProblem[];
  finalPrimary: string | null;
  /** Every host as the operator read it once settled. */
  finals: FinalHostState[];
  /** Old primaries keel left fenced over rows the final primary lacks (never acknowledged ones). */
  fencedWithErrant: Record<string, number[]>;
  /** The ledger's epochs as watched during the run, on the run's clock. */
  epochs: EpochSpan[];
  /** Every recovery in the ledger at the end. */
  recoveries: LedgerRecovery[];
  /** Convergence, old primaries, unfinished recoveries, ledger disagreement, lost writes. */
  problems: ChaosProblem[];
  samples: number;
  /** The client's sampling rounds themselves, for a scenario's own checks. */
  sampled: readonly Sample[];
  durationMs: number;
}

/** What a script may use while the writer, the sampler and the ledger watcher run. */
export interface ScriptContext {
  lab: Lab;
  nemesis: Nemesis;
  sampler: Sampler;
  writer: Writer;
  ledger: LedgerWatcher;
  startMs: number;
  nowMs(): number;
  /** Records a fault in the run's timeline (a scenario's own steps). */
  record(e: Omit<TimelineEntry, "atMs">): void;
}

export type ChaosScript = (ctx: ScriptContext) => Promise<TimelineEntry[] | undefined>;

/** Sampling and ledger polling each lag reality by up to a poll plus a timeout. */
export const EPOCH_TOLERANCE_MS = 2 * (LEDGER_POLL_MS + SAMPLER_TIMEOUT_MS);
const RECOVERY_POLL_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nowMs = () => performance.now();

/** A seeded schedule: the same seed draws the same faults (targets resolve at fire time). */
export function runChaos(o: ChaosRunOptions): Promise<ChaosReport> {
  const schedule = generateSchedule(seededRng(o.seed), {
    ...DEFAULT_SCHEDULE,
    ...o.schedule,
    totalMs: o.totalMs,
  });
  return runScripted(o, o.seed, (ctx) =>
    runSchedule({
      schedule,
      hosts: ctx.lab.hosts.map((h) => h.name),
      nemesis: ctx.nemesis,
      clock: { nowMs, sleepMs: sleep },
      primaryOf: () => ctx.sampler.currentPrimary() ?? ctx.ledger.latestPrimary(),
      onEntry: o.onEntry,
    }),
  );
}

export async function runScripted(
  o: ChaosRunBase,
  seed: number | null,
  script: ChaosScript,
): Promise<ChaosReport> {
  const startMs = nowMs();
  const { lab } = o;
  const targets = lab.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port }));
  const nemesis = new Nemesis(lab, { startAgent: (h) => o.agents.start(h) });
  const sampler = new Sampler(targets);
  const writer = new Writer(targets, { writeTimeoutMs: o.writeTimeoutMs });
  const ledger = new LedgerWatcher(lab, nowMs);
  const timeline: TimelineEntry[] = [];
  const ctx: ScriptContext = {
    lab,
    nemesis,
    sampler,
    writer,
    ledger,
    startMs,
    nowMs,
    record(e) {
      const entry = { ...e, atMs: nowMs() };
      timeline.push(entry);
      o.onEntry?.(entry);
    },
  };
  sampler.start();
  writer.start();
  ledger.start();
  try {
    try {
      timeline.push(...((await script(ctx)) ?? []));
    } finally {
      await nemesis.healAll();
    }
    await sleep(o.afterHealMs ?? 3_000);
    await writer.stop();
    const oldPrimaries = () => [lab.initialPrimary, ...ledger.spans().map((e) => e.primary)];
    let errantRows = new Map<string, number[]>();
    const settled = await waitSettled(
      lab,
      o.settleTimeoutMs ?? 30_000,
      undefined,
      async (finals, primary) => {
        errantRows = await fencedWithErrantRows(lab, oldPrimaries(), finals, primary);
        return [...errantRows.keys()];
      },
    );
    await sampler.stop();
    await ledger.stop();
    return await judge(o, seed, ctx, timeline, settled, errantRows);
  } finally {
    await writer.stop();
    await sampler.stop();
    await ledger.stop();
  }
}

/** The ledger's recoveries once none is still running (or the bound passed). */
async function settledRecoveries(lab: Lab, timeoutMs: number): Promise<LedgerRecovery[]> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const recoveries = await readClusterRecoveries(lab);
    const running = recoveries.some((r) => r.state !== "finished" && r.state !== "failed");
    if (!running || nowMs() > deadline) return recoveries;
    await sleep(RECOVERY_POLL_MS);
  }
}

async function judge(
  o: ChaosRunBase,
  seed: number | null,
  ctx: ScriptContext,
  timeline: TimelineEntry[],
  settled: Settled,
  errantRows: Map<string, number[]>,
): Promise<ChaosReport> {
  const { lab, sampler, writer, ledger } = ctx;
  const recoveries = await settledRecoveries(lab, o.settleTimeoutMs ?? 30_000);
  const judged = withoutResumeInstants(
    sampler.samples,
    resumeWindows(timeline, SAMPLER_TIMEOUT_MS, RESUME_FENCE_GRACE_MS),
  );
  const finalLedger = await readClusterLedger(lab);
  const epochs = ledger.spans();
  const primary = settled.primary;
  const lostWrites = primary
    ? findLostWrites(writer.acked, await readWrittenIds(lab.host(primary.host)))
    : [];
  const oldPrimaries = [
    ...new Set([lab.initialPrimary, ...primariesSeen(sampler.samples), ...epochs.map((e) => e.primary)]),
  ];
  const ledgerPrimary = finalLedger?.primary ?? null;
  const disagreement: ChaosProblem[] =
    primary && ledgerPrimary !== primary.host
      ? [{ code: "chaos.ledger-disagrees", ledgerPrimary, primary: primary.host }]
      : [];
  const problems = [
    ...settled.problems,
    ...(primary ? checkOldPrimaries(oldPrimaries, settled.finals, primary) : []),
    ...disagreement,
    ...lostWrites,
    ...findUnfinishedRecoveries(recoveries),
  ];
  return {
    seed,
    timeline,
    faultsInjected: timeline.filter((e) => e.phase === "start" && e.error === null).length,
    splitBrain: findSplitBrain(judged),
    epochViolations: findWritesOutsideEpoch(judged, epochs, EPOCH_TOLERANCE_MS),
    acked: writer.acked,
    attemptedWrites: writer.acked.length + writer.failed.length,
    lostWrites,
    finalPrimary: primary?.host ?? null,
    finals: settled.finals,
    fencedWithErrant: Object.fromEntries(errantRows),
    epochs,
    recoveries,
    problems,
    samples: sampler.samples.length,
    sampled: sampler.samples,
    durationMs: nowMs() - ctx.startMs,
  };
}

/** How long after SIGCONT the old primary's agent gets to fence it (a probe interval and a fence). */
export const RESUME_FENCE_GRACE_MS = 1_000;
