// Probes the local server every intervalMs, never two at once: the next probe is scheduled when
// the previous one has answered (a hung server answers within PROBE_DEADLINE_MS as unreachable),
// at the interval after it started, or at once if it overran.
import type { InstanceState } from "../model/instance-state.ts";
import type { RuntimeClock } from "./clock.ts";

export interface ProbeLoopOptions {
  probe(): Promise<InstanceState>;
  intervalMs: number;
  clock: RuntimeClock;
  /** Called with every probe's result, in order; an exception here is reported, not fatal. */
  onResult(state: InstanceState): void;
  onError?(e: unknown): void;
}

export class ProbeLoop {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private count = 0;

  constructor(private readonly o: ProbeLoopOptions) {}

  start(): void {
    if (this.stopped || this.timer !== null || this.running !== null) return;
    this.runOnce();
  }

  /** Probes completed so far. */
  get probes(): number {
    return this.count;
  }

  /** Stops scheduling and waits for a probe in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private runOnce(): void {
    this.timer = null;
    const startedAtMs = this.o.clock.monoMs();
    this.running = this.o
      .probe()
      .then((state) => {
        this.count++;
        if (!this.stopped) this.o.onResult(state);
      })
      .catch((e: unknown) => this.o.onError?.(e))
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        const waitMs = Math.max(0, startedAtMs + this.o.intervalMs - this.o.clock.monoMs());
        this.timer = setTimeout(() => this.runOnce(), waitMs);
      });
  }
}
