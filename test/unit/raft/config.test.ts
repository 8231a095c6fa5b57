import { describe, expect, test } from "bun:test";
import { RAFT_NODE_ID_BYTES_MAX, RAFT_VOTERS_MAX } from "../../../src/lib/limits.ts";
import { DEFAULT_RAFT_TIMING, validateRaftConfig } from "../../../src/raft/config.ts";

describe("validateRaftConfig", () => {
  test("defaults: 100 ms heartbeats, elections drawn from [500, 1000) ms", () => {
    const r = validateRaftConfig("a", ["a", "b", "w"]);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ ...DEFAULT_RAFT_TIMING, id: "a", voters: ["a", "b", "w"] });
    expect(DEFAULT_RAFT_TIMING).toEqual({
      heartbeatIntervalMs: 100,
      electionTimeoutMinMs: 500,
      electionTimeoutMaxMs: 1000,
    });
  });

  const maxVoters = Array.from({ length: RAFT_VOTERS_MAX }, (_, i) => `v${i}`);
  test.each([
    ["no voters", "a", [], {}, "voters"],
    ["duplicate voter", "a", ["a", "a"], {}, "voters"],
    ["self not a voter", "z", ["a", "b"], {}, "id"],
    ["one voter too many", "v0", [...maxVoters, "extra"], {}, "voters"],
    ["id over the byte limit", "a", ["a", "é".repeat(RAFT_NODE_ID_BYTES_MAX / 2 + 1)], {}, "voters"],
    ["election below two heartbeats", "a", ["a"], { electionTimeoutMinMs: 150 }, "electionTimeoutMinMs"],
    ["empty timeout range", "a", ["a"], { electionTimeoutMaxMs: 500 }, "electionTimeoutMaxMs"],
    ["zero heartbeat", "a", ["a"], { heartbeatIntervalMs: 0 }, "heartbeatIntervalMs"],
  ])("refuses %s", (_name, id, voters, timing, field) => {
    const r = validateRaftConfig(id, voters, timing);
    expect(r.ok ? null : r.error).toMatchObject({ code: "raft.config-invalid", field });
  });

  test("accepts the limits themselves", () => {
    expect(validateRaftConfig("v0", maxVoters).ok).toBe(true);
    expect(validateRaftConfig("a", ["a", "é".repeat(RAFT_NODE_ID_BYTES_MAX / 2)]).ok).toBe(true);
  });
});
