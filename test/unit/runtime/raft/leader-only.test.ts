// The recovery runner's raft contract: it acts only once its ledger caught up with its own term
// (leaderTerm), its proposals are never forwarded, and one that commits under another term is
// refused by the ledger on every voter.
import { describe, expect, test } from "bun:test";
import type { ProposalResult } from "../../../../src/runtime/proposals.ts";
import { HostCluster, type Sent } from "./host-cluster.ts";

const pause = { type: "pause", by: "ops", reason: "maintenance", wallMs: 1_000 } as const;

describe("leader-only proposals", () => {
  test("a new leader has no leaderTerm until its term's first entry (the no-op) applied", () => {
    const c = new HostCluster(["a", "b", "c"]);
    // Deliver everything except the followers' answers to appends: votes still elect a leader,
    // but its no-op never commits.
    const deliver = (dropAppendAcks: boolean) => {
      for (let guard = 0; c.queue.length > 0 && guard < 10_000; guard++) {
        const s = c.queue.shift() as Sent;
        const type = (s.msg as { type?: string }).type;
        if (dropAppendAcks && (type === "append-response" || type === "heartbeat-response")) continue;
        const to = c.member(s.to);
        if (s.channel === "r") to.host.onMessage(s.from, s.msg, c.nowMs);
      }
    };
    for (let i = 0; i < 300 && c.leader() === null; i++) {
      c.nowMs += 10;
      for (const id of c.ids) c.member(id).host.tick(c.nowMs);
      deliver(true);
    }
    const leader = c.leader();
    expect(leader).not.toBeNull();
    if (leader === null) return;
    expect(leader.host.status().role).toBe("leader");
    expect(leader.host.leaderTerm()).toBeNull();
    c.nowMs += 10;
    leader.host.tick(c.nowMs);
    deliver(false); // the acknowledgements now arrive: the no-op commits and applies
    c.advance(100);
    expect(leader.host.leaderTerm()).toBe(leader.host.status().term);
  });

  test("proposeAsLeader on a follower fails at once with raft.no-leader and sends nothing", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const follower = c.member(c.ids.find((id) => id !== leader.id) as string);
    const sent: Sent[] = [];
    c.onSend = (s) => sent.push(s);
    let r: ProposalResult | null = null;
    follower.proposer.proposeAsLeader(pause, leader.host.status().term, 2_000, c.nowMs).then((x) => {
      r = x;
    });
    await null;
    expect(r).toMatchObject({ ok: false, error: { code: "raft.no-leader" } });
    expect(sent.filter((s) => s.channel === "p")).toEqual([]);
  });

  test("on the leader of that term it commits, stamped with the term", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    let r: ProposalResult | null = null;
    leader.proposer.proposeAsLeader(pause, leader.host.status().term, 2_000, c.nowMs).then((x) => {
      r = x;
    });
    for (let i = 0; i < 50 && r === null; i++) {
      await null;
      c.advance(10);
    }
    expect(r).toMatchObject({ ok: true, value: { outcome: { applied: "pause" } } });
    expect(leader.host.ledgerState.paused?.by).toBe("ops");
  });

  test("a command stamped with an old term, forwarded to the new leader, is refused by the ledger", async () => {
    const c = new HostCluster(["a", "b", "c"]);
    const leader = c.electLeader();
    const oldTerm = leader.host.status().term - 1;
    const r = await c.propose(leader.id, { ...pause, term: oldTerm });
    expect(r).toMatchObject({ ok: false, error: { code: "ledger.stale-term", term: oldTerm } });
    expect(leader.host.ledgerState.paused).toBeNull();
  });
});
