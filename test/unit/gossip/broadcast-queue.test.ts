import { describe, expect, test } from "bun:test";
import { BroadcastQueue, membershipKey } from "../../../src/gossip/broadcast-queue.ts";
import { splitRecord } from "../../../src/gossip/chunking.ts";
import type { GossipUpdate } from "../../../src/gossip/messages.ts";
import { msgpackSize } from "../../../src/gossip/wire-size.ts";
import { GOSSIP_QUEUE_MAX } from "../../../src/lib/limits.ts";

const alive = (id: string, inc = 0): GossipUpdate => ({
  t: "alive",
  id,
  inc,
  addr: "10.0.0.1:7946",
  kind: "agent",
  cluster: "c1",
});
const ids = (us: GossipUpdate[]) => us.map((u) => u.id);

describe("BroadcastQueue (piggyback selection)", () => {
  test("least-sent first, oldest first among equals", () => {
    const q = new BroadcastQueue();
    q.queueMembership(alive("a"));
    q.queueMembership(alive("b"));
    expect(ids(q.select(10_000, 1, 10, 0))).toEqual(["a"]);
    q.queueMembership(alive("c"));
    expect(ids(q.select(10_000, 3, 10, 0))).toEqual(["b", "c", "a"]);
  });

  test("retires an update after the retransmit limit", () => {
    const q = new BroadcastQueue();
    q.queueMembership(alive("a"));
    for (let i = 0; i < 3; i++) expect(ids(q.select(10_000, 5, 3, 0))).toEqual(["a"]);
    expect(q.select(10_000, 5, 3, 0)).toEqual([]);
    expect(q.size).toBe(0);
  });

  test("only what fits the byte budget goes, skipping a too-big one for smaller ones", () => {
    const q = new BroadcastQueue();
    const big = splitRecord("r", 1, new Uint8Array(900))[0] as GossipUpdate;
    q.queueRecord("r", [big], 0);
    q.queueMembership(alive("a"));
    const small = msgpackSize(alive("a"));
    const picked = q.select(small + 10, 10, 5, 0);
    expect(ids(picked)).toEqual(["a"]);
    expect(q.select(0, 10, 5, 0)).toEqual([]);
  });

  test("never more than the count limit", () => {
    const q = new BroadcastQueue();
    for (let i = 0; i < 50; i++) q.queueMembership(alive(`m${i}`));
    expect(q.select(100_000, 32, 5, 0)).toHaveLength(32);
  });

  test("a newer update about a member replaces the pending one and starts fresh", () => {
    const q = new BroadcastQueue();
    q.queueMembership(alive("a", 1));
    q.select(10_000, 5, 2, 0);
    q.queueMembership({ t: "suspect", id: "a", inc: 1, by: "x" });
    expect(q.size).toBe(1);
    expect(q.has(membershipKey("a"))).toBe(true);
    expect(q.select(10_000, 5, 2, 0)).toEqual([{ t: "suspect", id: "a", inc: 1, by: "x" }]);
    expect(q.select(10_000, 5, 2, 0)).toHaveLength(1);
    expect(q.size).toBe(0);
  });

  test("record chunks carry their age at send time; a new version drops the old chunks", () => {
    const q = new BroadcastQueue();
    q.queueRecord("r", splitRecord("r", 1, new Uint8Array(2_500)), 1_000);
    expect(q.size).toBe(3);
    const first = q.select(1_300, 1, 5, 1_250)[0];
    expect(first).toMatchObject({ t: "rec", id: "r", ver: 1, ageMs: 250 });
    q.queueRecord("r", splitRecord("r", 2, new Uint8Array(10)), 2_000);
    expect(q.size).toBe(1);
    expect(q.select(1_300, 5, 5, 2_000)).toMatchObject([{ ver: 2, idx: 0, cnt: 1 }]);
  });

  test(`holds at most GOSSIP_QUEUE_MAX (${GOSSIP_QUEUE_MAX}), evicting the most-sent`, () => {
    const q = new BroadcastQueue();
    q.queueMembership(alive("sent-often"));
    q.select(10_000, 1, 100, 0);
    for (let i = 0; i < GOSSIP_QUEUE_MAX; i++) q.queueMembership(alive(`m${i}`));
    expect(q.size).toBe(GOSSIP_QUEUE_MAX);
    expect(q.has(membershipKey("sent-often"))).toBe(false);
    q.queueMembership(alive("one-more"));
    expect(q.size).toBe(GOSSIP_QUEUE_MAX);
    expect(q.has(membershipKey("m0"))).toBe(false);
    expect(q.has(membershipKey("one-more"))).toBe(true);
  });
});
