// The reconciler's writability rules, one row per rule and boundary: writable only as the named
// primary with a quorum, self-fencing at exactly fence_after, holds during a switchover or a
// recovery of this primary, and never asking twice for an action still in flight.
import { describe, expect, test } from "bun:test";
import {
  type LocalAction,
  type ReconcileInput,
  type ReconcileLedgerView,
  reconcile,
} from "../../../src/failover/reconcile.ts";
import type { ReachableInstance } from "../../../src/model/instance-state.ts";
import { healthy, keyOf } from "./view-builder.ts";

const FENCE_AFTER_MS = 1_500;
const EPOCH = 3;

function ledger(patch: Partial<ReconcileLedgerView> = {}): ReconcileLedgerView {
  return {
    primary: { nodeId: "db1", key: keyOf("db1"), epoch: EPOCH },
    primaryAddresses: [],
    activeRecovery: null,
    switchover: null,
    ...patch,
  };
}

const SWITCHOVER = { id: "s1", from: "db1", to: "db2" };
const SWITCHOVER_PLANNED = { id: "s1", failedNodeId: "db1", successor: "db2" };

/** db1 is the named primary; `self` picks whose server is local; `readOnly` overrides its flag. */
function input(self: string, opts: { readOnly?: boolean } & Partial<ReconcileInput> = {}): ReconcileInput {
  const { readOnly, ...patch } = opts;
  const b = healthy("mysql", 3);
  const local: ReachableInstance = b.inst(self);
  if (readOnly !== undefined) local.readOnly = readOnly;
  return {
    self,
    kind: "agent",
    ledger: ledger(),
    local,
    quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true },
    settings: { fenceAfterMs: FENCE_AFTER_MS, autoRejoin: true },
    primaryPosition: b.build().agents[0]?.lastKnownPosition ?? null,
    primaryPromotedAt: null,
    attachedSources: [],
    rejoinRequest: null,
    inFlight: [],
    ...patch,
  };
}

const lost = (lostForMs: number) => ({ quorum: { reachable: false, lostForMs, ledgerCurrent: true } });
const fence = (reason: string): LocalAction => ({ type: "set-read-only", reason }) as LocalAction;
const writable: LocalAction = { type: "set-writable", epoch: EPOCH };
const selfFenced = (lostForMs: number, nodeId = "db1"): LocalAction => ({
  type: "emit-event",
  event: { code: "failover.self-fenced", nodeId, lostForMs, fenceAfterMs: FENCE_AFTER_MS },
});
const notPrimary: LocalAction = {
  type: "emit-event",
  event: { code: "failover.fenced-not-primary", nodeId: "db2", primaryNodeId: "db1", epoch: EPOCH },
};

describe("reconcile: writability", () => {
  test.each<[string, ReconcileInput, LocalAction[]]>([
    ["writable named primary with a quorum: nothing to do", input("db1", { readOnly: false }), []],
    ["read-only named primary with a quorum: made writable", input("db1", { readOnly: true }), [writable]],
    [
      "read-only named primary whose ledger copy may be stale (a healed old primary): not made writable",
      input("db1", { readOnly: true, quorum: { reachable: true, lostForMs: 0, ledgerCurrent: false } }),
      [],
    ],
    [
      "read-only named primary with a quorum and a current ledger: made writable",
      input("db1", { readOnly: true, quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true } }),
      [writable],
    ],
    [
      "writable primary whose ledger copy may be stale: left writable (fencing is the quorum's call)",
      input("db1", { quorum: { reachable: true, lostForMs: 0, ledgerCurrent: false } }),
      [],
    ],
    [
      "writable server the ledger does not name, ledger copy stale: still fenced",
      input("db2", { readOnly: false, quorum: { reachable: true, lostForMs: 0, ledgerCurrent: false } }),
      [fence("not-primary"), notPrimary],
    ],
    [
      "writable primary, quorum lost 1 ms short of fence_after: not yet",
      input("db1", lost(FENCE_AFTER_MS - 1)),
      [],
    ],
    [
      "writable primary, quorum lost exactly fence_after: self-fence",
      input("db1", lost(FENCE_AFTER_MS)),
      [fence("self-fence"), selfFenced(FENCE_AFTER_MS)],
    ],
    [
      "writable primary, quorum lost long ago: self-fence",
      input("db1", lost(60_000)),
      [fence("self-fence"), selfFenced(60_000)],
    ],
    [
      "writable non-primary cut off: self-fence too",
      input("db2", { readOnly: false, ...lost(FENCE_AFTER_MS) }),
      [fence("self-fence"), selfFenced(FENCE_AFTER_MS, "db2")],
    ],
    ["read-only primary cut off: stays read-only", input("db1", { readOnly: true, ...lost(60_000) }), []],
    [
      "read-only primary cut off briefly: not made writable",
      input("db1", { readOnly: true, ...lost(0) }),
      [],
    ],
    [
      "writable server the ledger does not name: fenced",
      input("db2", { readOnly: false }),
      [fence("not-primary"), notPrimary],
    ],
    [
      "writable primary whose switchover plan is recorded: fenced",
      input("db1", { ledger: ledger({ switchover: SWITCHOVER, activeRecovery: SWITCHOVER_PLANNED }) }),
      [fence("switchover")],
    ],
    [
      "read-only primary whose switchover plan is recorded: not made writable",
      input("db1", {
        readOnly: true,
        ledger: ledger({ switchover: SWITCHOVER, activeRecovery: SWITCHOVER_PLANNED }),
      }),
      [],
    ],
    [
      // review 2 item 10: the planner may still refuse (a mistaken `keel failover` of a healthy primary).
      "a switchover intent without a recorded plan: the primary keeps serving",
      input("db1", { ledger: ledger({ switchover: SWITCHOVER }) }),
      [],
    ],
    [
      "an intent whose recovery is only detected: the primary keeps serving",
      input("db1", {
        ledger: ledger({
          switchover: SWITCHOVER,
          activeRecovery: { id: "s1", failedNodeId: "db1", successor: null },
        }),
      }),
      [],
    ],
    [
      "a detected recovery of a primary that answers writable: not fenced before its plan is recorded",
      input("db1", {
        ledger: ledger({ activeRecovery: { id: "r1", failedNodeId: "db1", successor: null } }),
      }),
      [],
    ],
    [
      "writable primary a recovery is replacing: fenced",
      input("db1", {
        ledger: ledger({ activeRecovery: { id: "r1", failedNodeId: "db1", successor: "db2" } }),
      }),
      [fence("recovery")],
    ],
    [
      "restarted primary a recovery is replacing: stays read-only",
      input("db1", {
        readOnly: true,
        ledger: ledger({ activeRecovery: { id: "r1", failedNodeId: "db1", successor: "db2" } }),
      }),
      [],
    ],
    [
      "a switchover to another server leaves the current primary alone until it starts",
      input("db1", { ledger: ledger({ switchover: { id: "s1", from: "db3", to: "db2" } }) }),
      [],
    ],
    ["nothing named yet (bootstrap): nothing to do", input("db1", { ledger: ledger({ primary: null }) }), []],
    ["a witness has nothing to reconcile", input("db1", { kind: "witness", readOnly: true }), []],
    ["no probe yet: nothing to do", input("db1", { readOnly: true, local: null }), []],
  ])("%s", (_name, i, expected) => {
    expect(reconcile(i)).toEqual(expected);
  });

  test("a promoted successor named primary while its recovery runs is made writable", () => {
    const i = input("db2", {
      readOnly: true,
      ledger: ledger({
        primary: { nodeId: "db2", key: keyOf("db2"), epoch: EPOCH + 1 },
        activeRecovery: { id: "r1", failedNodeId: "db1", successor: "db2" },
      }),
    });
    i.local = { ...(i.local as ReachableInstance), channels: [] };
    expect(reconcile(i)).toEqual([{ type: "set-writable", epoch: EPOCH + 1 }]);
  });

  test("a named primary that replicates from somewhere is not made writable", () => {
    const i = input("db2", {
      readOnly: true,
      ledger: ledger({ primary: { nodeId: "db2", key: keyOf("db2"), epoch: EPOCH } }),
    });
    expect(reconcile(i)).toEqual([
      {
        type: "emit-event",
        event: { code: "failover.primary-replicates", nodeId: "db2", sources: [`${keyOf("db1").host}:3306`] },
      },
    ]);
  });

  test("MySQL: read_only without super_read_only is not fenced (SUPER users still write)", () => {
    const replica = input("db2", { readOnly: true });
    (replica.local as ReachableInstance).superReadOnly = false;
    expect(reconcile(replica)).toEqual([fence("not-primary")]);
    const cutOff = input("db1", { readOnly: true, ...lost(FENCE_AFTER_MS) });
    (cutOff.local as ReachableInstance).superReadOnly = false;
    expect(reconcile(cutOff)[0]).toEqual(fence("self-fence"));
    const noSuchVariable = input("db2", { readOnly: true });
    (noSuchVariable.local as ReachableInstance).superReadOnly = null;
    expect(reconcile(noSuchVariable)).toEqual([]);
  });

  test("an unreachable local server: nothing to act on", () => {
    const i = input("db1", lost(60_000));
    i.local = {
      reachable: false,
      key: keyOf("db1"),
      probedAtWallMs: 0,
      probeLatencyMs: 1,
      reason: "refused",
      errorCode: "ECONNREFUSED",
      message: "connect failed",
    };
    expect(reconcile(i)).toEqual([]);
  });
});

describe("reconcile: a primary whose mysqld did not answer for fence_after", () => {
  const hung = (unansweredForMs: number): LocalAction => ({
    type: "emit-event",
    event: {
      code: "failover.fenced-after-unresponsive",
      nodeId: "db1",
      unansweredForMs,
      fenceAfterMs: FENCE_AFTER_MS,
    },
  });

  test("answering again after exactly fence_after: fenced first, whatever the ledger copy says", () => {
    expect(reconcile(input("db1", { unansweredForMs: FENCE_AFTER_MS }))).toEqual([
      fence("unresponsive"),
      hung(FENCE_AFTER_MS),
    ]);
    // Even with the quorum lost for less than fence_after, where self-fencing would still wait.
    expect(reconcile(input("db1", { unansweredForMs: 5_000, ...lost(10) }))).toEqual([
      fence("unresponsive"),
      hung(5_000),
    ]);
  });

  test("1 ms short: the usual rules; back read-only: not made writable on that first answer; not the primary: not-primary", () => {
    expect(reconcile(input("db1", { unansweredForMs: FENCE_AFTER_MS - 1 }))).toEqual([]);
    expect(reconcile(input("db1", { unansweredForMs: 9_000, readOnly: true }))).toEqual([]);
    expect(reconcile(input("db2", { unansweredForMs: 9_000, readOnly: false }))).toEqual([
      fence("not-primary"),
      notPrimary,
    ]);
  });

  test("the probe after: still named primary, so writable again", () => {
    expect(reconcile(input("db1", { readOnly: true, unansweredForMs: 0 }))).toEqual([writable]);
  });
});

describe("reconcile: a writable server hung for fence_after gets its fence asked for while it hangs", () => {
  // Chaos seed 12: waiting for the first answer left a resumed primary writable ~5 s, its
  // probes queued behind commits waiting for a semi-sync ACK that never came.
  const hungLocal = (reason: "timeout" | "refused" = "timeout") =>
    ({
      reachable: false,
      key: keyOf("db1"),
      probedAtWallMs: 0,
      probeLatencyMs: 2_000,
      reason,
      errorCode: "PROBE_DEADLINE",
      message: "no answer",
    }) as const;
  const whileHung = (forMs: number, lastReadOnly: boolean | null, patch: Partial<ReconcileInput> = {}) =>
    reconcile(input("db1", { local: hungLocal(), hung: { forMs, lastReadOnly }, ...patch }));

  test("from fence_after on, a server last seen writable is asked to be read-only", () => {
    expect(whileHung(FENCE_AFTER_MS, false)).toEqual([fence("unresponsive")]);
    expect(whileHung(60_000, false)).toEqual([fence("unresponsive")]);
  });

  test("not before fence_after, not when it was read-only already, not when nothing listens, not twice", () => {
    expect(whileHung(FENCE_AFTER_MS - 1, false)).toEqual([]);
    expect(whileHung(60_000, true)).toEqual([]);
    expect(whileHung(60_000, null)).toEqual([]);
    expect(
      reconcile(input("db1", { local: hungLocal("refused"), hung: { forMs: 60_000, lastReadOnly: false } })),
    ).toEqual([]);
    expect(whileHung(60_000, false, { inFlight: [fence("unresponsive")] })).toEqual([]);
    // Without the hang's record (an answered probe in between), nothing is asked.
    expect(reconcile(input("db1", { local: hungLocal() }))).toEqual([]);
  });
});

describe("reconcile: actions in flight", () => {
  const rejoin: LocalAction = { type: "rejoin", sourceNodeId: "db1", sourceKey: keyOf("db1"), forced: false };

  test.each<[string, ReconcileInput, LocalAction[]]>([
    [
      "a fence in flight is not asked for again",
      input("db1", { ...lost(FENCE_AFTER_MS), inFlight: [fence("self-fence")] }),
      [],
    ],
    [
      "a fence in flight for another reason is still the same action",
      input("db2", { readOnly: false, inFlight: [fence("self-fence")] }),
      [],
    ],
    [
      "a running set-writable does not hold back a fence",
      input("db1", { ...lost(FENCE_AFTER_MS), inFlight: [writable] }),
      [fence("self-fence"), selfFenced(FENCE_AFTER_MS)],
    ],
    [
      "set-writable in flight is not asked for again",
      input("db1", { readOnly: true, inFlight: [writable] }),
      [],
    ],
    [
      "set-writable waits for a fence in flight",
      input("db1", { readOnly: true, inFlight: [fence("recovery")] }),
      [],
    ],
    [
      "unrelated work in flight does not hold back set-writable",
      input("db1", { readOnly: true, inFlight: [rejoin] }),
      [writable],
    ],
  ])("%s", (_name, i, expected) => {
    expect(reconcile(i)).toEqual(expected);
  });
});
