// Each raft bound exercised at the bound (house rule 9).
import { expect, test } from "bun:test";
import {
  RAFT_APPEND_ENTRIES_MAX,
  RAFT_INFLIGHT_APPENDS_MAX,
  RAFT_SNAPSHOT_CHUNK_BYTES,
  RAFT_UNCOMMITTED_ENTRIES_MAX,
} from "../../../src/lib/limits.ts";
import type { RaftMessage } from "../../../src/raft/messages.ts";
import { Harness } from "./harness.ts";

const one = new Uint8Array([1]);

test("the leader accepts exactly RAFT_UNCOMMITTED_ENTRIES_MAX uncommitted entries, then refuses", () => {
  const h = new Harness(["1", "2", "3"]);
  h.node("1").campaign(0);
  h.stabilize();
  h.isolate("1");
  for (let i = 0; i < RAFT_UNCOMMITTED_ENTRIES_MAX; i++) expect(h.node("1").propose(one).ok).toBe(true);
  const r = h.node("1").propose(one);
  expect(r.ok ? null : r.error).toEqual({
    code: "raft.proposal-backlog",
    uncommitted: RAFT_UNCOMMITTED_ENTRIES_MAX,
    max: RAFT_UNCOMMITTED_ENTRIES_MAX,
  });
});

test("at most RAFT_INFLIGHT_APPENDS_MAX unacknowledged appends go to one follower", () => {
  const h = new Harness(["1", "2", "3"]);
  h.node("1").campaign(0);
  h.stabilize();
  const toTwo: RaftMessage[] = [];
  h.onSend = (m) => {
    if (m.type === "append" && m.to === "2") toTwo.push(m);
  };
  // Appends reach 2 but its answers are lost, so nothing is ever acknowledged.
  for (let i = 0; i < RAFT_INFLIGHT_APPENDS_MAX * 3; i++) {
    h.node("1").propose(one);
    h.stabilize((m) => !(m.from === "2" && m.type === "append-response"));
  }
  expect(toTwo.filter((m) => m.type === "append" && m.entries.length > 0).length).toBe(
    RAFT_INFLIGHT_APPENDS_MAX,
  );
});

test("a catching-up follower gets at most RAFT_APPEND_ENTRIES_MAX entries per append, and full batches", () => {
  const h = new Harness(["1", "2", "3"]);
  h.node("1").campaign(0);
  h.stabilize();
  h.crash("3");
  for (let i = 0; i < RAFT_APPEND_ENTRIES_MAX * 3; i++) h.node("1").propose(one);
  h.stabilize();
  const sizes: number[] = [];
  h.onSend = (m) => {
    if (m.type === "append" && m.to === "3") sizes.push(m.entries.length);
  };
  h.start("3");
  h.advance(500);
  expect(Math.max(...sizes)).toBe(RAFT_APPEND_ENTRIES_MAX);
  expect(h.node("3").status().commit).toBe(RAFT_APPEND_ENTRIES_MAX * 3 + 1);
});

test("snapshot chunks carry at most RAFT_SNAPSHOT_CHUNK_BYTES, and a snapshot of exactly one chunk works", () => {
  for (const size of [RAFT_SNAPSHOT_CHUNK_BYTES, RAFT_SNAPSHOT_CHUNK_BYTES + 1]) {
    const h = new Harness(["1", "2", "3"]);
    h.node("1").campaign(0);
    h.stabilize();
    h.crash("3");
    h.node("1").propose(one);
    h.stabilize();
    expect(h.node("1").compact(2, new Uint8Array(size).fill(3)).ok).toBe(true);
    const chunks: number[] = [];
    h.onSend = (m) => {
      if (m.type === "snapshot") chunks.push(m.chunk.length);
    };
    h.start("3");
    h.advance(500);
    expect(Math.max(...chunks)).toBe(RAFT_SNAPSHOT_CHUNK_BYTES);
    expect(chunks.length).toBe(size > RAFT_SNAPSHOT_CHUNK_BYTES ? 2 : 1);
    expect(h.disks.get("3")?.snapshot?.data.length).toBe(size);
  }
});
