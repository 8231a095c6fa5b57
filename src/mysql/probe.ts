// Reads one server into an InstanceState. The agent probes every ~500 ms, so a probe reuses its
// connection and sends every statement in one round trip; whatever happens (refused, hung,
// killed mid-query) it answers within PROBE_DEADLINE_MS, and the next probe reconnects.
import type { Connection } from "mysql2/promise";
import { MYSQL_CONNECT_TIMEOUT_MS, MYSQL_QUERY_TIMEOUT_MS, PROBE_DEADLINE_MS } from "../lib/limits.ts";
import type { InstanceState, UnreachableInstance } from "../model/instance-state.ts";
import { destroyQuietly, keyOfAddress, openConnection, type ProbeTarget, raceDeadline } from "./connect.ts";
import { classifyDriverError, PROBE_DEADLINE_CODE, type ProbeFailure } from "./driver-error.ts";
import { type ProbeStatements, parseServerVersion, probeStatements } from "./flavor.ts";
import { assembleInstance, describeReadError, type ProbeReadings } from "./instance-assembly.ts";
import type { StatusRow } from "./replica-status.ts";

export interface ProbeClock {
  /** Wall clock, for probedAtWallMs. */
  wallMs(): number;
  /** Monotonic clock, for latency and deadlines. */
  monoMs(): number;
}

export const systemClock: ProbeClock = { wallMs: () => Date.now(), monoMs: () => performance.now() };

export interface ProbeOptions {
  clock?: ProbeClock;
  deadlineMs?: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

interface Session {
  conn: Connection;
  statements: ProbeStatements;
  /** All statements joined into one batch. */
  batchSql: string;
}

type Attempt = { ok: true; readings: ProbeReadings } | { ok: false; failure: ProbeFailure; reused: boolean };

const VERSION_SQL = "SELECT @@version AS version, @@version_comment AS version_comment";

/** A long-lived prober for one server: keeps one connection, reconnects after any failure. */
export class InstanceProber {
  private session: Session | null = null;
  /** Bumped whenever a session is abandoned, so a connect that finishes late is thrown away. */
  private generation = 0;
  private inFlight: Promise<InstanceState> | null = null;
  private readonly clock: ProbeClock;
  private readonly deadlineMs: number;
  private readonly connectTimeoutMs: number;
  private readonly queryTimeoutMs: number;

  constructor(
    private readonly target: ProbeTarget,
    o: ProbeOptions = {},
  ) {
    this.clock = o.clock ?? systemClock;
    this.deadlineMs = o.deadlineMs ?? PROBE_DEADLINE_MS;
    this.connectTimeoutMs = o.connectTimeoutMs ?? MYSQL_CONNECT_TIMEOUT_MS;
    this.queryTimeoutMs = o.queryTimeoutMs ?? MYSQL_QUERY_TIMEOUT_MS;
  }

  /** One probe; concurrent callers share the probe already running. */
  probe(): Promise<InstanceState> {
    if (!this.inFlight) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** Drops the connection; a later probe() opens a new one. */
  async close(): Promise<void> {
    this.abandon();
  }

  private abandon(): void {
    this.generation++;
    const s = this.session;
    this.session = null;
    destroyQuietly(s?.conn);
  }

  private async run(): Promise<InstanceState> {
    const startMs = this.clock.monoMs();
    const wallMs = this.clock.wallMs();
    const deadlineAtMs = startMs + this.deadlineMs;
    let attempt = await this.attemptWithin(deadlineAtMs);
    // A reused connection can be stale (server restarted since the last probe): one fresh try.
    if (
      !attempt.ok &&
      attempt.reused &&
      attempt.failure.reason === "reset" &&
      this.clock.monoMs() < deadlineAtMs
    ) {
      attempt = await this.attemptWithin(deadlineAtMs);
    }
    const meta = {
      key: keyOfAddress(this.target.address),
      probedAtWallMs: wallMs,
      probeLatencyMs: this.clock.monoMs() - startMs,
    };
    if (!attempt.ok) return unreachable(meta, attempt.failure);
    const assembled = assembleInstance(attempt.readings, meta);
    if (assembled.ok) return assembled.value;
    return unreachable(meta, {
      reason: "error",
      errorCode: assembled.error.code,
      message: describeReadError(assembled.error),
    });
  }

  private async attemptWithin(deadlineAtMs: number): Promise<Attempt> {
    const reused = this.session !== null;
    const gen = this.generation;
    const remainingMs = deadlineAtMs - this.clock.monoMs();
    try {
      const raced = await raceDeadline(this.read(gen, remainingMs), remainingMs);
      if (raced.done) return { ok: true, readings: raced.value };
      this.abandon();
      const message = `no answer within ${this.deadlineMs} ms`;
      return { ok: false, reused, failure: { reason: "timeout", errorCode: PROBE_DEADLINE_CODE, message } };
    } catch (e) {
      this.abandon();
      return { ok: false, reused, failure: classifyDriverError(e, this.target.password) };
    }
  }

  private async read(gen: number, remainingMs: number): Promise<ProbeReadings> {
    const session = this.session ?? (await this.connect(gen, remainingMs));
    const timeout = Math.max(1, Math.min(this.queryTimeoutMs, remainingMs));
    const [results] = await session.conn.query({ sql: session.batchSql, timeout });
    return readingsFrom(results as unknown as StatusRow[][]);
  }

  private async connect(gen: number, remainingMs: number): Promise<Session> {
    const conn = await openConnection(this.target, {
      connectTimeoutMs: Math.max(1, Math.min(this.connectTimeoutMs, remainingMs)),
      onFatal: () => {
        if (this.session?.conn === conn) this.abandon();
      },
    });
    if (gen !== this.generation) {
      destroyQuietly(conn);
      throw Object.assign(new Error("probe abandoned"), { code: PROBE_DEADLINE_CODE });
    }
    const [rows] = await conn.query({ sql: VERSION_SQL, timeout: this.queryTimeoutMs });
    const row = (rows as unknown as StatusRow[])[0] ?? {};
    const version = parseServerVersion(String(row.version ?? ""), String(row.version_comment ?? ""));
    if (!version.ok) {
      destroyQuietly(conn);
      throw Object.assign(new Error(describeReadError(version.error)), { code: version.error.code });
    }
    const statements = probeStatements(version.value);
    const batchSql = [
      statements.variables,
      statements.replicaStatus,
      statements.binlogStatus,
      statements.semiSyncVariables,
      statements.semiSyncStatus,
    ].join(";\n");
    const session: Session = { conn, statements, batchSql };
    if (gen !== this.generation) {
      destroyQuietly(conn);
      throw Object.assign(new Error("probe abandoned"), { code: PROBE_DEADLINE_CODE });
    }
    this.session = session;
    return session;
  }
}

function readingsFrom(results: StatusRow[][]): ProbeReadings {
  const set = (i: number): StatusRow[] => (Array.isArray(results[i]) ? (results[i] as StatusRow[]) : []);
  return {
    variables: set(0)[0] ?? {},
    replicaStatus: set(1),
    binlogStatus: set(2),
    semiSyncVariables: set(3),
    semiSyncStatus: set(4),
  };
}

function unreachable(
  meta: Pick<UnreachableInstance, "key" | "probedAtWallMs" | "probeLatencyMs">,
  f: ProbeFailure,
): UnreachableInstance {
  return { reachable: false, ...meta, reason: f.reason, errorCode: f.errorCode, message: f.message };
}

/** Connects, probes once, disconnects: for the CLI and for tests. */
export async function probeOnce(target: ProbeTarget, o: ProbeOptions = {}): Promise<InstanceState> {
  const prober = new InstanceProber(target, o);
  try {
    return await prober.probe();
  } finally {
    await prober.close();
  }
}
