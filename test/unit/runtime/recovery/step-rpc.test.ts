// The step RPC between the leader and a target's agent, over a fake wire whose delivery the test
// controls: acknowledgement, answer, resends that never run a step twice, refusal of non-leaders.
import { describe, expect, test } from "bun:test";
import { STEP_RPC_RESEND_MS } from "../../../../src/lib/limits.ts";
import {
  type CallResult,
  decodeStepMessage,
  type StepMessage,
  type StepOutcome,
  type StepRequest,
  StepRpc,
  type StepRpcDeps,
} from "../../../../src/runtime/step-rpc.ts";
import { acceptanceOf } from "../../../../src/runtime/recovery-wiring.ts";

const REQ: StepRequest = {
  id: "r1",
  recovery: "rec",
  name: "promote:db2",
  source: null,
  gtid: null,
  boundMs: 1_000,
};

interface Wire {
  leader: StepRpc;
  agent: StepRpc;
  runs: string[];
  /** Messages in flight; deliver() hands them over. */
  queue: { to: "leader" | "agent"; from: string; msg: StepMessage }[];
  deliver(drop?: (m: StepMessage) => boolean): void;
  finish(out: StepOutcome): void;
}

function wire(o: { acceptFrom?: StepRpcDeps["acceptFrom"] } = {}): Wire {
  const queue: Wire["queue"] = [];
  const runs: string[] = [];
  let finish: (out: StepOutcome) => void = () => {};
  const leader = new StepRpc({
    send: (_to, msg) => queue.push({ to: "agent", from: "db1", msg }),
    acceptFrom: () => ({ type: "refuse" }),
    performLocal: async () => ({ ok: false, detail: "leader does not perform" }),
  });
  const agent = new StepRpc({
    send: (_to, msg) => queue.push({ to: "leader", from: "db2", msg }),
    acceptFrom: o.acceptFrom ?? ((from, term) => acceptanceOf({ term: 3, leader: "db1" }, from, term)),
    performLocal: (req) => {
      runs.push(req.name);
      return new Promise((resolve) => {
        finish = resolve;
      });
    },
  });
  return {
    leader,
    agent,
    runs,
    queue,
    deliver(drop = () => false) {
      for (const m of queue.splice(0)) {
        if (drop(m.msg)) continue;
        (m.to === "agent" ? agent : leader).onMessage(m.from, m.msg);
      }
    },
    finish: (out) => finish(out),
  };
}

const tickFlush = async () => {
  await Promise.resolve();
  await Promise.resolve();
};

describe("step RPC", () => {
  test("the agent acknowledges, performs once and answers; the leader gets the answer", async () => {
    const w = wire();
    const got: { result: CallResult | null } = { result: null };
    w.leader.call("db2", REQ, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 5_000 }).then((r) => {
      got.result = r;
    });
    w.deliver();
    expect(w.runs).toEqual(["promote:db2"]);
    w.deliver(); // the ack
    w.leader.tick(STEP_RPC_RESEND_MS); // resent while unanswered: the agent only acknowledges again
    w.deliver();
    w.deliver();
    expect(w.runs).toEqual(["promote:db2"]);
    w.finish({ ok: true, detail: "promoted" });
    await tickFlush();
    w.deliver();
    await tickFlush();
    expect(got.result).toEqual({ type: "result", ok: true, detail: "promoted" });
  });

  test("a lost answer is asked for again and repeated, not re-run", async () => {
    const w = wire();
    const got: { result: CallResult | null } = { result: null };
    w.leader.call("db2", REQ, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 5_000 }).then((r) => {
      got.result = r;
    });
    w.deliver();
    w.deliver();
    w.finish({ ok: false, detail: "no" });
    await tickFlush();
    w.deliver((m) => m.t === "step-res"); // the answer is lost
    expect(got.result).toBeNull();
    w.leader.tick(STEP_RPC_RESEND_MS);
    w.deliver();
    w.deliver();
    await tickFlush();
    expect(w.runs.length).toBe(1);
    expect(got.result).toEqual({ type: "result", ok: false, detail: "no" });
  });

  test("no acknowledgement within the bound: the agent is gone", async () => {
    const w = wire();
    const p = w.leader.call("db2", REQ, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 5_000 });
    w.queue.length = 0; // never delivered
    w.leader.tick(599);
    w.leader.tick(600);
    expect(await p).toEqual({ type: "no-ack", reason: "no acknowledgement from its agent" });
  });

  test("acknowledged but never answered: timeout", async () => {
    const w = wire();
    const p = w.leader.call("db2", REQ, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 2_000 });
    w.deliver();
    w.deliver();
    w.leader.tick(2_000);
    expect(await p).toEqual({ type: "timeout" });
  });

  test("an agent refuses a sender that is not its leader, runs nothing, and the step fails (no remote retry)", async () => {
    const w = wire({ acceptFrom: () => ({ type: "refuse" }) });
    const p = w.leader.call("db2", REQ, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 2_000 });
    w.deliver();
    w.deliver();
    const r = await p;
    expect(r).toMatchObject({ type: "result", ok: false });
    expect(w.runs).toEqual([]);
  });

  test("a request of a deposed leader's term is refused as a failed step, never to be done remotely", async () => {
    // The agent follows term 3 (led by db1); db1's request still says term 2.
    const w = wire();
    const p = w.leader.call(
      "db2",
      { ...REQ, term: 2 },
      { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 2_000 },
    );
    w.deliver();
    w.deliver();
    const r = await p;
    expect(r).toMatchObject({ type: "result", ok: false });
    expect(w.runs).toEqual([]);
  });

  test("a request of a term the agent has not heard of yet is served on a resend once it has", async () => {
    let agentTerm = 3;
    const w = wire({
      acceptFrom: (from, term) => acceptanceOf({ term: agentTerm, leader: "db1" }, from, term),
    });
    let result = null as CallResult | null;
    w.leader
      .call("db2", { ...REQ, term: 4 }, { nowMs: 0, ackTimeoutMs: 600, resultTimeoutMs: 5_000 })
      .then((r) => {
        result = r;
      });
    w.deliver();
    w.deliver();
    await tickFlush();
    expect(w.runs).toEqual([]); // silent: no refusal, no acknowledgement
    expect(result).toBeNull();
    agentTerm = 4;
    w.leader.tick(STEP_RPC_RESEND_MS);
    w.deliver();
    w.deliver();
    expect(w.runs).toEqual(["promote:db2"]);
    w.finish({ ok: true, detail: "promoted" });
    await tickFlush();
    w.deliver();
    await tickFlush();
    expect(result).toEqual({ type: "result", ok: true, detail: "promoted" });
  });

  test("the request's term travels over the wire", () => {
    expect(decodeStepMessage({ t: "step-req", ...REQ, term: 7 })).toEqual({ t: "step-req", ...REQ, term: 7 });
    expect(decodeStepMessage({ t: "step-req", ...REQ, term: -1 })).toBeNull();
    expect(decodeStepMessage({ t: "step-rej", id: "x", reason: "r", term: 9 })).toEqual({
      t: "step-rej",
      id: "x",
      reason: "r",
      term: 9,
    });
  });

  test("malformed messages decode to null", () => {
    expect(decodeStepMessage(null)).toBeNull();
    expect(
      decodeStepMessage({
        t: "step-req",
        id: "x",
        name: "a",
        recovery: "b",
        source: 5,
        gtid: null,
        boundMs: 1,
      }),
    ).toBeNull();
    expect(
      decodeStepMessage({
        t: "step-req",
        id: "x",
        name: "a",
        recovery: "b",
        source: null,
        gtid: null,
        boundMs: -1,
      }),
    ).toBeNull();
    expect(decodeStepMessage({ t: "step-res", id: "x", ok: "yes", detail: "" })).toBeNull();
    expect(decodeStepMessage({ t: "step-ack", id: "" })).toBeNull();
    expect(decodeStepMessage({ t: "step-req", ...REQ })).toEqual({ t: "step-req", ...REQ });
  });
});
