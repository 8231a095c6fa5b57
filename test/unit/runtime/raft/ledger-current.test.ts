// RaftHost.ledgerCurrent(): the reconciler may make a server writable only on a ledger that holds
// everything the leader committed. A voter cut off past the election timeout and healed in the
// same term hears the leader's heartbeat (whose commit is capped at what the leader thinks the
// voter holds, but whose leaderCommit is not) before the entries it missed: it must not count as
// current until it has them, however long the appends to it stay lost.
import { describe, expect, test } from "bun:test";
import { HostCluster, type Sent } from "./host-cluster.ts";

const IDS = ["a", "b", "c"];

function cutOff(c: HostCluster, id: string): void {
  for (const other of c.ids) {
    if (other === id) continue;
    c.cut.add(`${id}>${other}`);
    c.cut.add(`${other}>${id}`);
  }
}

function heal(c: HostCluster): void {
  c.cut.clear();
}

/** Delivers queued messages one by one, dropping those `drop` picks (as a lossy link would). */
function settleDropping(c: HostCluster, drop: (s: Sent) => boolean): void {
  for (let guard = 0; c.queue.length > 0 && guard < 10_000; guard++) {
    const s = c.queue.shift() as Sent;
    const to = c.members.get(s.to);
    if (!to || drop(s)) continue;
    if (s.channel === "r") to.host.onMessage(s.from, s.msg, c.nowMs);
    else to.proposer.onMessage(s.from, s.msg, c.nowMs);
  }
}

/** Moves time like HostCluster.advance, but through settleDropping. */
function advanceDropping(c: HostCluster, ms: number, drop: (s: Sent) => boolean): void {
  const until = c.nowMs + ms;
  while (c.nowMs < until) {
    c.nowMs += 10;
    for (const m of c.members.values()) m.host.tick(c.nowMs);
    settleDropping(c, drop);
  }
}

async function clusterWithPrimary() {
  const c = new HostCluster(IDS);
  const leader = c.electLeader();
  await c.propose(leader.id, { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
  c.advance(600);
  const follower = IDS.find((id) => id !== leader.id) as string;
  return { c, leader, follower };
}

describe("RaftHost.ledgerCurrent", () => {
  test("a leader with its term's no-op applied, and its followers in steady contact, are current", async () => {
    const { c, leader } = await clusterWithPrimary();
    for (const id of IDS) expect(c.member(id).host.ledgerCurrent(c.nowMs)).toBe(true);
    expect(leader.host.status().role).toBe("leader");
  });

  test("cut off past the election timeout: not current (no leader to follow)", async () => {
    const { c, follower } = await clusterWithPrimary();
    cutOff(c, follower);
    c.advance(1_500);
    expect(c.member(follower).host.status().leader).toBeNull();
    expect(c.member(follower).host.ledgerCurrent(c.nowMs)).toBe(false);
  });

  test("healed in the same term: not current on the leader's first heartbeats, current once caught up", async () => {
    const { c, leader, follower } = await clusterWithPrimary();
    const term = leader.host.status().term;
    cutOff(c, follower);
    c.advance(1_500);
    // The majority moves on without it.
    await c.propose(leader.id, { type: "set-primary", primary: "db2:3306", expectedEpoch: 1 });
    expect(leader.host.ledgerState.epoch).toBe(2);
    heal(c);
    // Appends to the healed voter are lost for a while; heartbeats get through.
    const lostAppend = (s: Sent) => s.to === follower && (s.msg as { type: string }).type === "append";
    const f = c.member(follower).host;
    let followedLeader = false;
    for (let i = 0; i < 30; i++) {
      advanceDropping(c, 10, lostAppend);
      if (f.status().leader === leader.id) followedLeader = true;
      expect(f.ledgerState.epoch).toBe(1);
      expect(f.ledgerCurrent(c.nowMs)).toBe(false);
    }
    // Same term as before the cut, and the old ledger applied in it: only the missed commit
    // tells it is stale.
    expect(followedLeader).toBe(true);
    expect(f.status().term).toBe(term);
    c.advance(600);
    expect(f.ledgerState.epoch).toBe(2);
    expect(f.ledgerCurrent(c.nowMs)).toBe(true);
  });

  test("healed, its appends lost for longer than the settle stretch: never current while it lacks a commit", async () => {
    // The leader's heartbeats carry a commit capped at what it believes the voter holds; only
    // their uncapped leaderCommit tells the voter it is behind once contact has lasted a while.
    const { c, leader, follower } = await clusterWithPrimary();
    cutOff(c, follower);
    c.advance(1_500);
    await c.propose(leader.id, { type: "set-primary", primary: "db2:3306", expectedEpoch: 1 });
    heal(c);
    const lostAppend = (s: Sent) => s.to === follower && (s.msg as { type: string }).type === "append";
    const f = c.member(follower).host;
    const stretchMs = 3 * f.config.electionTimeoutMaxMs;
    for (let t = 0; t < stretchMs; t += 50) {
      advanceDropping(c, 50, lostAppend);
      expect(f.ledgerState.epoch).toBe(1);
      expect(f.ledgerCurrent(c.nowMs)).toBe(false);
    }
    expect(f.status().leader).toBe(leader.id);
    c.advance(600);
    expect(f.ledgerState.epoch).toBe(2);
    expect(f.ledgerCurrent(c.nowMs)).toBe(true);
  });

  test("right after rejoining the leader, not current until the settle stretch has passed", async () => {
    const { c, follower } = await clusterWithPrimary();
    cutOff(c, follower);
    c.advance(1_500);
    heal(c);
    const f = c.member(follower).host;
    c.advance(100);
    expect(f.status().leader).not.toBeNull();
    expect(f.ledgerCurrent(c.nowMs)).toBe(false);
    c.advance(600);
    expect(f.ledgerCurrent(c.nowMs)).toBe(true);
  });

  test("a leader's word older than the election timeout: not current", async () => {
    const { c, follower } = await clusterWithPrimary();
    const f = c.member(follower).host;
    expect(f.ledgerCurrent(c.nowMs)).toBe(true);
    expect(f.ledgerCurrent(c.nowMs + f.config.electionTimeoutMaxMs)).toBe(false);
  });
});
