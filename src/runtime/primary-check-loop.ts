// This agent's own check of its cluster's primary (the ledger's, at the address its agent
// advertises): a MySQL handshake and SELECT 1 on a kept connection every interval, never two at
// once. The result goes into the gossiped record; a flip of `ok` is news at once, so the leader's
// detection counts the replicas' direct evidence without waiting for keepalives.
import type { AgentPrimaryCheck } from "../model/agent-record.ts";
import { PrimaryChecker } from "../mysql/primary-check.ts";
import type { RuntimeClock } from "./clock.ts";

export interface CheckTarget {
  /** "host:port" as the record shows it. */
  address: string;
  host: string;
  port: number;
}

export interface PrimaryCheckLoopOptions {
  intervalMs: number;
  clock: RuntimeClock;
  /** The primary to check now; null when there is none or this agent's server is it. */
  target(): CheckTarget | null;
  user: string;
  password: string;
  /** The check's result flipped or its target moved: the record is news. */
  onChange(): void;
}

export class PrimaryCheckLoop {
  private checker: PrimaryChecker | null = null;
  private checkerFor: string | null = null;
  private state: {
    target: string;
    ok: boolean;
    failingSinceMs: number | null;
    errorCode: string | null;
  } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: PrimaryCheckLoopOptions) {}

  start(): void {
    if (!this.stopped && this.timer === null && this.running === null) this.round();
  }

  /** What the record carries: null while there is nothing to check. */
  current(): AgentPrimaryCheck | null {
    const s = this.state;
    if (s === null) return null;
    const failingForMs =
      s.failingSinceMs === null ? 0 : Math.max(0, this.o.clock.monoMs() - s.failingSinceMs);
    return { target: s.target, ok: s.ok, failingForMs, errorCode: s.errorCode };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.checker?.close();
  }

  private checkerOf(t: CheckTarget): PrimaryChecker {
    if (this.checker === null || this.checkerFor !== t.address) {
      this.checker?.close();
      this.checker = new PrimaryChecker({
        address: { kind: "tcp", host: t.host, port: t.port },
        user: this.o.user,
        password: this.o.password,
      });
      this.checkerFor = t.address;
    }
    return this.checker;
  }

  private async once(): Promise<void> {
    const t = this.o.target();
    if (t === null) {
      if (this.state !== null) {
        this.state = null;
        this.checker?.close();
        this.checker = null;
        this.o.onChange();
      }
      return;
    }
    const r = await this.checkerOf(t).check();
    if (this.stopped) return;
    const prev = this.state;
    const nowMs = this.o.clock.monoMs();
    const moved = prev === null || prev.target !== t.address;
    const failingSinceMs = r.ok ? null : !moved && prev.failingSinceMs !== null ? prev.failingSinceMs : nowMs;
    this.state = { target: t.address, ok: r.ok, failingSinceMs, errorCode: r.errorCode };
    if (moved || prev.ok !== r.ok || prev.errorCode !== r.errorCode) this.o.onChange();
  }

  private round(): void {
    this.timer = null;
    const startedMs = this.o.clock.monoMs();
    this.running = this.once()
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        const waitMs = Math.max(0, startedMs + this.o.intervalMs - this.o.clock.monoMs());
        this.timer = setTimeout(() => this.round(), waitMs);
      });
  }
}
