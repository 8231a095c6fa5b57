// The event log from successive looks at the source: ledger history with its own times at the
// first look, then only what changed, stamped when seen.
import { describe, expect, test } from "bun:test";
import { eventsBetween, type SourceFacts } from "../../../../src/console/snapshot-events.ts";
import type { LedgerFacts, RecoveryFacts } from "../../../../src/console/snapshot-mapping.ts";

const T0 = 1_000_000;

function recovery(over: Partial<RecoveryFacts> = {}): RecoveryFacts {
  return {
    id: "r1",
    analysis: "DeadMaster",
    failedInstance: "db1",
    detectedWallMs: T0 - 60_000,
    state: "planned",
    steps: [
      { name: "fence-old-primary", status: "done", detail: "read_only=ON" },
      { name: "promote", status: "pending", detail: "" },
    ],
    successor: "db2",
    finishedWallMs: null,
    detail: "",
    acknowledged: false,
    ...over,
  };
}

function ledger(over: Partial<LedgerFacts> = {}): LedgerFacts {
  return {
    primary: "db1",
    epoch: 1,
    paused: false,
    downtimes: [],
    recoveries: [],
    switchover: null,
    ...over,
  };
}

function facts(
  over: { members?: [string, string][]; health?: string; ledger?: LedgerFacts | null } = {},
): SourceFacts {
  return {
    members: new Map(
      (
        over.members ?? [
          ["db1", "alive"],
          ["db2", "alive"],
        ]
      ).map(([id, status]) => [id, { cluster: "main", status }]),
    ),
    health: new Map([["main", { health: (over.health ?? "ok") as "ok", problems: "" }]]),
    ledger: over.ledger === null ? null : { cluster: "main", facts: over.ledger ?? ledger() },
  };
}

const texts = (events: { text: string }[]) => events.map((e) => e.text);

describe("events between looks", () => {
  test("the first look shows ledger history at its own times, not membership or health", () => {
    const events = eventsBetween(null, facts({ ledger: ledger({ recoveries: [recovery()] }) }), T0);
    expect(events.map((e) => [e.atWallMs, e.kind, e.severity, e.text])).toEqual([
      [T0 - 60_000, "detection", "error", "r1 detected DeadMaster on db1"],
      [T0 - 60_000, "recovery-step", "info", "r1 planned 2 steps, successor db2"],
      [T0 - 60_000, "recovery-step", "info", "r1 step 1/2 fence-old-primary done: read_only=ON"],
    ]);
  });

  test("nothing changed, nothing logged", () => {
    const f = facts({ ledger: ledger({ recoveries: [recovery()] }) });
    expect(eventsBetween(f, f, T0)).toEqual([]);
  });

  test("steps and the end of a recovery appear as they happen", () => {
    const before = facts({ ledger: ledger({ recoveries: [recovery()] }) });
    const done = recovery({
      state: "finished",
      detail: "db2 is primary",
      finishedWallMs: T0 - 5,
      steps: [recovery().steps[0]!, { name: "promote", status: "done", detail: "" }],
    });
    const after = facts({ ledger: ledger({ primary: "db2", epoch: 2, recoveries: [done] }) });
    expect(eventsBetween(before, after, T0).map((e) => [e.atWallMs, e.text])).toEqual([
      [T0, "r1 step 2/2 promote done"],
      [T0, "r1 finished: db2 is primary"],
      [T0, "primary is now db2 (epoch 2, was db1)"],
    ]);
  });

  test("members, health, pause, downtimes and switchover intents", () => {
    const before = facts();
    const after = facts({
      members: [
        ["db1", "dead"],
        ["db2", "alive"],
        ["db3", "alive"],
      ],
      health: "degraded",
      ledger: ledger({
        paused: true,
        downtimes: ["127.0.0.1:31002"],
        switchover: { id: "s", from: "db1", to: "db2", by: "al" },
      }),
    });
    const events = eventsBetween(before, after, T0);
    expect(events.map((e) => [e.severity, e.text])).toEqual([
      ["error", "db1 is dead (was alive)"],
      ["info", "db3 joined (alive)"],
      ["warn", "cluster degraded (was ok)"],
      ["warn", "automatic recovery paused"],
      ["info", "127.0.0.1:31002 downtimed"],
      ["info", "switchover db1 -> db2 requested by al"],
    ]);
    expect(texts(eventsBetween(after, before, T0))).toContain("127.0.0.1:31002 downtime ended");
    expect(texts(eventsBetween(after, before, T0))).toContain("automatic recovery resumed");
  });

  test("an acknowledgement is logged once", () => {
    const before = facts({ ledger: ledger({ recoveries: [recovery({ state: "finished" })] }) });
    const after = facts({
      ledger: ledger({ recoveries: [recovery({ state: "finished", acknowledged: true })] }),
    });
    expect(texts(eventsBetween(before, after, T0))).toEqual(["r1 acknowledged"]);
    expect(eventsBetween(after, after, T0)).toEqual([]);
  });
});
