import { describe, expect, test } from "bun:test";
import { PROPOSAL_FORWARD_ATTEMPTS_MAX } from "../../../../src/lib/limits.ts";
import { decodeProposalMessage } from "../../../../src/runtime/proposal-messages.ts";
import { HostCluster, type Sent } from "./host-cluster.ts";

const pause = { type: "pause", by: "ops", reason: "maintenance", wallMs: 1_000 } as const;

function appliedCount(c: HostCluster, id: string, command: string): number {
  return c.member(id).events.filter((e) => e.type === "ledger-applied" && e.command === command).length;
}

describe("proposals", () => {
  test("on the leader: appended, committed, applied; the ledger's outcome is returned", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const sent: Sent[] = [];
    c.onSend = (s) => sent.push(s);
    const r = await c.propose(leader.id, { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.value.outcome).toEqual({ applied: "set-primary" });
    expect(sent.filter((s) => s.channel === "p")).toEqual([]);
    c.advance(300); // followers learn the commit index from the next heartbeats
    for (const id of c.ids)
      expect(c.member(id).host.ledgerState).toMatchObject({ primary: "db1:3306", epoch: 1 });
  });

  test("on a follower: forwarded to the leader over channel p, committed everywhere", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const follower = c.ids.find((id) => id !== leader.id) as string;
    const sent: Sent[] = [];
    c.onSend = (s) => sent.push(s);
    const r = await c.propose(follower, pause);
    expect(r?.ok ? r.value.outcome : r).toEqual({ applied: "pause" });
    const forwarded = sent.filter((s) => s.channel === "p");
    expect(forwarded.map((s) => `${s.from}>${s.to} ${(s.msg as { t: string }).t}`)).toEqual([
      `${follower}>${leader.id} req`,
      `${leader.id}>${follower} res`,
    ]);
    c.advance(300);
    for (const id of c.ids) expect(c.member(id).host.ledgerState.paused?.by).toBe("ops");
  });

  test("a ledger rejection comes back from the leader as the proposal's error", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const follower = c.ids.find((id) => id !== leader.id) as string;
    await c.propose(leader.id, { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
    const r = await c.propose(follower, { type: "set-primary", primary: "db2:3306", expectedEpoch: 0 });
    expect(r?.ok ? null : r?.error).toMatchObject({ code: "ledger.stale-epoch", epoch: 1, expectedEpoch: 0 });
  });

  test("a retried request (lost reply) is answered from memory, not appended twice", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const follower = c.ids.find((id) => id !== leader.id) as string;
    c.cut.add(`${leader.id}>${follower}:p`); // replies are lost; the follower retries
    let result: unknown = null;
    c.member(follower)
      .proposer.propose(pause, 5_000, c.nowMs)
      .then((r) => {
        result = r;
      });
    const reqs: Sent[] = [];
    c.onSend = (s) => {
      if (s.channel === "p" && s.from === follower) reqs.push(s);
    };
    c.advance(800);
    expect(reqs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(reqs.map((s) => (s.msg as { id: string }).id)).size).toBe(1);
    c.cut.clear();
    c.advance(400);
    await null;
    expect(result).toMatchObject({ ok: true, value: { outcome: { applied: "pause" } } });
    expect(appliedCount(c, leader.id, "pause")).toBe(1);
  });

  test("a retry that a new leader appends again is answered 'applied (repeat)', not rejected", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const old = c.electLeader();
    const [follower, other] = c.ids.filter((id) => id !== old.id) as [string, string];
    c.cut.add(`${old.id}>${follower}:p`); // the old leader's answer never arrives
    let result: unknown = null;
    const setPrimary = { type: "set-primary", primary: "db2:3306", expectedEpoch: 0 } as const;
    c.member(follower)
      .proposer.propose(setPrimary, 8_000, c.nowMs)
      .then((r) => {
        result = r;
      });
    c.advance(300);
    expect(c.member(other).host.ledgerState).toMatchObject({ primary: "db2:3306", epoch: 1 });
    // The old leader drops out; the follower's retry (same request id) reaches the new leader,
    // which has no memory of it and appends a second copy.
    for (const id of c.ids) c.cut.add(`${old.id}>${id}`).add(`${id}>${old.id}`);
    for (let t = 0; t < 8_000 && result === null; t += 50) {
      c.advance(50);
      await null;
    }
    const now = [follower, other].map((id) => c.member(id)).find((m) => m.host.status().role === "leader");
    if (now === undefined) throw new Error("no new leader");
    const copies = now.events.filter(
      (e) => (e.type === "ledger-applied" && e.command === "set-primary") || e.type === "ledger-rejected",
    );
    expect(copies.length).toBe(2); // both copies committed: the case this test is about
    expect(result).toMatchObject({ ok: true, value: { outcome: { applied: "set-primary", repeat: true } } });
    expect(c.member(follower).host.ledgerState).toMatchObject({ primary: "db2:3306", epoch: 1 });
  });

  test("no leader: raft.no-leader once the deadline passes", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    c.crash("b");
    c.crash("c");
    const r = await c.propose("a", pause, 1_500);
    expect(r?.ok ? null : r?.error).toMatchObject({ code: "raft.no-leader" });
  });

  test("a leader that never answers: bounded retries, then raft.proposal-timeout (forwarding)", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const follower = c.ids.find((id) => id !== leader.id) as string;
    c.cut.add(`${follower}>${leader.id}:p`);
    let reqs = 0;
    c.onSend = (s) => {
      if (s.channel === "p" && s.from === follower) reqs++;
    };
    const r = await c.propose(follower, pause, 60_000, 60_000);
    expect(r?.ok ? null : r?.error).toMatchObject({ code: "raft.proposal-timeout", stage: "forwarding" });
    expect(reqs).toBe(PROPOSAL_FORWARD_ATTEMPTS_MAX);
    expect(appliedCount(c, leader.id, "pause")).toBe(0);
  });

  test("a follower asked as if it led says so; the sender retries at the real leader", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const [f1, f2] = c.ids.filter((id) => id !== leader.id) as [string, string];
    const replies: unknown[] = [];
    c.onSend = (s) => {
      if (s.channel === "p" && s.from === f2) replies.push(s.msg);
    };
    c.member(f2).proposer.onMessage(
      f1,
      { t: "req", id: "x1", cmd: new TextEncoder().encode(JSON.stringify(pause)) },
      c.nowMs,
    );
    expect(replies).toEqual([
      {
        t: "res",
        id: "x1",
        ok: false,
        error: { code: "raft.not-leader", leader: leader.id, term: leader.host.status().term },
      },
    ]);
  });

  test("malformed proposal messages are ignored", () => {
    expect(decodeProposalMessage({ t: "req", id: "", cmd: new Uint8Array(1) })).toBeNull();
    expect(decodeProposalMessage({ t: "req", id: "x", cmd: "text" })).toBeNull();
    expect(decodeProposalMessage({ t: "res", id: "x", ok: false, error: { code: "evil.code" } })).toBeNull();
    expect(decodeProposalMessage({ t: "res", id: "x", ok: true, index: 0, applied: "pause" })).toBeNull();
    expect(decodeProposalMessage([1, 2])).toBeNull();
    expect(decodeProposalMessage({ t: "res", id: "x", ok: true, index: 3, applied: "pause" })).toEqual({
      t: "res",
      id: "x",
      ok: true,
      index: 3,
      applied: "pause",
    });
  });
});
