// The client's eye: every ~100 ms, asks each host over TCP from the root namespace whether it
// answers and whether it is read-only. Its rounds are what the split-brain checker judges.
import type { Sample, HostSample } from "./checkers/split-brain.ts";
import { soleWritable } from "./checkers/split-brain.ts";
import { LAB_APP, openTcpSession, type SqlSession } from "./lab-sql.ts";

export interface ClientTarget {
  name: string;
  address: string;
  port: number;
}

export interface SamplerOptions {
  intervalMs?: number;
  /** Connect and query bound: a host slower than this counts as unreachable for the round. */
  timeoutMs?: number;
  /** Monotonic clock shared with the writer and the schedule runner. */
  nowMs?: () => number;
}

/** Connect and query bound of one probe, unless given. */
export const SAMPLER_TIMEOUT_MS = 300;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Sampler {
  readonly samples: Sample[] = [];
  private readonly sessions = new Map<string, SqlSession>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly nowMs: () => number;

  constructor(
    private readonly targets: readonly ClientTarget[],
    o: SamplerOptions = {},
  ) {
    this.intervalMs = o.intervalMs ?? 100;
    this.timeoutMs = o.timeoutMs ?? SAMPLER_TIMEOUT_MS;
    this.nowMs = o.nowMs ?? (() => performance.now());
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.loop = null;
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  latest(): Sample | null {
    return this.samples.at(-1) ?? null;
  }

  /** The sole writable host of the latest round; null when none or several. */
  currentPrimary(): string | null {
    const s = this.latest();
    return s ? soleWritable(s) : null;
  }

  /** One round now, outside the loop (tests use it to look at a single instant). */
  async sampleOnce(): Promise<Sample> {
    const atMs = this.nowMs();
    const hosts = await Promise.all(this.targets.map((t) => this.probe(t)));
    return { atMs, hosts };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const startedMs = this.nowMs();
      this.samples.push(await this.sampleOnce());
      const restMs = this.intervalMs - (this.nowMs() - startedMs);
      if (restMs > 0) await sleep(restMs);
    }
  }

  private async probe(t: ClientTarget): Promise<HostSample> {
    let s = this.sessions.get(t.name);
    try {
      if (!s) {
        s = await openTcpSession(t.address, t.port, LAB_APP, this.timeoutMs);
        this.sessions.set(t.name, s);
      }
      const row = (await s.query("SELECT @@global.read_only AS ro"))[0];
      return { host: t.name, reachable: true, readOnly: Number(row?.ro) === 1 };
    } catch {
      s?.close();
      this.sessions.delete(t.name);
      return { host: t.name, reachable: false, readOnly: null };
    }
  }
}
