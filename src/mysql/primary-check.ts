// A replica's own check of its primary: a real MySQL handshake and SELECT 1 within a short bound.
// Failure detection counts these answers from several replicas, so the check must fail fast and
// for the right reason: refused in milliseconds, a hung (SIGSTOPped) server within the timeout.
import type { Connection } from "mysql2/promise";
import { PRIMARY_CHECK_TIMEOUT_MS } from "../lib/limits.ts";
import { destroyQuietly, openConnection, type ProbeTarget, raceDeadline } from "./connect.ts";
import { classifyDriverError, PROBE_DEADLINE_CODE } from "./driver-error.ts";

export interface ReachabilityResult {
  ok: boolean;
  /** null when ok; else the driver's code (ECONNREFUSED, ETIMEDOUT, ER_ACCESS_DENIED_ERROR…) or PROBE_DEADLINE. */
  errorCode: string | null;
  latencyMs: number;
}

const monoMs = (): number => performance.now();

function tcpTarget(host: string, port: number, user: string, password: string): ProbeTarget {
  return { address: { kind: "tcp", host, port }, user, password };
}

/** One check on a fresh connection, closed afterwards. */
export async function checkReachable(
  host: string,
  port: number,
  user: string,
  password: string,
  timeoutMs: number = PRIMARY_CHECK_TIMEOUT_MS,
): Promise<ReachabilityResult> {
  const checker = new PrimaryChecker(tcpTarget(host, port, user, password), { timeoutMs });
  try {
    return await checker.check();
  } finally {
    checker.close();
  }
}

export interface PrimaryCheckerOptions {
  timeoutMs?: number;
}

/**
 * Keeps one connection to the primary so a check every 250–500 ms costs one round trip; any
 * failure drops it and the next check reconnects. A kept connection can be stale (the primary
 * restarted since): a reset on it earns one fresh attempt within the same bound.
 */
export class PrimaryChecker {
  private conn: Connection | null = null;
  /** Bumped on close, so a connect that completes after its deadline is thrown away. */
  private generation = 0;
  private inFlight: Promise<ReachabilityResult> | null = null;
  private readonly timeoutMs: number;

  constructor(
    private readonly target: ProbeTarget,
    o: PrimaryCheckerOptions = {},
  ) {
    this.timeoutMs = o.timeoutMs ?? PRIMARY_CHECK_TIMEOUT_MS;
  }

  /** Concurrent callers share the check already running. */
  check(): Promise<ReachabilityResult> {
    if (!this.inFlight) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  close(): void {
    this.generation++;
    const c = this.conn;
    this.conn = null;
    destroyQuietly(c);
  }

  private async run(): Promise<ReachabilityResult> {
    const startMs = monoMs();
    const deadlineAtMs = startMs + this.timeoutMs;
    const reused = this.conn !== null;
    let errorCode = await this.attempt(deadlineAtMs);
    if (errorCode !== null && reused && isReset(errorCode) && monoMs() < deadlineAtMs) {
      errorCode = await this.attempt(deadlineAtMs);
    }
    return { ok: errorCode === null, errorCode, latencyMs: monoMs() - startMs };
  }

  /** null on success, else the failure's code; the connection is dropped on any failure. */
  private async attempt(deadlineAtMs: number): Promise<string | null> {
    const remainingMs = Math.max(1, deadlineAtMs - monoMs());
    try {
      const raced = await raceDeadline(this.selectOne(this.generation, remainingMs), remainingMs);
      if (raced.done) return null;
      this.close();
      return PROBE_DEADLINE_CODE;
    } catch (e) {
      this.close();
      return classifyDriverError(e, this.target.password).errorCode;
    }
  }

  private async selectOne(gen: number, remainingMs: number): Promise<void> {
    let conn = this.conn;
    if (!conn) {
      const opened = await openConnection(this.target, {
        connectTimeoutMs: remainingMs,
        onFatal: () => {
          if (this.conn === opened) this.close();
        },
      });
      if (gen !== this.generation) {
        destroyQuietly(opened);
        throw Object.assign(new Error("check abandoned"), { code: PROBE_DEADLINE_CODE });
      }
      conn = opened;
      this.conn = opened;
    }
    await conn.query({ sql: "SELECT 1", timeout: Math.max(1, remainingMs) });
  }
}

function isReset(errorCode: string): boolean {
  return [
    "ECONNRESET",
    "EPIPE",
    "PROTOCOL_CONNECTION_LOST",
    "ER_SERVER_SHUTDOWN",
    "ER_CONNECTION_KILLED",
  ].includes(errorCode);
}
