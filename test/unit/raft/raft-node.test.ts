import { describe, expect, test } from "bun:test";
import { RAFT_ENTRY_DATA_BYTES_MAX } from "../../../src/lib/limits.ts";
import { Harness } from "./harness.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function elect(h: Harness, id: string): void {
  h.node(id).campaign(h.nowMs);
  h.stabilize();
}

describe("RaftNode election", () => {
  test("a campaign through pre-vote wins term 1 and appends a no-op", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    expect(h.leaders()).toEqual(["1"]);
    const s = h.node("1").status();
    expect(s.term).toBe(1);
    expect(s.commit).toBe(1);
    expect(h.node("2").status().leader).toBe("1");
    expect(h.disks.get("2")?.hardState.vote).toBe("1");
  });

  test("a lone voter elects itself", () => {
    const h = new Harness(["solo"]);
    elect(h, "solo");
    expect(h.leaders()).toEqual(["solo"]);
  });

  test("election timeout elects exactly one leader without any campaign call", () => {
    const h = new Harness(["1", "2", "3", "4", "5"], 7);
    h.advance(2_000);
    expect(h.leaders().length).toBe(1);
  });

  test("a node with a shorter log can't win votes", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.isolate("3");
    h.node("1").propose(bytes("x"));
    h.stabilize();
    h.heal();
    h.node("3").campaign(h.nowMs);
    h.stabilize();
    expect(h.node("3").status().role).not.toBe("leader");
  });

  test("pre-vote: an isolated node doesn't raise its term and can't depose the leader", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.isolate("3");
    h.advance(5_000);
    expect(h.node("3").status().term).toBe(1);
    h.heal();
    h.node("3").campaign(h.nowMs);
    h.stabilize();
    expect(h.leaders()).toEqual(["1"]);
    expect(h.node("1").status().term).toBe(1);
  });

  test("check-quorum: a leader cut off from everyone steps down", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.isolate("1");
    h.advance(1_200);
    expect(h.node("1").status().role).toBe("follower");
    expect(h.leaders().filter((l) => l !== "1").length).toBe(1);
  });
});

describe("RaftNode replication", () => {
  test("proposals commit and apply in order on every node", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    for (const s of ["a", "b", "c"]) expect(h.node("1").propose(bytes(s)).ok).toBe(true);
    h.stabilize();
    h.advance(200);
    for (const id of ["1", "2", "3"]) {
      const applied = (h.disks.get(id)?.applied ?? [])
        .filter((e) => e.data.length > 0)
        .map((e) => text(e.data));
      expect(applied).toEqual(["a", "b", "c"]);
    }
  });

  test("propose on a follower names the leader", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    const r = h.node("2").propose(bytes("x"));
    expect(r).toEqual({ ok: false, error: { code: "raft.not-leader", leader: "1", term: 1 } });
  });

  test("an entry over the datagram budget is refused at propose, one at the limit is accepted", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    const over = h.node("1").propose(new Uint8Array(RAFT_ENTRY_DATA_BYTES_MAX + 1));
    expect(over.ok ? "" : over.error.code).toBe("raft.entry-too-large");
    expect(h.node("1").propose(new Uint8Array(RAFT_ENTRY_DATA_BYTES_MAX)).ok).toBe(true);
    h.stabilize();
    expect(h.node("3").status().commit).toBe(2);
  });

  test("a 2+1 group (two agents and a witness) commits with one agent down", () => {
    const h = new Harness(["db1", "db2", "witness"]);
    elect(h, "db1");
    h.crash("db2");
    expect(h.node("db1").propose(bytes("x")).ok).toBe(true);
    h.stabilize();
    expect(h.node("db1").status().commit).toBe(2);
  });

  test("lost appends are re-sent on heartbeats", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.node("1").propose(bytes("a"));
    h.stabilize((m) => m.type !== "append");
    expect(h.node("2").status().lastIndex).toBe(1);
    h.advance(300);
    expect(h.node("2").status().commit).toBe(2);
    expect(h.node("3").status().commit).toBe(2);
  });

  test("a deposed leader's uncommitted entries are overwritten", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.isolate("1");
    h.node("1").propose(bytes("lost"));
    h.stabilize();
    h.advance(1_500);
    const next = h.leaders().filter((l) => l !== "1");
    expect(next.length).toBe(1);
    h.node(next[0] as string).propose(bytes("kept"));
    h.stabilize();
    h.heal();
    h.advance(300);
    const log1 = h.disks.get("1")?.entries.map((e) => text(e.data)) ?? [];
    expect(log1).toContain("kept");
    expect(log1).not.toContain("lost");
    expect(h.node("1").status().role).toBe("follower");
  });

  test("a restarted follower keeps its term and vote and catches up", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.crash("3");
    for (let i = 0; i < 20; i++) h.node("1").propose(bytes(`e${i}`));
    h.stabilize();
    h.start("3");
    expect(h.node("3").status().term).toBe(1);
    h.advance(300);
    expect(h.node("3").status().commit).toBe(21);
  });

  test("a follower behind the compacted log gets the snapshot in chunks", () => {
    const h = new Harness(["1", "2", "3"]);
    elect(h, "1");
    h.crash("3");
    for (let i = 0; i < 10; i++) h.node("1").propose(bytes(`e${i}`));
    h.stabilize();
    const big = new Uint8Array(5_000).map((_, i) => i % 251);
    const snap = h.node("1").compact(11, big);
    expect(snap.ok).toBe(true);
    expect(h.node("1").status().firstIndex).toBe(12);
    h.node("1").propose(bytes("after"));
    h.start("3");
    h.advance(500);
    const d3 = h.disks.get("3");
    expect(d3?.snapshot?.index).toBe(11);
    expect(d3?.snapshot?.data).toEqual(big);
    expect(h.node("3").status().commit).toBe(12);
    expect(d3?.applied.map((e) => text(e.data))).toEqual(["after"]);
  });
});
