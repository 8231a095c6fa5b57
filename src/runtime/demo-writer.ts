// The demo's application: one insert about every 100 ms into keel_demo.writes on whichever server
// is writable, so the event log and the GTIDs move while the user watches a failover. It writes
// as an unprivileged user, so read_only fences it exactly as it would fence a real application,
// and it remembers every acknowledged id to count what a failover lost.
import type { Connection } from "mysql2/promise";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DEMO_WRITER_ACKED_IDS_MAX,
  DEMO_WRITER_INTERVAL_MS,
  DEMO_WRITER_QUERY_TIMEOUT_MS,
  DEMO_WRITER_RETRY_MS,
  DEMO_WRITER_START_TIMEOUT_MS,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { destroyQuietly, openConnection, type ProbeTarget } from "../mysql/connect.ts";
import { withAdmin } from "../sandbox/admin-sql.ts";
import type { SandboxError } from "../sandbox/sandbox-types.ts";

export const DEMO_SCHEMA = "keel_demo";
export const DEMO_TABLE = `${DEMO_SCHEMA}.writes`;
/** The application user: INSERT and SELECT on the demo schema only, so read_only applies to it. */
export const DEMO_APP_USER = { user: "demo", password: "demo" } as const;

const APP_CONNECT_TIMEOUT_MS = 1_000;

function appTarget(port: number): ProbeTarget {
  return { address: { kind: "tcp", host: "127.0.0.1", port }, ...DEMO_APP_USER };
}

/** The table and the application user, created on the primary (both replicate to the others). */
export function prepareDemoSchema(primaryPort: number): Promise<Result<void, SandboxError>> {
  return withAdmin(primaryPort, "create the demo table and user", async (s) => {
    await s.query(`CREATE DATABASE IF NOT EXISTS ${DEMO_SCHEMA}`);
    await s.query(
      `CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} (id BIGINT PRIMARY KEY, at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB`,
    );
    await s.query(
      `CREATE USER IF NOT EXISTS '${DEMO_APP_USER.user}'@'127.0.0.1' IDENTIFIED BY '${DEMO_APP_USER.password}'`,
    );
    await s.query(`GRANT SELECT, INSERT ON ${DEMO_SCHEMA}.* TO '${DEMO_APP_USER.user}'@'127.0.0.1'`);
  });
}

/** What the writer has done so far, for the headless report and the tests. */
export interface WriterStats {
  acked: number;
  failed: number;
  /** The server it writes to now; null while it looks for a writable one. */
  port: number | null;
  lastError: string | null;
}

export interface DemoWriterOptions {
  ports: readonly number[];
  intervalMs?: number;
  /** Monotonic ms; acknowledgement times are kept to measure the write gap of a failover. */
  monoMs: () => number;
}

export class DemoWriter {
  private readonly ackedIds: number[] = [];
  private readonly ackedAtMs: number[] = [];
  private nextId = 1;
  private failed = 0;
  private port: number | null = null;
  private lastError: string | null = null;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  private conn: Connection | null = null;

  constructor(private readonly o: DemoWriterOptions) {}

  start(): void {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    destroyQuietly(this.conn);
    await this.done;
  }

  /** Resolves once `count` inserts are acknowledged, or with what went wrong within the bound. */
  async waitAcked(
    count: number,
    timeoutMs = DEMO_WRITER_START_TIMEOUT_MS,
  ): Promise<Result<void, DemoWriterError>> {
    const deadline = this.o.monoMs() + timeoutMs;
    while (this.ackedIds.length < count) {
      if (this.o.monoMs() > deadline)
        return err({
          code: "demo.writer-stuck",
          acked: this.ackedIds.length,
          wanted: count,
          waitedMs: timeoutMs,
          port: this.port,
          lastError: this.lastError,
        });
      await sleep(DEMO_WRITER_RETRY_MS);
    }
    return ok(undefined);
  }

  stats(): WriterStats {
    return { acked: this.ackedIds.length, failed: this.failed, port: this.port, lastError: this.lastError };
  }

  /** Ids acknowledged at or before `atMs` (all when omitted). */
  ackedBefore(atMs = Number.POSITIVE_INFINITY): number[] {
    const n = this.ackedAtMs.findIndex((t) => t > atMs);
    return this.ackedIds.slice(0, n < 0 ? this.ackedIds.length : n);
  }

  /** Monotonic ms of the first acknowledgement after `atMs`, or null. */
  firstAckAfter(atMs: number): number | null {
    return this.ackedAtMs.find((t) => t > atMs) ?? null;
  }

  lastAckBefore(atMs: number): number | null {
    return this.ackedAtMs.findLast((t) => t <= atMs) ?? null;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const found = await findWritablePort(this.o.ports);
      if (found === null) {
        this.port = null;
        await sleep(DEMO_WRITER_RETRY_MS);
        continue;
      }
      this.port = found;
      await this.writeUntilFailure(found);
      if (!this.stopped) await sleep(DEMO_WRITER_RETRY_MS);
    }
  }

  private async writeUntilFailure(port: number): Promise<void> {
    try {
      this.conn = await openConnection(appTarget(port), { connectTimeoutMs: APP_CONNECT_TIMEOUT_MS });
      while (!this.stopped) {
        const id = this.nextId;
        // A failed id may or may not have committed: it is never reused.
        this.nextId += 1;
        const sql = `INSERT INTO ${DEMO_TABLE} (id) VALUES (?)`;
        await this.conn.query({ sql, values: [id], timeout: DEMO_WRITER_QUERY_TIMEOUT_MS });
        if (this.ackedIds.length < DEMO_WRITER_ACKED_IDS_MAX) {
          this.ackedIds.push(id);
          this.ackedAtMs.push(this.o.monoMs());
        }
        await sleep(this.o.intervalMs ?? DEMO_WRITER_INTERVAL_MS);
      }
    } catch (e) {
      if (!this.stopped) {
        this.failed += 1;
        this.lastError = String((e as { code?: unknown }).code ?? (e as Error).message ?? e);
      }
    } finally {
      destroyQuietly(this.conn);
      this.conn = null;
    }
  }
}

async function readOnlyOf(port: number): Promise<boolean | null> {
  let conn: Connection | null = null;
  try {
    conn = await openConnection(appTarget(port), { connectTimeoutMs: APP_CONNECT_TIMEOUT_MS });
    const [rows] = await conn.query({ sql: "SELECT @@read_only AS ro", timeout: APP_CONNECT_TIMEOUT_MS });
    return Number((rows as { ro: unknown }[])[0]?.ro) === 1;
  } catch {
    return null;
  } finally {
    destroyQuietly(conn);
  }
}

/** The first of `ports` whose server answers and is writable; null when none is. */
export async function findWritablePort(ports: readonly number[]): Promise<number | null> {
  for (const port of ports) if ((await readOnlyOf(port)) === false) return port;
  return null;
}

export type DemoWriterError = {
  code: "demo.writer-stuck";
  acked: number;
  wanted: number;
  waitedMs: number;
  port: number | null;
  lastError: string | null;
};

export type DemoCountError = { code: "demo.count-failed"; port: number; detail: string };

/** Of `acked`, the ids the server on `port` does not hold: acknowledged writes the failover lost. */
export async function missingIds(
  port: number,
  acked: readonly number[],
): Promise<Result<number[], DemoCountError>> {
  if (acked.length === 0) return ok([]);
  let conn: Connection | null = null;
  try {
    conn = await openConnection(appTarget(port), { connectTimeoutMs: APP_CONNECT_TIMEOUT_MS });
    const sql = `SELECT id FROM ${DEMO_TABLE} WHERE id <= ?`;
    const [rows] = await conn.query({
      sql,
      values: [acked[acked.length - 1]],
      timeout: DEMO_WRITER_QUERY_TIMEOUT_MS,
    });
    const have = new Set((rows as { id: unknown }[]).map((r) => Number(r.id)));
    return ok(acked.filter((id) => !have.has(id)));
  } catch (e) {
    return err({ code: "demo.count-failed", port, detail: String((e as Error).message ?? e) });
  } finally {
    destroyQuietly(conn);
  }
}
