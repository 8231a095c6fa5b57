import { describe, expect, test } from "bun:test";
import { REJOIN_RPC_RESEND_MS } from "../../../../src/lib/limits.ts";
import type { RejoinOutcome } from "../../../../src/runtime/reconciler.ts";
import { decodeRejoinMessage, type RejoinMessage, RejoinRpc } from "../../../../src/runtime/rejoin-rpc.ts";

const REJOINED: RejoinOutcome = {
  kind: "rejoined",
  nodeId: "b",
  source: "h:2",
  forced: false,
  changed: true,
};

/** Two agents "a" and "b"; `drop` decides which datagrams are lost. */
function pair(drop: (to: string, m: RejoinMessage) => boolean = () => false) {
  const handled: boolean[] = [];
  let release: (o: RejoinOutcome) => void = () => {};
  const nodes: Record<string, RejoinRpc> = {};
  const sender = (from: string) => (to: string, m: RejoinMessage) => {
    if (!drop(to, m)) nodes[to]?.onMessage(from, m, 0);
  };
  let n = 0;
  nodes.a = new RejoinRpc({ send: sender("a"), handle: async () => REJOINED, newId: () => `a${n++}` });
  nodes.b = new RejoinRpc({
    send: sender("b"),
    handle: (force) => {
      handled.push(force);
      return new Promise((r) => {
        release = r;
      });
    },
    newId: () => `b${n++}`,
  });
  return { a: nodes.a, b: nodes.b, handled, release: (o: RejoinOutcome) => release(o) };
}

describe("RejoinRpc", () => {
  test("a request reaches the other agent, runs once, and its answer comes back", async () => {
    const p = pair();
    const answer = p.a.call("b", true, 5_000, 0);
    expect(p.handled).toEqual([true]);
    p.a.tick(REJOIN_RPC_RESEND_MS); // a resend while it runs does not run it again
    expect(p.handled).toEqual([true]);
    p.release(REJOINED);
    expect(await answer).toEqual(REJOINED);
  });

  test("a lost request is resent and a lost answer is repeated for the resend", async () => {
    let dropped = 0;
    const p = pair((to, m) => {
      if (dropped < 1 && to === "a" && m.t === "rj-res") {
        dropped++;
        return true;
      }
      return false;
    });
    const answer = p.a.call("b", false, 5_000, 0);
    p.release(REJOINED);
    await new Promise((r) => setImmediate(r));
    p.a.tick(REJOIN_RPC_RESEND_MS);
    expect(await answer).toEqual(REJOINED);
    expect(p.handled).toEqual([false]);
  });

  test("no answer by the deadline: null", async () => {
    const p = pair(() => true);
    const answer = p.a.call("b", false, 1_000, 0);
    p.a.tick(999);
    p.a.tick(1_000);
    expect(await answer).toBeNull();
    expect(p.handled).toEqual([]);
  });

  test("an answer from someone other than the asked agent is ignored", async () => {
    const p = pair(() => true);
    const answer = p.a.call("b", false, 1_000, 0);
    p.a.onMessage("c", { t: "rj-res", id: "a0", outcome: REJOINED }, 1);
    p.a.tick(1_000);
    expect(await answer).toBeNull();
  });
});

describe("decodeRejoinMessage", () => {
  test("accepts the two frames and refuses anything else", () => {
    expect(decodeRejoinMessage({ t: "rj-req", id: "x", force: false }).ok).toBe(true);
    expect(decodeRejoinMessage({ t: "rj-res", id: "x", outcome: REJOINED }).ok).toBe(true);
    expect(decodeRejoinMessage({ t: "rj-req", id: "x" }).ok).toBe(false);
    expect(decodeRejoinMessage({ t: "rj-res", id: "x", outcome: { kind: "nope", nodeId: "b" } }).ok).toBe(
      false,
    );
    expect(decodeRejoinMessage({ t: "rj-req", id: 5, force: true }).ok).toBe(false);
    expect(decodeRejoinMessage(null).ok).toBe(false);
  });
});
