// The replicated cluster ledger: the state machine every voter applies committed entries to.
// It holds the current primary and its epoch (the fencing token), downtime windows, the pause
// flag, recovery records and switchover intents. Applying is deterministic: the same entries give
// the same state and the same rejections on every voter; wall time comes from the command (the
// leader's stamp), never from the applying node.
import { LEDGER_DOWNTIMES_MAX, LEDGER_FINISHED_RECOVERIES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { AnalysisCode } from "../model/analysis-code.ts";
import { decodeLedgerCommand, type LedgerCommand, type StepStatus } from "./ledger-commands.ts";
import { decodeLedgerSnapshot, encodeLedgerSnapshot } from "./ledger-snapshot.ts";
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
  /** Keyed by instance; a prototype-less object, so any instance name is an ordinary key. */
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
  | { code: "ledger.limit-reached"; index: number; what: string }
  /** The command was proposed by the leader of `term` but committed under `entryTerm`. */
  | { code: "ledger.stale-term"; index: number; term: number; entryTerm: number }
  /** The step already has an outcome; a different one never replaces it. */
  | { code: "ledger.step-recorded"; index: number; id: string; step: number; status: StepStatus };

/** `repeat`: the command was an exact copy of one already applied (a retried proposal that got
 *  appended twice); the state already says what it asks, so it counts as applied, changing nothing. */
export type LedgerOutcome = { applied: LedgerCommand["type"] | "no-op"; repeat?: true };

/** execute()'s answer for an exact repeat. */
const REPEAT = "repeat";

export function emptyLedger(): LedgerState {
  return {
    index: 0,
    primary: null,
    epoch: 0,
    paused: null,
    downtimes: Object.create(null),
    recoveries: [],
    switchover: null,
  };
}

const ACTIVE: readonly RecoveryState[] = ["detected", "planned"];

function sameSteps(r: Recovery, steps: readonly string[]): boolean {
  return r.steps.length === steps.length && r.steps.every((st, i) => st.name === steps[i]);
}

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
    // A leader-only command that commits under another term was forwarded or re-proposed after
    // its leader was deposed: that leader's view of the recovery is no longer the cluster's.
    const term = cmd.value.term;
    if (term !== undefined && term !== entry.term)
      return err({ code: "ledger.stale-term", index: entry.index, term, entryTerm: entry.term });
    const rejected = this.execute(cmd.value, entry.index);
    if (rejected === REPEAT) return ok({ applied: cmd.value.type, repeat: true });
    return rejected ? err(rejected) : ok({ applied: cmd.value.type });
  }

  // A proposal retried at a new leader after the old one appended it (proposals.ts) commits
  // twice. The commands that refuse to apply twice recognise their own exact copy and answer
  // REPEAT, so the caller hears "applied", not a rejection of a change that did happen.
  private execute(c: LedgerCommand, index: number): LedgerRejection | typeof REPEAT | null {
    const s = this.s;
    switch (c.type) {
      case "set-primary":
        if (c.expectedEpoch + 1 === s.epoch && c.primary === s.primary) return REPEAT;
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
        if (s.switchover?.id === c.id && s.switchover.from === c.from && s.switchover.to === c.to)
          return REPEAT;
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

  private executeRecovery(c: LedgerCommand, index: number): LedgerRejection | typeof REPEAT | null {
    if (c.type === "recovery-detected") {
      const same = this.s.recoveries.findLast((r) => r.id === c.id);
      if (same !== undefined && same.failedInstance === c.failedInstance && same.analysis === c.analysis)
        return REPEAT;
      if (same !== undefined && !ACTIVE.includes(same.state))
        return { code: "ledger.bad-transition", index, id: c.id, state: same.state, command: c.type };
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
        if (r.state === "planned" && r.successor === c.successor && sameSteps(r, c.steps)) return REPEAT;
        if (r.state !== "detected") return bad;
        r.state = "planned";
        r.steps = c.steps.map((name) => ({ name, status: "pending", detail: "" }));
        r.successor = c.successor;
        return null;
      case "recovery-step": {
        const step = r.steps[c.step];
        if (r.state !== "planned" || step === undefined) return bad;
        // First outcome wins: a late result from a deposed leader must not rewrite what the
        // current one already acted on.
        if (step.status === c.status) return REPEAT;
        if (step.status !== "pending")
          return { code: "ledger.step-recorded", index, id: r.id, step: c.step, status: step.status };
        step.status = c.status;
        step.detail = c.detail;
        return null;
      }
      case "recovery-finished":
        if (r.state === c.outcome && r.detail === c.detail && r.finishedWallMs === c.wallMs) return REPEAT;
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
    return encodeLedgerSnapshot(this.s);
  }

  static restore(data: Uint8Array): Result<Ledger, { code: "ledger.snapshot-malformed" }> {
    const s = decodeLedgerSnapshot(data);
    return s === null ? err({ code: "ledger.snapshot-malformed" }) : ok(new Ledger(s));
  }
}
