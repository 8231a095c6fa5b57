// The target agent's own check before it makes its server writable for the leader: its ledger
// must name it primary of exactly the step's epoch, with a quorum heard. The leader's view may
// be stale; this one is checked right before the SQL.
import { describe, expect, test } from "bun:test";
import type { ServerAccess } from "../../../../src/runtime/server-step.ts";
import {
  type LocalLedgerCheck,
  performRequested,
  settledCall,
} from "../../../../src/runtime/recovery-wiring.ts";

// Nothing listens here: a step that got as far as the server would fail to connect instead.
const ACCESS: ServerAccess = {
  target: { address: { kind: "tcp", host: "127.0.0.1", port: 1 }, user: "u", password: "p" },
  replication: { user: "r", password: "p" },
  semiSync: false,
};

const REQ = {
  id: "q1",
  recovery: "auto-1",
  name: "make-writable:db2:2",
  source: null,
  gtid: null,
  boundMs: 500,
};

function check(primary: string | null, epoch: number, quorumOk = true): LocalLedgerCheck {
  return { selfIds: ["db2", "10.0.0.2:3306"], ledger: () => ({ primary, epoch }), quorumOk: () => quorumOk };
}

describe("agent-side make-writable guard", () => {
  test("refused when this agent's ledger names another primary or another epoch", async () => {
    const moved = await performRequested(ACCESS, REQ, check("db3", 3));
    expect(moved).toEqual({
      ok: false,
      detail: "refused: this agent's ledger names db3 at epoch 3, not db2 at epoch 2",
    });
    const later = await performRequested(ACCESS, REQ, check("db2", 3));
    expect(later.detail).toStartWith("refused: this agent's ledger names db2 at epoch 3");
  });

  test("refused without a quorum", async () => {
    const out = await performRequested(ACCESS, REQ, check("db2", 2, false));
    expect(out).toEqual({ ok: false, detail: "refused: this agent does not hear a raft quorum" });
  });

  test("allowed through to the server when the ledger names it at that epoch", async () => {
    const out = await performRequested(ACCESS, REQ, check("db2", 2));
    expect(out.ok).toBe(false); // no server listens: it got past the guard to connecting
    expect(out.detail).not.toStartWith("refused:");
  });

  test("other steps are not held to the ledger", async () => {
    const out = await performRequested(ACCESS, { ...REQ, name: "fence:db2" }, check("db3", 9, false));
    expect(out.detail).not.toStartWith("refused:");
  });

  test("leader side: a step acknowledged but unanswered is failed, not handed to the leader to redo", () => {
    expect(settledCall({ type: "timeout" })).toMatchObject({ type: "result", ok: false });
    const gone = { type: "no-ack", reason: "no acknowledgement from its agent" } as const;
    expect(settledCall(gone)).toEqual(gone);
  });
});
