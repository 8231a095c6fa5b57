// What "done" means for each step, checked against observed servers and the ledger: how a resumed
// plan finds what the last leader already finished, and how the executor verifies a step.
import { describe, expect, test } from "bun:test";
import { checkStepDone, type StepFacts } from "../../../src/failover/plan-done.ts";
import type { StepAction } from "../../../src/failover/plan-steps.ts";
import type { Flavor, InstanceState } from "../../../src/model/instance-state.ts";
import { healthy, keyOf, U } from "./view-builder.ts";

function facts(b: ReturnType<typeof healthy>, patch: Partial<StepFacts> = {}): StepFacts {
  const view = b.build();
  const instances: Record<string, InstanceState | null> = {};
  for (const a of view.agents) instances[a.nodeId] = a.instance;
  return {
    ledger: { primary: "db1", epoch: 4 },
    instances,
    addresses: Object.fromEntries(view.agents.map((a) => [a.nodeId, [keyOf(a.nodeId)]])),
    silentForMs: Object.fromEntries(view.agents.map((a) => [a.nodeId, a.recordAgeMs])),
    ...patch,
  };
}

const state = (a: StepAction, f: StepFacts) => checkStepDone(a, f).state;

describe("checkStepDone", () => {
  test("hooks leave nothing to observe", () => {
    expect(state({ kind: "run-hooks", hook: "PreFailover" }, facts(healthy("mariadb", 3)))).toBe(
      "unobservable",
    );
  });

  test("wait-fence-after: done at exactly waitMs of silence, not 1 ms before; unknown agent never", () => {
    const a: StepAction = { kind: "wait-fence-after", nodeId: "db1", waitMs: 2_000 };
    // A silent agent's probe is stale: the runtime hands over no instance for it.
    const f = { ...facts(healthy("mariadb", 3)), instances: {} };
    expect(state(a, { ...f, silentForMs: { db1: 2_000 } })).toBe("done");
    expect(state(a, { ...f, silentForMs: { db1: 1_999 } })).toBe("pending");
    expect(state(a, { ...f, silentForMs: {} })).toBe("pending");
  });

  describe("wait-fence-after with the old primary's agent alive (review 1, item 2)", () => {
    const a: StepAction = { kind: "wait-fence-after", nodeId: "db1", waitMs: 2_000 };
    const alive = { silentForMs: { db1: 100 } };

    test("its mysqld hung: done only once its agent has failed to reach it for waitMs", () => {
      const hung = facts(healthy("mysql", 3).mysqldDown("db1", "timeout"), alive);
      // Before the fix: pending forever on silence, or (no wait planned at all) two writers.
      expect(checkStepDone(a, hung)).toEqual({
        state: "pending",
        why: "db1 does not answer its agent (timeout, ETIMEDOUT)",
      });
      expect(state(a, { ...hung, unansweredForMs: { db1: 1_999 } })).toBe("pending");
      expect(state(a, { ...hung, unansweredForMs: { db1: 2_000 } })).toBe("done");
    });

    test("nothing listening (refused, reset) is done at once; a writable server is not", () => {
      expect(state(a, facts(healthy("mysql", 3).mysqldDown("db1", "refused"), alive))).toBe("done");
      expect(state(a, facts(healthy("mysql", 3).mysqldDown("db1", "reset"), alive))).toBe("done");
      const writable = facts(healthy("mysql", 3), { ...alive, unansweredForMs: { db1: 60_000 } });
      expect(checkStepDone(a, writable)).toEqual({
        state: "pending",
        why: "db1 answers and is not fenced yet",
      });
    });

    test("answering fenced is done; read_only without super_read_only is not", () => {
      const fenced = healthy("mysql", 3).patchInst("db1", { readOnly: true, superReadOnly: true });
      expect(state(a, facts(fenced, alive))).toBe("done");
      const half = healthy("mysql", 3).patchInst("db1", { readOnly: true, superReadOnly: false });
      expect(state(a, facts(half, alive))).toBe("pending");
    });

    test("an agent that cannot log in or resolve proves nothing, however long", () => {
      for (const reason of ["auth", "dns", "error"] as const) {
        const f = facts(healthy("mysql", 3).mysqldDown("db1", reason), {
          ...alive,
          unansweredForMs: { db1: 60_000 },
        });
        expect(state(a, f)).toBe("pending");
      }
    });
  });

  test.each(["mariadb", "mysql"] as const)(
    "%s: wait-relay-applied until executed covers retrieved",
    (flavor: Flavor) => {
      const a: StepAction = { kind: "wait-relay-applied", nodeId: "db2" };
      const behind = flavor === "mariadb" ? "0-1-90" : `${U[1]}:1-90`;
      const all = flavor === "mariadb" ? "0-1-100" : `${U[1]}:1-100`;
      expect(state(a, facts(healthy(flavor, 3).gtids("db2", behind, all)))).toBe("pending");
      expect(state(a, facts(healthy(flavor, 3).gtids("db2", all, all)))).toBe("done");
    },
  );

  test("wait-caught-up needs the old primary fenced and every one of its GTIDs on the candidate", () => {
    const a: StepAction = { kind: "wait-caught-up", nodeId: "db2", fromNodeId: "db1" };
    const writable = healthy("mysql", 3);
    expect(state(a, facts(writable))).toBe("pending");
    const fenced = () => healthy("mysql", 3).patchInst("db1", { readOnly: true });
    expect(state(a, facts(fenced()))).toBe("done");
    expect(state(a, facts(fenced().gtids("db1", `${U[1]}:1-101`)))).toBe("pending");
  });

  test("detach: done only once the replica receives nothing (IO thread no) and has applied what it received", () => {
    const a: StepAction = { kind: "detach", nodeId: "db3" };
    expect(checkStepDone(a, facts(healthy("mariadb", 3)))).toEqual({
      state: "pending",
      why: "db3 is still receiving",
    });
    // Retrying a dead source is receiving too: the source may wake up and send its tail.
    const connecting = healthy("mariadb", 3).patchChannel("db3", { ioState: "connecting" });
    expect(state(a, facts(connecting))).toBe("pending");
    const stoppedBehind = healthy("mariadb", 3)
      .gtids("db3", "0-1-90", "0-1-100")
      .patchChannel("db3", { ioState: "no" });
    expect(checkStepDone(a, facts(stoppedBehind))).toEqual({
      state: "pending",
      why: "db3 has relay log left to apply",
    });
    const stopped = healthy("mariadb", 3).patchChannel("db3", { ioState: "no" });
    expect(state(a, facts(stopped))).toBe("done");
    expect(state(a, facts(healthy("mariadb", 3).patchInst("db3", { channels: [] })))).toBe("done");
    expect(state(a, facts(healthy("mariadb", 3).mysqldDown("db3")))).toBe("pending");
  });

  test("reattach: done once no IO thread of the replica is stopped", () => {
    const a: StepAction = { kind: "reattach", nodeId: "db3" };
    expect(state(a, facts(healthy("mariadb", 3)))).toBe("done");
    expect(state(a, facts(healthy("mariadb", 3).patchChannel("db3", { ioState: "connecting" })))).toBe(
      "done",
    );
    expect(checkStepDone(a, facts(healthy("mariadb", 3).patchChannel("db3", { ioState: "no" })))).toEqual({
      state: "pending",
      why: "db3 has an IO thread stopped",
    });
  });

  test("promote: done once the candidate has no channel", () => {
    const a: StepAction = { kind: "promote", nodeId: "db2" };
    expect(state(a, facts(healthy("mariadb", 3)))).toBe("pending");
    expect(state(a, facts(healthy("mariadb", 3).patchInst("db2", { channels: [] })))).toBe("done");
  });

  test("set-primary: done when the ledger names the node above the expected epoch; lost when someone else won", () => {
    const a: StepAction = { kind: "set-primary", nodeId: "db2", expectedEpoch: 4 };
    const f = facts(healthy("mariadb", 3));
    expect(state(a, f)).toBe("pending");
    expect(state(a, { ...f, ledger: { primary: "db2", epoch: 5 } })).toBe("done");
    expect(checkStepDone(a, { ...f, ledger: { primary: "db3", epoch: 5 } })).toEqual({
      state: "impossible",
      why: "the ledger moved to db3 at epoch 5",
    });
  });

  test("make-writable and fence follow read_only; an unreachable server is never done", () => {
    const f = facts(healthy("mysql", 3));
    const f5 = (primary: string) => ({ ...f, ledger: { primary, epoch: 5 } });
    expect(state({ kind: "make-writable", nodeId: "db2", epoch: 5 }, f5("db2"))).toBe("pending");
    expect(state({ kind: "make-writable", nodeId: "db1", epoch: 5 }, f5("db1"))).toBe("done");
    expect(state({ kind: "fence", nodeId: "db1" }, f)).toBe("pending");
    expect(state({ kind: "fence", nodeId: "db2" }, f)).toBe("done");
    expect(state({ kind: "fence", nodeId: "db1" }, facts(healthy("mysql", 3).mysqldDown("db1")))).toBe(
      "pending",
    );
    const superOff = healthy("mysql", 3).patchInst("db1", { readOnly: true, superReadOnly: false });
    expect(state({ kind: "fence", nodeId: "db1" }, facts(superOff))).toBe("pending");
  });

  test("make-writable: impossible unless the ledger names this node at exactly this epoch", () => {
    const f = facts(healthy("mysql", 3)); // db1 is writable
    const a: StepAction = { kind: "make-writable", nodeId: "db1", epoch: 5 };
    const at = (primary: string | null, epoch: number) =>
      checkStepDone(a, { ...f, ledger: { primary, epoch } });
    expect(at("db1", 5).state).toBe("done");
    expect(at("db2", 5)).toEqual({
      state: "impossible",
      why: "the ledger names db2 at epoch 5, not db1 at epoch 5",
    });
    expect(at("db1", 6).state).toBe("impossible"); // a later promotion of the same node: not this step's
    expect(at("db1", 4).state).toBe("impossible"); // set-primary has not happened
    expect(at(null, 5).state).toBe("impossible");
    // Even with the server out of reach the answer is the ledger's.
    const down = facts(healthy("mysql", 3).mysqldDown("db1"), { ledger: { primary: "db2", epoch: 5 } });
    expect(state(a, down)).toBe("impossible");
  });

  test("repoint: done only when the channel from the new source runs both threads", () => {
    const a: StepAction = { kind: "repoint", nodeId: "db3", sourceNodeId: "db2" };
    expect(state(a, facts(healthy("mariadb", 3)))).toBe("pending");
    const moved = () => {
      const b = healthy("mariadb", 3);
      b.patchChannel("db3", { sourceHost: keyOf("db2").host });
      return b;
    };
    expect(state(a, facts(moved()))).toBe("done");
    expect(state(a, facts(moved().ioDown(["db3"])))).toBe("pending");
  });

  test("demote: the old primary must be read-only and replicating from the new one", () => {
    const a: StepAction = { kind: "demote", nodeId: "db1", sourceNodeId: "db2" };
    const b = healthy("mariadb", 3);
    const channel = { ...b.channel("db3"), sourceHost: keyOf("db2").host };
    expect(state(a, facts(b))).toBe("pending");
    b.patchInst("db1", { channels: [channel] });
    expect(state(a, facts(b))).toBe("pending"); // still writable
    b.patchInst("db1", { readOnly: true });
    expect(state(a, facts(b))).toBe("done");
  });
});
