// A recovery plan's step names, packed for a Raft entry. The names repeat a few fields many times
// (kinds, node ids, hook names), and one entry must fit one datagram: a 9-agent plan with
// realistic host names stored as plain names does not. Packed, every distinct ':'-separated field
// is stored once and each step is the list of its fields' indexes. Knows nothing of the names'
// grammar; unpacking rebuilds exactly the names that were packed.
import { LEDGER_PLAN_STEPS_MAX, LEDGER_TEXT_CHARS_MAX } from "../lib/limits.ts";

export interface PackedSteps {
  /** Distinct fields, in order of first use. */
  fields: string[];
  /** Per step, the indexes of its fields in `fields`. */
  refs: number[][];
}

export function packSteps(names: readonly string[]): PackedSteps {
  const fields: string[] = [];
  const index = new Map<string, number>();
  const refs = names.map((name) =>
    name.split(":").map((f) => {
      let i = index.get(f);
      if (i === undefined) {
        i = fields.push(f) - 1;
        index.set(f, i);
      }
      return i;
    }),
  );
  return { fields, refs };
}

/** The names back, or null when the packed form is malformed or names too long/too many steps. */
export function unpackSteps(fields: unknown, refs: unknown): string[] | null {
  if (
    !Array.isArray(fields) ||
    !fields.every((f) => typeof f === "string" && f.length <= LEDGER_TEXT_CHARS_MAX)
  )
    return null;
  if (!Array.isArray(refs) || refs.length > LEDGER_PLAN_STEPS_MAX) return null;
  const names: string[] = [];
  for (const step of refs) {
    if (!Array.isArray(step) || step.length === 0) return null;
    const parts: string[] = [];
    for (const i of step) {
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= fields.length) return null;
      parts.push(fields[i] as string);
    }
    const name = parts.join(":");
    if (name.length > LEDGER_TEXT_CHARS_MAX) return null;
    names.push(name);
  }
  return names;
}
