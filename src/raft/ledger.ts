// The replicated cluster ledger: the state machine every voter applies committed entries to.
// It holds the current primary and its epoch (the fencing token), downtime windows, the pause
// flag, recovery records and switchover intents. Applying is deterministic: the same entries give
// the same state and the same rejections on every voter; wall time comes from the command (the
// leader's stamp), never from the applying node.
import { LEDGER_DOWNTIMES_MAX, LEDGER_FINISHED_RECOVERIES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { AnalysisCode } from "../model/analysis-code.ts";
import { decodeLedgerCommand, type LedgerCommand, type StepStatus } from "./ledger-commands.ts";
import type { Entry } from "./messages.ts";

export type RecoveryState = "detected" | "planned" | "finished" | "failed";

export interface Recovery {
  id: string;
  analysis: AnalysisCode;
  failedInstance: string;
  detectedWallMs: number;
  state: RecoveryState;
  steps: { name: string; status: StepStatus | "pending"; detail: string }[];
  successor: string | null;
  finishedWallMs: number | null;
  detail: string;
  acknowledged: { by: string; comment: string; wallMs: number } | null;
}

export interface LedgerState {
  /** Last Raft index applied. */
  index: number;
  primary: string | null;
  /** Raised on every primary change; writes stamped with an older epoch are fenced off. */
  epoch: number;
  paused: { by: string; reason: string; sinceWallMs: number } | null;
  downtimes: Record<string, { untilWallMs: number; reason: string; owner: string }>;
  recoveries: Recovery[];
  switchover: { id: string; from: string; to: string; by: string; wallMs: number } | null;
}

export type LedgerRejection =
  | { code: "ledger.entry-malformed"; index: number; field: string }
  | { code: "ledger.stale-epoch"; index: number; expectedEpoch: number; epoch: number }
  | { code: "ledger.unknown-recovery"; index: number; id: string }
  | { code: "ledger.bad-transition"; index: number; id: string; state: RecoveryState; command: string }
  | { code: "ledger.recovery-in-progress"; index: number; id: string; activeId: string }
  | { code: "ledger.switchover-in-progress"; index: number; id: string }
  | { code: "ledger.limit-reached"; index: number; what: string };

export type LedgerOutcome = { applied: LedgerCommand["type"] | "no-op" };

export function emptyLedger(): LedgerState {
  return { index: 0, primary: null, epoch: 0, paused: null, downtimes: {}, recoveries: [], switchover: null };
}

const ACTIVE: readonly RecoveryState[] = ["detected", "planned"];

export class Ledger {
  constructor(private s: LedgerState = emptyLedger()) {}

  get state(): Readonly<LedgerState> {
    return this.s;
  }

  /** Applies one committed entry. A rejection is an outcome, not a failure: the entry is still
   *  consumed (index advances) identically everywhere. */
  apply(entry: Entry): Result<LedgerOutcome, LedgerRejection> {
    if (entry.index <= this.s.index) return ok({ applied: "no-op" }); // replayed after restart
    this.s.index = entry.index;
    if (entry.data.length === 0) return ok({ applied: "no-op" });
    const cmd = decodeLedgerCommand(entry.data);
    if (!cmd.ok) return err({ code: "ledger.entry-malformed", index: entry.index, field: cmd.error.field });
    const rejected = this.execute(cmd.value, entry.index);
    return rejected ? err(rejected) : ok({ applied: cmd.value.type });
  }

  private execute(c: LedgerCommand, index: number): LedgerRejection | null {
    const s = this.s;
    switch (c.type) {
      case "set-primary":
        if (c.expectedEpoch !== s.epoch)
          return { code: "ledger.stale-epoch", index, expectedEpoch: c.expectedEpoch, epoch: s.epoch };
        s.primary = c.primary;
        s.epoch += 1;
        return null;
      case "pause":
        s.paused = { by: c.by, reason: c.reason, sinceWallMs: c.wallMs };
        return null;
      case "resume":
        s.paused = null;
        return null;
      case "downtime-begin":
        if (!(c.instance in s.downtimes) && Object.keys(s.downtimes).length >= LEDGER_DOWNTIMES_MAX)
          return { code: "ledger.limit-reached", index, what: "downtimes" };
        s.downtimes[c.instance] = { untilWallMs: c.untilWallMs, reason: c.reason, owner: c.owner };
        return null;
      case "downtime-end":
        delete s.downtimes[c.instance];
        return null;
      case "switchover-intent":
        if (s.switchover !== null)
          return { code: "ledger.switchover-in-progress", index, id: s.switchover.id };
        s.switchover = { id: c.id, from: c.from, to: c.to, by: c.by, wallMs: c.wallMs };
        return null;
      case "switchover-clear":
        if (s.switchover?.id === c.id) s.switchover = null;
        return null;
      default:
        return this.executeRecovery(c, index);
    }
  }

  private executeRecovery(c: LedgerCommand, index: number): LedgerRejection | null {
    if (c.type === "recovery-detected") {
      const active = this.s.recoveries.find(
        (r) => ACTIVE.includes(r.state) && (r.failedInstance === c.failedInstance || r.id === c.id),
      );
      if (active) return { code: "ledger.recovery-in-progress", index, id: c.id, activeId: active.id };
      this.s.recoveries.push({
        id: c.id,
        analysis: c.analysis,
        failedInstance: c.failedInstance,
        detectedWallMs: c.wallMs,
        state: "detected",
        steps: [],
        successor: null,
        finishedWallMs: null,
        detail: "",
        acknowledged: null,
      });
      this.trimFinished();
      return null;
    }
    if (!("id" in c)) return null;
    const r = this.s.recoveries.findLast((x) => x.id === c.id);
    if (r === undefined) return { code: "ledger.unknown-recovery", index, id: c.id };
    const bad = { code: "ledger.bad-transition" as const, index, id: r.id, state: r.state, command: c.type };
    switch (c.type) {
      case "recovery-planned":
        if (r.state !== "detected") return bad;
        r.state = "planned";
        r.steps = c.steps.map((name) => ({ name, status: "pending", detail: "" }));
        r.successor = c.successor;
        return null;
      case "recovery-step": {
        const step = r.steps[c.step];
        if (r.state !== "planned" || step === undefined) return bad;
        step.status = c.status;
        step.detail = c.detail;
        return null;
      }
      case "recovery-finished":
        if (!ACTIVE.includes(r.state)) return bad;
        r.state = c.outcome;
        r.detail = c.detail;
        r.finishedWallMs = c.wallMs;
        return null;
      case "recovery-ack":
        if (ACTIVE.includes(r.state)) return bad;
        r.acknowledged = { by: c.by, comment: c.comment, wallMs: c.wallMs };
        return null;
      default:
        return null;
    }
  }

  private trimFinished(): void {
    const finished = this.s.recoveries.filter((r) => !ACTIVE.includes(r.state));
    const excess = finished.length - LEDGER_FINISHED_RECOVERIES_MAX;
    if (excess <= 0) return;
    const drop = new Set(finished.slice(0, excess));
    this.s.recoveries = this.s.recoveries.filter((r) => !drop.has(r));
  }

  /** The first unfinished recovery: what a new leader resumes. */
  activeRecovery(): Recovery | null {
    return this.s.recoveries.find((r) => ACTIVE.includes(r.state)) ?? null;
  }

  isDowntimed(instance: string, wallMs: number): boolean {
    const d = this.s.downtimes[instance];
    return d !== undefined && wallMs < d.untilWallMs;
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.s));
  }

  static restore(data: Uint8Array): Result<Ledger, { code: "ledger.snapshot-malformed" }> {
    try {
      const s = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data)) as LedgerState;
      const shapeOk =
        typeof s === "object" &&
        s !== null &&
        Number.isSafeInteger(s.index) &&
        Number.isSafeInteger(s.epoch) &&
        Array.isArray(s.recoveries) &&
        typeof s.downtimes === "object" &&
        s.downtimes !== null;
      return shapeOk ? ok(new Ledger(s)) : err({ code: "ledger.snapshot-malformed" });
    } catch {
      return err({ code: "ledger.snapshot-malformed" });
    }
  }
}
