// The leader's StepFacts for a primary whose mysqld hung while its agent stayed up: how long the
// server has not answered must reach wait-fence-after, or the failover waits out its bound.
import { describe, expect, test } from "bun:test";
import { checkStepDone } from "../../../../src/failover/plan-done.ts";
import type { AgentRecord } from "../../../../src/model/agent-record.ts";
import type { InstanceState, ReachableInstance } from "../../../../src/model/instance-state.ts";
import { stepFactsOf, unansweredForMsOf } from "../../../../src/runtime/cluster-snapshot.ts";
import { factsOf, type MemberFacts } from "../../../../src/runtime/member-facts.ts";
import { addr, HOST, ledgerWith, PORTS, server } from "../reconcile/fixture.ts";

const PRODUCED_WALL_MS = 1_800_000_010_000;
const STALE_AFTER_MS = 1_500;
const WAIT_MS = 4_000;

const hung = (nodeId: string, reason: "timeout" | "refused" = "timeout"): InstanceState => ({
  reachable: false,
  key: { host: HOST, port: PORTS[nodeId] ?? 0 },
  probedAtWallMs: PRODUCED_WALL_MS,
  probeLatencyMs: 1_000,
  reason,
  errorCode: reason === "timeout" ? "ETIMEDOUT" : "ECONNREFUSED",
  message: "no answer",
});

/** A member whose record is `recordAgeMs` old, with its last good probe `lastGoodBeforeMs` before it. */
function facts(
  nodeId: string,
  instance: InstanceState,
  o: { recordAgeMs: number; lastGoodBeforeMs: number | null },
): MemberFacts {
  const lastReachable: ReachableInstance | null =
    o.lastGoodBeforeMs === null
      ? null
      : server(nodeId, { readOnly: false, probedAtWallMs: PRODUCED_WALL_MS - o.lastGoodBeforeMs });
  const record: AgentRecord = {
    nodeId,
    cluster: "c1",
    kind: "agent",
    datacenter: "",
    promotionRule: "neutral",
    agentVersion: "test",
    instanceAddress: addr(nodeId),
    producedAtWallMs: PRODUCED_WALL_MS,
    instance,
    lastReachable,
    primaryCheck: null,
    raft: null,
  };
  const f = factsOf({
    id: nodeId,
    addr: `${HOST}:1`,
    kind: "agent",
    cluster: "c1",
    status: "alive",
    lastHeardAgeMs: o.recordAgeMs,
    record,
    recordAgeMs: o.recordAgeMs,
  });
  if (f === null) throw new Error("not a member");
  return f;
}

const waitFenceAfter = { kind: "wait-fence-after" as const, nodeId: "db1", waitMs: WAIT_MS };

describe("stepFactsOf: unansweredForMs of a member whose mysqld does not answer its agent", () => {
  test("a fresh timed-out probe gives the age of the last good probe, on the checker's clock", () => {
    const f = facts("db1", hung("db1"), { recordAgeMs: 200, lastGoodBeforeMs: 4_000 });
    expect(unansweredForMsOf(f, STALE_AFTER_MS)).toBe(4_200);
    const stepFacts = stepFactsOf([f], ledgerWith("db1", 1), STALE_AFTER_MS);
    expect(stepFacts.unansweredForMs).toEqual({ db1: 4_200 });
  });

  test("wait-fence-after completes once the hung server has not answered for its wait", () => {
    const past = facts("db1", hung("db1"), { recordAgeMs: 200, lastGoodBeforeMs: 4_000 });
    const done = checkStepDone(waitFenceAfter, stepFactsOf([past], ledgerWith("db1", 1), STALE_AFTER_MS));
    expect(done.state).toBe("done");
    const early = facts("db1", hung("db1"), { recordAgeMs: 200, lastGoodBeforeMs: 2_000 });
    const pending = checkStepDone(waitFenceAfter, stepFactsOf([early], ledgerWith("db1", 1), STALE_AFTER_MS));
    expect(pending.state).toBe("pending");
  });

  test("nothing is claimed for a server that answers, a stale record, or one never seen answering", () => {
    const answering = facts("db1", server("db1"), { recordAgeMs: 200, lastGoodBeforeMs: 0 });
    const stale = facts("db1", hung("db1"), { recordAgeMs: 2_000, lastGoodBeforeMs: 9_000 });
    const never = facts("db1", hung("db1"), { recordAgeMs: 200, lastGoodBeforeMs: null });
    for (const f of [answering, stale, never]) {
      expect(unansweredForMsOf(f, STALE_AFTER_MS)).toBeNull();
      expect(stepFactsOf([f], ledgerWith("db1", 1), STALE_AFTER_MS).unansweredForMs).toEqual({});
    }
  });
});
