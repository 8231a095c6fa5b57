// The application: inserts sequential ids into chaos.writes on whichever host is the primary —
// the only writable one among the hosts it reaches, found again after any error — and logs every
// acknowledged id (the server's OK came back) with its time and host. A failed insert is
// "unknown", not lost: it may have committed, and the checker only holds keel to acked ids.
import type { AckedWrite } from "./checkers/final-state.ts";
import { CHAOS_TABLE, LAB_APP, openTcpSession, type SqlSession } from "./lab-sql.ts";
import type { ClientTarget } from "./sampler.ts";

export interface WriterOptions {
  /** Pause between inserts. */
  intervalMs?: number;
  /** Bound on one insert (a semi-sync primary without replicas blocks until its own timeout). */
  writeTimeoutMs?: number;
  /** Bound on each host's read_only check while looking for the primary. */
  discoverTimeoutMs?: number;
  nowMs?: () => number;
}

export interface FailedWrite {
  id: number;
  atMs: number;
  host: string;
  error: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorCodeOf(e: unknown): string {
  const x = e as { code?: unknown; message?: unknown };
  return typeof x?.code === "string" ? x.code : String(x?.message ?? e);
}

export class Writer {
  readonly acked: AckedWrite[] = [];
  readonly failed: FailedWrite[] = [];
  /** Discovery rounds that found more than one writable host (the client could not choose). */
  ambiguousRounds = 0;
  private nextId = 1;
  private primary: { target: ClientTarget; session: SqlSession } | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private readonly o: Required<WriterOptions>;

  constructor(
    private readonly targets: readonly ClientTarget[],
    o: WriterOptions = {},
  ) {
    this.o = {
      intervalMs: o.intervalMs ?? 50,
      writeTimeoutMs: o.writeTimeoutMs ?? 2_000,
      discoverTimeoutMs: o.discoverTimeoutMs ?? 500,
      nowMs: o.nowMs ?? (() => performance.now()),
    };
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
    this.primary?.session.close();
    this.primary = null;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.primary) this.primary = await this.discover();
      if (this.primary) await this.writeOne(this.primary);
      await sleep(this.o.intervalMs);
    }
  }

  private async writeOne(p: { target: ClientTarget; session: SqlSession }): Promise<void> {
    const id = this.nextId++;
    const host = p.target.name;
    try {
      await p.session.query(`INSERT INTO ${CHAOS_TABLE} (id, host, at_ms) VALUES (?, ?, ?)`, [
        id,
        host,
        Math.round(this.o.nowMs()),
      ]);
      this.acked.push({ id, atMs: this.o.nowMs(), host });
    } catch (e) {
      this.failed.push({ id, atMs: this.o.nowMs(), host, error: errorCodeOf(e) });
      p.session.close();
      this.primary = null;
    }
  }

  private async discover(): Promise<{ target: ClientTarget; session: SqlSession } | null> {
    const found = await Promise.all(
      this.targets.map(async (target) => {
        try {
          const session = await openTcpSession(
            target.address,
            target.port,
            LAB_APP,
            this.o.discoverTimeoutMs,
          );
          const ro = Number((await session.query("SELECT @@global.read_only AS ro"))[0]?.ro);
          if (ro === 0) return { target, session };
          session.close();
        } catch {
          // Unreachable or hung: not a candidate this round.
        }
        return null;
      }),
    );
    const writable = found.filter((f) => f !== null);
    if (writable.length === 1) {
      const chosen = writable[0]!;
      // The discovery session carried the short timeout; writes get their own bound.
      chosen.session.close();
      try {
        const session = await openTcpSession(
          chosen.target.address,
          chosen.target.port,
          LAB_APP,
          this.o.writeTimeoutMs,
        );
        return { target: chosen.target, session };
      } catch {
        return null;
      }
    }
    if (writable.length > 1) this.ambiguousRounds += 1;
    for (const w of writable) w.session.close();
    return null;
  }
}
