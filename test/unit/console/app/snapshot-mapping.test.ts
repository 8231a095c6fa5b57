// The read side's data → the console's quorum panel and pause flag.
import { describe, expect, test } from "bun:test";
import {
  quorumFromRaft,
  quorumFromRecords,
  readRaftFacts,
} from "../../../../src/console/snapshot-mapping.ts";
import type { AgentRecord } from "../../../../src/model/agent-record.ts";
import type { MemberInput } from "../../../../src/runtime/member-facts.ts";

const RAFT_VIEW = {
  nodeId: "db1",
  term: 3,
  leader: "db1",
  role: "leader",
  commitIndex: 9,
  appliedIndex: 8,
  members: [
    { id: "db1", voter: true, witness: false, role: "leader", lastContactAgeMs: 0, matchIndex: 9 },
    { id: "w1", voter: true, witness: true, role: null, lastContactAgeMs: 210, matchIndex: 7 },
  ],
  quorum: "OK",
  ledger: {
    index: 9,
    primary: "db1",
    epoch: 2,
    paused: { by: "al", reason: "x", sinceWallMs: 1 },
    downtimes: { "127.0.0.1:31002": { untilWallMs: 5, reason: "", owner: "" } },
    recoveries: [
      {
        id: "r1",
        analysis: "DeadMaster",
        state: "finished",
        steps: [{ name: "a", status: "done", detail: "" }],
        acknowledged: null,
      },
    ],
    switchover: null,
  },
  halted: null,
};

function member(id: string, status: MemberInput["status"], raft: AgentRecord["raft"]): MemberInput {
  const record = { cluster: "main", raft } as AgentRecord;
  return {
    id,
    addr: `${id}:1`,
    kind: "agent",
    cluster: "main",
    status,
    lastHeardAgeMs: 50,
    record,
    recordAgeMs: 50,
  };
}

describe("raft status", () => {
  test("is read field by field; the leader's own contact shows as none", () => {
    const facts = readRaftFacts(RAFT_VIEW);
    expect(facts?.ledger).toMatchObject({
      primary: "db1",
      epoch: 2,
      paused: true,
      downtimes: ["127.0.0.1:31002"],
    });
    expect(facts?.ledger.recoveries[0]).toMatchObject({ id: "r1", state: "finished", acknowledged: false });
    const q = quorumFromRaft(facts!);
    expect(q).toMatchObject({ term: 3, leader: "db1", commitIndex: 9, appliedIndex: 8, quorumOk: true });
    expect(q.members).toEqual([
      { nodeId: "db1", role: "leader", lastContactAgeMs: null, matchIndex: 9, voter: true, witness: false },
      { nodeId: "w1", role: "unknown", lastContactAgeMs: 210, matchIndex: 7, voter: true, witness: true },
    ]);
  });

  test.each([null, "x", {}, { term: "3", members: [] }, { term: 3 }])("%p is not a raft status", (v) => {
    expect(readRaftFacts(v)).toBeNull();
  });
});

describe("quorum from records (observer)", () => {
  const raft = (role: "leader" | "follower", term = 4) => ({ term, leader: "db1", role });

  test("OK when a majority of voters are alive and agree on the leader of the highest term", () => {
    const q = quorumFromRecords("main", [
      member("db1", "alive", raft("leader")),
      member("db2", "alive", raft("follower")),
      member("db3", "dead", raft("follower")),
    ]);
    expect(q).toMatchObject({ term: 4, leader: "db1", quorumOk: true });
    expect(q?.members.map((m) => [m.nodeId, m.role, m.lastContactAgeMs])).toEqual([
      ["db1", "leader", null],
      ["db2", "follower", 50],
      ["db3", "unknown", 50],
    ]);
  });

  test("LOST when too few agree; unknown (null) when no record carries raft", () => {
    const q = quorumFromRecords("main", [
      member("db1", "alive", raft("leader")),
      member("db2", "dead", raft("follower")),
      member("db3", "dead", raft("follower")),
    ]);
    expect(q?.quorumOk).toBe(false);
    expect(quorumFromRecords("main", [member("db1", "alive", null)])).toBeNull();
    expect(quorumFromRecords("other", [member("db1", "alive", raft("leader"))])).toBeNull();
  });
});
