// The ledger's snapshot bytes (JSON of LedgerState) back into a LedgerState, checked field by field:
// a snapshot arrives from the leader over the network and sits on disk, and the host persists it
// only once it reads back whole here. Keyed maps come back without a prototype, as the live
// ledger keeps them, so "__proto__" or "constructor" are ordinary keys on both.
import { ANALYSIS_CODES, type AnalysisCode } from "../model/analysis-code.ts";
import type { LedgerState, Recovery, RecoveryState } from "./ledger.ts";

class Bad extends Error {}

type Fields = Record<string, unknown>;

const RECOVERY_STATES: readonly RecoveryState[] = ["detected", "planned", "finished", "failed"];
const STEP_STATUSES = ["pending", "done", "failed"] as const;

function fields(v: unknown): Fields {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Bad();
  return v as Fields;
}
function str(o: Fields, f: string): string {
  const v = o[f];
  if (typeof v !== "string") throw new Bad();
  return v;
}
function strOrNull(o: Fields, f: string): string | null {
  return o[f] === null ? null : str(o, f);
}
function num(o: Fields, f: string): number {
  const v = o[f];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new Bad();
  return v;
}
function oneOf<T extends string>(o: Fields, f: string, allowed: readonly T[]): T {
  const v = o[f];
  if (!allowed.includes(v as T)) throw new Bad();
  return v as T;
}
function list(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Bad();
  return v;
}

function recoveryOf(v: unknown): Recovery {
  const r = fields(v);
  const analysis = str(r, "analysis");
  if (!(analysis in ANALYSIS_CODES)) throw new Bad();
  const ack = r.acknowledged === null ? null : fields(r.acknowledged);
  return {
    id: str(r, "id"),
    analysis: analysis as AnalysisCode,
    failedInstance: str(r, "failedInstance"),
    detectedWallMs: num(r, "detectedWallMs"),
    state: oneOf(r, "state", RECOVERY_STATES),
    steps: list(r.steps).map((s) => {
      const f = fields(s);
      return { name: str(f, "name"), status: oneOf(f, "status", STEP_STATUSES), detail: str(f, "detail") };
    }),
    successor: strOrNull(r, "successor"),
    finishedWallMs: r.finishedWallMs === null ? null : num(r, "finishedWallMs"),
    detail: str(r, "detail"),
    acknowledged:
      ack === null ? null : { by: str(ack, "by"), comment: str(ack, "comment"), wallMs: num(ack, "wallMs") },
  };
}

function downtimesOf(v: unknown): LedgerState["downtimes"] {
  const out: LedgerState["downtimes"] = Object.create(null);
  for (const [instance, d] of Object.entries(fields(v))) {
    const f = fields(d);
    out[instance] = { untilWallMs: num(f, "untilWallMs"), reason: str(f, "reason"), owner: str(f, "owner") };
  }
  return out;
}

function stateOf(v: unknown): LedgerState {
  const s = fields(v);
  const paused = s.paused === null ? null : fields(s.paused);
  const sw = s.switchover === null ? null : fields(s.switchover);
  return {
    index: num(s, "index"),
    primary: strOrNull(s, "primary"),
    epoch: num(s, "epoch"),
    paused:
      paused === null
        ? null
        : { by: str(paused, "by"), reason: str(paused, "reason"), sinceWallMs: num(paused, "sinceWallMs") },
    downtimes: downtimesOf(s.downtimes),
    recoveries: list(s.recoveries).map(recoveryOf),
    switchover:
      sw === null
        ? null
        : {
            id: str(sw, "id"),
            from: str(sw, "from"),
            to: str(sw, "to"),
            by: str(sw, "by"),
            wallMs: num(sw, "wallMs"),
          },
  };
}

export function encodeLedgerSnapshot(s: LedgerState): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(s));
}

/** The state a snapshot holds, or null when any part of it is missing or of the wrong kind. */
export function decodeLedgerSnapshot(data: Uint8Array): LedgerState | null {
  try {
    return stateOf(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data)));
  } catch {
    return null;
  }
}
