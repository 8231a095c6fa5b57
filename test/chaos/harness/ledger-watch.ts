// Watches the agents' ledger from the root namespace during a run: every poll asks every agent's
// /api/state and records the newest (epoch, primary) any of them reports, on the same monotonic
// clock as the sampler, so the split-brain samples can be judged against the ledger's epochs.
import { type EpochSpan, epochSpansOf, type LedgerObservation } from "./checkers/split-brain.ts";
import type { Lab } from "./lab.ts";
import { type AgentLedgerReading, readAgentLedger } from "./lab-agents.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const LEDGER_POLL_MS = 200;

export class LedgerWatcher {
  readonly observations: LedgerObservation[] = [];
  /** Highest raft term any agent reported: elections during the run. */
  maxTerm = 0;
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly lab: Lab,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.loop = null;
  }

  spans(): EpochSpan[] {
    return epochSpansOf(this.observations);
  }

  /** The newest epoch seen so far (0 before the agents named a primary). */
  latestEpoch(): number {
    return this.observations.reduce((m, o) => Math.max(m, o.epoch), 0);
  }

  /** The newest primary seen so far. */
  latestPrimary(): string | null {
    return this.spans().at(-1)?.primary ?? null;
  }

  async pollOnce(): Promise<AgentLedgerReading[]> {
    const atMs = this.nowMs();
    const readings = (await Promise.all(this.lab.hosts.map((h) => readAgentLedger(h)))).filter(
      (r) => r !== null,
    );
    for (const r of readings) {
      this.maxTerm = Math.max(this.maxTerm, r.term);
      this.observations.push({ atMs, epoch: r.epoch, primary: r.primary });
    }
    return readings;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const startedMs = this.nowMs();
      await this.pollOnce();
      const restMs = LEDGER_POLL_MS - (this.nowMs() - startedMs);
      if (restMs > 0) await sleep(restMs);
    }
  }
}
