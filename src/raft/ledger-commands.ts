// What the cluster ledger records, as commands carried in Raft entries (JSON bytes: small,
// readable in a hex dump, and one entry always fits one datagram; a plan's step names are packed
// for that). Decoding never throws.
import { ANALYSIS_CODES, type AnalysisCode } from "../model/analysis-code.ts";
import { LEDGER_PLAN_STEPS_MAX, LEDGER_TEXT_CHARS_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { packSteps, unpackSteps } from "./step-table.ts";

export type StepStatus = "done" | "failed";

export type LedgerCommand = LedgerCommandBody & {
  /**
   * The term of the leader that proposed it, for commands only that leader may make (the recovery
   * runner's): the ledger refuses the entry if it commits under another term, i.e. if it was
   * forwarded or re-proposed after leadership moved. Absent: any leader may commit it.
   */
  term?: number;
};

export type LedgerCommandBody =
  /** Compare-and-set on the epoch: only the holder of the current epoch can move the primary. */
  | { type: "set-primary"; primary: string; expectedEpoch: number }
  | { type: "pause"; by: string; reason: string; wallMs: number }
  | { type: "resume"; by: string }
  | { type: "downtime-begin"; instance: string; untilWallMs: number; reason: string; owner: string }
  | { type: "downtime-end"; instance: string }
  | { type: "recovery-detected"; id: string; analysis: AnalysisCode; failedInstance: string; wallMs: number }
  | { type: "recovery-planned"; id: string; steps: string[]; successor: string | null }
  | { type: "recovery-step"; id: string; step: number; status: StepStatus; detail: string }
  | { type: "recovery-finished"; id: string; outcome: "finished" | "failed"; detail: string; wallMs: number }
  | { type: "recovery-ack"; id: string; by: string; comment: string; wallMs: number }
  | { type: "switchover-intent"; id: string; from: string; to: string; by: string; wallMs: number }
  | { type: "switchover-clear"; id: string };

export type LedgerDecodeError = { code: "ledger.entry-malformed"; field: string };

class Bad {
  constructor(readonly field: string) {}
}

type Fields = Record<string, unknown>;

const str = (o: Fields, f: string): string => {
  const v = o[f];
  if (typeof v !== "string" || v.length > LEDGER_TEXT_CHARS_MAX) throw new Bad(f);
  return v;
};
const nat = (o: Fields, f: string): number => {
  const v = o[f];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new Bad(f);
  return v;
};
/** A node id (config's node_id shape) or host:port, host a name, IPv4 or [IPv6]. */
const INSTANCE_RE = /^(?:[A-Za-z0-9._-]{1,64}|(?:[A-Za-z0-9._-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5})$/;
const instance = (o: Fields, f: string): string => {
  const v = str(o, f);
  const port = v.includes(":") ? Number(v.slice(v.lastIndexOf(":") + 1)) : 1;
  if (!INSTANCE_RE.test(v) || port < 1 || port > 65_535) throw new Bad(f);
  return v;
};
const oneOf = <T extends string>(o: Fields, f: string, allowed: readonly T[]): T => {
  const v = o[f];
  if (!allowed.includes(v as T)) throw new Bad(f);
  return v as T;
};

function decodeFields(o: Fields): LedgerCommand {
  const body = decodeBody(o);
  return o.term === undefined ? body : { ...body, term: nat(o, "term") };
}

function decodeBody(o: Fields): LedgerCommandBody {
  const id = () => str(o, "id");
  switch (o.type) {
    case "set-primary":
      return { type: "set-primary", primary: str(o, "primary"), expectedEpoch: nat(o, "expectedEpoch") };
    case "pause":
      return { type: "pause", by: str(o, "by"), reason: str(o, "reason"), wallMs: nat(o, "wallMs") };
    case "resume":
      return { type: "resume", by: str(o, "by") };
    case "downtime-begin":
      return {
        type: "downtime-begin",
        instance: instance(o, "instance"),
        untilWallMs: nat(o, "untilWallMs"),
        reason: str(o, "reason"),
        owner: str(o, "owner"),
      };
    case "downtime-end":
      return { type: "downtime-end", instance: instance(o, "instance") };
    case "recovery-detected": {
      const analysis = str(o, "analysis");
      if (!(analysis in ANALYSIS_CODES)) throw new Bad("analysis");
      const failedInstance = str(o, "failedInstance");
      return {
        type: "recovery-detected",
        id: id(),
        analysis: analysis as AnalysisCode,
        failedInstance,
        wallMs: nat(o, "wallMs"),
      };
    }
    case "recovery-planned": {
      // Packed (stepFields + stepRefs, see step-table.ts), or plain names as entries written
      // before packing have them.
      const steps = o.steps === undefined ? unpackSteps(o.stepFields, o.stepRefs) : o.steps;
      if (
        !Array.isArray(steps) ||
        steps.length > LEDGER_PLAN_STEPS_MAX ||
        !steps.every((s) => typeof s === "string" && s.length <= LEDGER_TEXT_CHARS_MAX)
      )
        throw new Bad("steps");
      const successor = o.successor === null ? null : str(o, "successor");
      return { type: "recovery-planned", id: id(), steps: steps as string[], successor };
    }
    case "recovery-step":
      return {
        type: "recovery-step",
        id: id(),
        step: nat(o, "step"),
        status: oneOf(o, "status", ["done", "failed"] as const),
        detail: str(o, "detail"),
      };
    case "recovery-finished":
      return {
        type: "recovery-finished",
        id: id(),
        outcome: oneOf(o, "outcome", ["finished", "failed"] as const),
        detail: str(o, "detail"),
        wallMs: nat(o, "wallMs"),
      };
    case "recovery-ack":
      return {
        type: "recovery-ack",
        id: id(),
        by: str(o, "by"),
        comment: str(o, "comment"),
        wallMs: nat(o, "wallMs"),
      };
    case "switchover-intent":
      return {
        type: "switchover-intent",
        id: id(),
        from: str(o, "from"),
        to: str(o, "to"),
        by: str(o, "by"),
        wallMs: nat(o, "wallMs"),
      };
    case "switchover-clear":
      return { type: "switchover-clear", id: id() };
    default:
      throw new Bad("type");
  }
}

export function encodeLedgerCommand(cmd: LedgerCommand): Uint8Array {
  if (cmd.type !== "recovery-planned") return new TextEncoder().encode(JSON.stringify(cmd));
  const { steps, ...rest } = cmd;
  const packed = packSteps(steps);
  return new TextEncoder().encode(
    JSON.stringify({ ...rest, stepFields: packed.fields, stepRefs: packed.refs }),
  );
}

export function decodeLedgerCommand(data: Uint8Array): Result<LedgerCommand, LedgerDecodeError> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    return err({ code: "ledger.entry-malformed", field: "" });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return err({ code: "ledger.entry-malformed", field: "" });
  try {
    return ok(decodeFields(raw as Fields));
  } catch (e) {
    return err({ code: "ledger.entry-malformed", field: e instanceof Bad ? e.field : "" });
  }
}
