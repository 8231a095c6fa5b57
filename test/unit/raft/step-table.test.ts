// A plan's step names packed for one Raft entry: exact round trips, refusals of anything malformed,
// and the size that makes packing worth it (a 9-agent plan with realistic host names).
import { describe, expect, test } from "bun:test";
import { planFailover, planStepNames } from "../../../src/failover/plan.ts";
import {
  LEDGER_PLAN_STEPS_MAX,
  LEDGER_TEXT_CHARS_MAX,
  RAFT_ENTRY_DATA_BYTES_MAX,
} from "../../../src/lib/limits.ts";
import {
  decodeLedgerCommand,
  encodeLedgerCommand,
  type LedgerCommand,
} from "../../../src/raft/ledger-commands.ts";
import { packSteps, unpackSteps } from "../../../src/raft/step-table.ts";

function ninePlan(idChars: number): string[] {
  const id = (i: number) => `mysql-${i}-`.padEnd(idChars, "x");
  const m = (i: number) => ({ nodeId: id(i), agentAlive: true, serverReachable: true });
  const planned = planFailover({
    failed: m(1),
    candidate: m(2),
    replicas: [3, 4, 5, 6, 7, 8, 9].map(m),
    epoch: 12_345,
    hostUnreachable: true,
    settings: { fenceAfterMs: 1_500, fenceMarginMs: 1_000, catchupTimeoutMs: 10_000 },
  });
  if (!planned.ok) throw new Error(planned.error.code);
  return planStepNames(planned.value);
}

describe("packed plan steps", () => {
  test("names round-trip exactly, including empty fields and repeated ones", () => {
    const names = ["run-hooks:PreFailover", "detach:db3", "repoint:db3:db2", "a::b", "x", "detach:db3"];
    const packed = packSteps(names);
    expect(packed.fields).toEqual([
      "run-hooks",
      "PreFailover",
      "detach",
      "db3",
      "repoint",
      "db2",
      "a",
      "",
      "b",
      "x",
    ]);
    expect(unpackSteps(packed.fields, packed.refs)).toEqual(names);
    expect(unpackSteps([], [])).toEqual([]);
  });

  test.each([
    ["fields not an array", "x", [[0]]],
    ["a field not a string", [1], [[0]]],
    ["an overlong field", ["x".repeat(LEDGER_TEXT_CHARS_MAX + 1)], [[0]]],
    ["refs not an array", ["a"], "0"],
    ["a step with no field", ["a"], [[]]],
    ["an index out of range", ["a"], [[1]]],
    ["a negative index", ["a"], [[-1]]],
    ["a fractional index", ["a", "b"], [[0.5]]],
    ["too many steps", ["a"], Array.from({ length: LEDGER_PLAN_STEPS_MAX + 1 }, () => [0])],
    ["a name longer than a ledger text", ["x".repeat(200)], [[0, 0]]],
  ])("refuses %s", (_what, fields, refs) => {
    expect(unpackSteps(fields, refs)).toBeNull();
  });

  test("a 9-agent failover plan with 20-character node ids fits one Raft entry, and decodes to the same names", () => {
    const steps = ninePlan(20);
    const cmd: LedgerCommand = {
      type: "recovery-planned",
      id: "auto-mwwo9cwq-31867f",
      steps,
      successor: steps[0] ?? "",
    };
    const bytes = encodeLedgerCommand(cmd);
    // Stored as plain names this entry is ~1.6 kB, over the bound.
    expect(new TextEncoder().encode(JSON.stringify(cmd)).length).toBeGreaterThan(RAFT_ENTRY_DATA_BYTES_MAX);
    expect(bytes.length).toBeLessThanOrEqual(RAFT_ENTRY_DATA_BYTES_MAX);
    expect(decodeLedgerCommand(bytes)).toEqual({ ok: true, value: cmd });
  });

  test("an entry written with plain names (before packing) still decodes", () => {
    const cmd: LedgerCommand = {
      type: "recovery-planned",
      id: "r1",
      steps: ["fence:db1", "promote:db2"],
      successor: "db2",
    };
    expect(decodeLedgerCommand(new TextEncoder().encode(JSON.stringify(cmd)))).toEqual({
      ok: true,
      value: cmd,
    });
  });

  test("a malformed packed plan is refused naming the steps", () => {
    const bad = new TextEncoder().encode(
      JSON.stringify({
        type: "recovery-planned",
        id: "r1",
        stepFields: ["a"],
        stepRefs: [[3]],
        successor: null,
      }),
    );
    expect(decodeLedgerCommand(bad)).toEqual({
      ok: false,
      error: { code: "ledger.entry-malformed", field: "steps" },
    });
  });
});
