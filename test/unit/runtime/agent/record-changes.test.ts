import { describe, expect, test } from "bun:test";
import type { UnreachableInstance } from "../../../../src/model/instance-state.ts";
import {
  PublishPolicy,
  probeTransitions,
  recordChangedMeaningfully,
} from "../../../../src/runtime/agent-record-changes.ts";
import { agentRecord, channel, mariadbReplica } from "./records.fixture.ts";

const down: UnreachableInstance = {
  reachable: false,
  key: { host: "127.0.0.1", port: 28102 },
  probedAtWallMs: 9,
  probeLatencyMs: 1,
  reason: "refused",
  errorCode: "ECONNREFUSED",
  message: "connect ECONNREFUSED",
};

describe("what counts as a meaningful change", () => {
  test("probe timing and production time are noise", () => {
    const a = agentRecord();
    const later = mariadbReplica({ probedAtWallMs: a.producedAtWallMs + 500, probeLatencyMs: 9.3 });
    const b = agentRecord({
      producedAtWallMs: a.producedAtWallMs + 500,
      instance: later,
      lastReachable: later,
    });
    expect(recordChangedMeaningfully(a, b)).toBe(false);
  });

  test("a growing primary-check failure is noise; the flip to failing is not", () => {
    const failing = agentRecord({
      primaryCheck: { target: "127.0.0.1:28101", ok: false, failingForMs: 500, errorCode: "ECONNREFUSED" },
    });
    const longer = agentRecord({
      primaryCheck: { target: "127.0.0.1:28101", ok: false, failingForMs: 1000, errorCode: "ECONNREFUSED" },
    });
    expect(recordChangedMeaningfully(agentRecord(), failing)).toBe(true);
    expect(recordChangedMeaningfully(failing, longer)).toBe(false);
  });

  test.each([
    ["lag", mariadbReplica({ channels: [channel({ secondsBehind: 4 })] })],
    ["GTID position", mariadbReplica({ gtidExecuted: "0-1-1043" })],
    ["read_only", mariadbReplica({ readOnly: false })],
    ["SQL thread", mariadbReplica({ channels: [channel({ sqlRunning: false })] })],
    ["a channel going away", mariadbReplica({ channels: [] })],
  ])("a change of %s counts", (_, instance) => {
    expect(recordChangedMeaningfully(agentRecord(), agentRecord({ instance }))).toBe(true);
  });

  test("raft role changes count; the first record always does", () => {
    expect(
      recordChangedMeaningfully(
        agentRecord(),
        agentRecord({ raft: { term: 4, leader: "db2", role: "leader" } }),
      ),
    ).toBe(true);
    expect(recordChangedMeaningfully(null, agentRecord())).toBe(true);
  });
});

describe("publish policy", () => {
  test("first, then only on change or once the keepalive period has passed", () => {
    const policy = new PublishPolicy(5_000);
    const r = agentRecord();
    expect(policy.decide(r, 0)).toBe("first");
    policy.published(r, 0);
    expect(policy.keepaliveDueAtMs()).toBe(5_000);
    const noisy = agentRecord({ producedAtWallMs: r.producedAtWallMs + 250 });
    for (let t = 250; t < 5_000; t += 250) expect(policy.decide(noisy, t)).toBeNull();
    expect(policy.decide(noisy, 5_000)).toBe("keepalive");
    const lagging = agentRecord({ instance: mariadbReplica({ channels: [channel({ secondsBehind: 2 })] }) });
    expect(policy.decide(lagging, 1_000)).toBe("changed");
    policy.published(lagging, 1_000);
    expect(policy.decide(lagging, 1_250)).toBeNull();
  });
});

describe("probe transitions worth a log line", () => {
  test("the first probe reports the server once", () => {
    expect(probeTransitions(null, mariadbReplica())).toEqual([
      { type: "server-reachable" },
      { type: "read-only-changed", readOnly: true },
      { type: "replication-changed", channel: "", io: "yes", sql: true, source: "127.0.0.1:28101" },
    ]);
  });

  test("an unchanged server, or one staying down, says nothing", () => {
    expect(
      probeTransitions(mariadbReplica(), mariadbReplica({ probeLatencyMs: 8, gtidExecuted: "0-1-2000" })),
    ).toEqual([]);
    expect(probeTransitions(down, { ...down, probedAtWallMs: 99 })).toEqual([]);
  });

  test("reachable ↔ unreachable, read_only flips and thread changes are reported", () => {
    expect(probeTransitions(mariadbReplica(), down)).toEqual([
      { type: "server-unreachable", reason: "refused", errorCode: "ECONNREFUSED" },
    ]);
    expect(probeTransitions(down, mariadbReplica({ channels: [] }))).toEqual([
      { type: "server-reachable" },
      { type: "read-only-changed", readOnly: true },
    ]);
    expect(probeTransitions(mariadbReplica(), mariadbReplica({ readOnly: false, channels: [] }))).toEqual([
      { type: "read-only-changed", readOnly: false },
      { type: "replication-removed", channel: "" },
    ]);
    expect(
      probeTransitions(mariadbReplica(), mariadbReplica({ channels: [channel({ ioState: "connecting" })] })),
    ).toEqual([
      { type: "replication-changed", channel: "", io: "connecting", sql: true, source: "127.0.0.1:28101" },
    ]);
  });
});
