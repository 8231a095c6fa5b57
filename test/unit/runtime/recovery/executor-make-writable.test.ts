// The executor re-checks make-writable against the ledger right before acting: once the ledger no
// longer names that node at that epoch (another primary change won), nobody is asked to do it.
import { describe, expect, test } from "bun:test";
import type { StepFacts } from "../../../../src/failover/plan-done.ts";
import type { PlanStep } from "../../../../src/failover/plan.ts";
import { ok } from "../../../../src/lib/result.ts";
import type { ClusterSnapshot } from "../../../../src/runtime/cluster-snapshot.ts";
import { RecoveryExecutor } from "../../../../src/runtime/recovery-executor.ts";
import type { StepRequest } from "../../../../src/runtime/step-rpc.ts";
import { HOST, PORTS, server } from "../reconcile/fixture.ts";

const makeWritable: PlanStep = {
  index: 5,
  name: "make-writable:db2:2",
  action: { kind: "make-writable", nodeId: "db2", epoch: 2 },
  performer: { by: "agent", nodeId: "db2" },
  when: "on-success",
  onFailure: "continue",
  stage: 5,
  boundMs: 1_000,
  done: "db2 is writable",
};

function snapshotWithLedger(primary: string, epoch: number): ClusterSnapshot {
  const stepFacts: StepFacts = {
    ledger: { primary, epoch },
    instances: { db2: server("db2", { readOnly: true }) },
    addresses: { db2: [{ host: HOST, port: PORTS.db2 ?? 0 }] },
    silentForMs: { db2: 0 },
  };
  return {
    cluster: "c1",
    nowMs: 0,
    nowWallMs: 0,
    view: {
      cluster: "c1",
      nowMs: 0,
      primary: null,
      agents: [],
      downtimes: [],
      paused: { global: false, cluster: false },
    },
    facts: [],
    ledger: { primary, epoch } as ClusterSnapshot["ledger"],
    stepFacts,
    alive: new Set(["db2"]),
  };
}

function executor(ledger: { primary: string; epoch: number }) {
  const calls: StepRequest[] = [];
  const e = new RecoveryExecutor({
    selfId: "db3",
    monoMs: () => 0,
    sleep: async () => {},
    snapshot: () => snapshotWithLedger(ledger.primary, ledger.epoch),
    propose: async () => ok({ index: 1, outcome: { applied: "no-op" } }) as never,
    callAgent: async (_nodeId, req) => {
      calls.push(req);
      return { type: "result", ok: true, detail: "read_only turned off" };
    },
    localAccess: null,
    admin: { user: "keel", password: "pw" },
    replication: { user: "repl", password: "repl" },
    semiSync: false,
    hooks: { commands: {}, timeoutMs: 1_000 } as never,
    newRequestId: () => "r1",
  });
  return { e, calls };
}

const scope = { recoveryId: "rec-1", hookFacts: () => ({}) as never };

describe("RecoveryExecutor make-writable", () => {
  test("refused, and no agent asked, when the ledger moved on to another primary", async () => {
    const { e, calls } = executor({ primary: "db1", epoch: 3 });
    const out = await e.perform(makeWritable, scope);
    expect(out.ok).toBe(false);
    expect(out.detail).toContain("refused");
    expect(out.detail).toContain("db1 at epoch 3");
    expect(calls).toEqual([]);
  });

  test("refused when the ledger names the node at another epoch", async () => {
    const { e, calls } = executor({ primary: "db2", epoch: 3 });
    const out = await e.perform(makeWritable, scope);
    expect(out.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  test("performed by the node's agent while the ledger names it at exactly that epoch", async () => {
    const { e, calls } = executor({ primary: "db2", epoch: 2 });
    const out = await e.perform(makeWritable, scope);
    expect(out).toEqual({ ok: true, detail: "by db2's agent: read_only turned off" });
    expect(calls.map((c) => c.name)).toEqual(["make-writable:db2:2"]);
  });
});
