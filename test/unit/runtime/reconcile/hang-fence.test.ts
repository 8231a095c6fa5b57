// A primary whose mysqld hung (its agent up, its probes timing out) is fenced the moment the server
// answers again if the gap reached fence_after: the leader may have promoted another meanwhile.
import { describe, expect, test } from "bun:test";
import { ok, type Result } from "../../../../src/lib/result.ts";
import type { InstanceState } from "../../../../src/model/instance-state.ts";
import type { LedgerState } from "../../../../src/raft/ledger.ts";
import type {
  ActionDone,
  ReconcileActionError,
  ServerChange,
} from "../../../../src/runtime/reconcile-actions.ts";
import { buildReconcileInput } from "../../../../src/runtime/reconcile-inputs.ts";
import { Reconciler } from "../../../../src/runtime/reconciler.ts";
import { addr, HOST, ledgerWith, PORTS, server } from "./fixture.ts";

const FENCE_AFTER_MS = 1_500;

type Done = Result<ActionDone, ReconcileActionError>;

function harness() {
  const h = {
    ledger: ledgerWith("db1", 1) as LedgerState,
    performed: [] as ServerChange[],
    pending: [] as ((r: Done) => void)[],
    warnings: [] as string[],
  };
  const rec = new Reconciler({
    self: "db1",
    kind: "agent",
    cluster: "c1",
    selfAddress: addr("db1"),
    settings: { fenceAfterMs: FENCE_AFTER_MS, autoRejoin: true },
    rejoinRequestTtlMs: 60_000,
    monoMs: () => 0,
    wallMs: () => 0,
    ledger: () => h.ledger,
    members: () => [],
    quorum: () => ({ reachable: true, lostForMs: 0, ledgerCurrent: true }),
    perform: (a) => {
      h.performed.push(a);
      return new Promise<Done>((resolve) => h.pending.push(resolve));
    },
    log: { info: () => {}, warn: (msg) => h.warnings.push(msg), error: () => {} },
    audit: () => {},
  });
  return { h, rec };
}

const timedOut: InstanceState = {
  reachable: false,
  key: { host: HOST, port: PORTS.db1 ?? 0 },
  probedAtWallMs: 1_000,
  probeLatencyMs: 1_000,
  reason: "timeout",
  errorCode: "ETIMEDOUT",
  message: "no answer",
};

const writable = (probedAtWallMs: number) => server("db1", { readOnly: false, probedAtWallMs });
const settle = () => new Promise((r) => setImmediate(r));

describe("the reconciler hands the unanswered gap to reconcile", () => {
  test("a writable primary that answers after fence_after of silence is fenced at once", () => {
    const { h, rec } = harness();
    rec.onProbe(writable(1), 0);
    rec.onProbe(timedOut, 500);
    rec.onProbe(timedOut, 1_200);
    expect(h.performed).toEqual([]);
    rec.onProbe(writable(2), 2_000); // unanswered since the answer at 0: 2 000 ms ≥ fence_after
    expect(h.performed).toEqual([{ type: "set-read-only", reason: "unresponsive" }]);
    expect(h.warnings).toEqual(["failover.fenced-after-unresponsive"]);
  });

  test("a shorter gap changes nothing: the primary stays writable", () => {
    const { h, rec } = harness();
    rec.onProbe(writable(1), 0);
    rec.onProbe(timedOut, 500);
    rec.onProbe(writable(2), 1_000);
    expect(h.performed).toEqual([]);
  });

  test("the gap is used once: if the ledger still names it, the next answer makes it writable again", async () => {
    const { h, rec } = harness();
    rec.onProbe(writable(1), 0);
    rec.onProbe(timedOut, 1_000);
    rec.onProbe(writable(2), 3_000);
    expect(h.performed.length).toBe(1);
    h.pending.shift()?.(ok({ changed: true }));
    await settle();
    rec.onProbe(server("db1", { readOnly: true, probedAtWallMs: Number.MAX_SAFE_INTEGER }), 3_500);
    expect(h.performed[1]).toEqual({ type: "set-writable", epoch: 1 });
  });

  test("still hung at fence_after: the fence is asked for on the tick, one attempt at a time, again after a failed one", async () => {
    const { h, rec } = harness();
    rec.onProbe(writable(1), 0);
    rec.onProbe(timedOut, 500);
    rec.tick(1_499);
    expect(h.performed).toEqual([]);
    rec.tick(1_500);
    expect(h.performed).toEqual([{ type: "set-read-only", reason: "unresponsive" }]);
    rec.tick(1_600);
    rec.onProbe(timedOut, 2_500);
    expect(h.performed.length).toBe(1);
    h.pending.shift()?.({
      ok: false,
      error: {
        action: "fence",
        host: HOST,
        port: 0,
        errno: null,
        errorCode: "ACTION_DEADLINE",
        message: "no answer",
        statement: "",
      },
    } as Done);
    await settle();
    rec.tick(2_600);
    expect(h.performed.length).toBe(2);
  });

  test("a server read-only at its last answer (a replica) that hangs is left alone", async () => {
    const { h, rec } = harness();
    rec.onProbe(server("db1", { readOnly: true, probedAtWallMs: 1 }), 0);
    rec.onProbe(timedOut, 500);
    // (As the ledger's primary found read-only it is asked to be writable; that finishes first.)
    h.pending.shift()?.(ok({ changed: false }));
    await settle();
    rec.tick(5_000);
    rec.onProbe(timedOut, 5_000);
    expect(h.performed.filter((a) => a.type === "set-read-only")).toEqual([]);
  });

  test("buildReconcileInput passes the gap through, and leaves it out when there is none", () => {
    const base = {
      self: "db1",
      kind: "agent" as const,
      cluster: "c1",
      selfAddress: addr("db1"),
      ledger: ledgerWith("db1", 1),
      members: [],
      local: writable(1),
      quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true },
      settings: { fenceAfterMs: FENCE_AFTER_MS, autoRejoin: true },
      rejoinRequest: null,
      inFlight: [],
    };
    expect(buildReconcileInput({ ...base, unansweredForMs: 2_500 }).unansweredForMs).toBe(2_500);
    expect("unansweredForMs" in buildReconcileInput({ ...base, unansweredForMs: 0 })).toBe(false);
  });
});
