import { describe, expect, test } from "bun:test";
import {
  buildReconcileInput,
  lastQuorumContactMs,
  quorumReading,
  type ReconcileSources,
} from "../../../../src/runtime/reconcile-inputs.ts";
import { addr, HOST, ledgerWith, member, PORTS, server } from "./fixture.ts";

describe("lastQuorumContactMs", () => {
  const heard =
    (times: Record<string, number>) =>
    (id: string): number | null =>
      times[id] ?? null;

  test("a leader of 3 is in contact as of its freshest peer", () => {
    const t = lastQuorumContactMs(
      {
        selfId: "a",
        voters: ["a", "b", "c"],
        role: "leader",
        leader: "a",
        heardAtMs: heard({ b: 900, c: 400 }),
      },
      1_000,
    );
    expect(t).toBe(900);
  });

  test("a leader of 5 needs two peers: the second freshest counts", () => {
    const t = lastQuorumContactMs(
      {
        selfId: "a",
        voters: ["a", "b", "c", "d", "e"],
        role: "leader",
        leader: "a",
        heardAtMs: heard({ b: 950, c: 700, d: 100 }),
      },
      1_000,
    );
    expect(t).toBe(700);
  });

  test("a follower of 5 hears only its leader, and that is contact with the quorum", () => {
    const t = lastQuorumContactMs(
      {
        selfId: "c",
        voters: ["a", "b", "c", "d", "e"],
        role: "follower",
        leader: "a",
        heardAtMs: heard({ a: 980 }),
      },
      1_000,
    );
    expect(t).toBe(980);
  });

  test("a node without a leader does not count a heard peer as the quorum: it keeps its last contact", () => {
    const sample = {
      selfId: "a",
      voters: ["a", "b", "c"],
      role: "pre-candidate",
      leader: null,
      heardAtMs: heard({ b: 990, c: 980 }),
    };
    expect(lastQuorumContactMs(sample, 1_000)).toBeNull();
    expect(lastQuorumContactMs(sample, 1_000, 400)).toBe(400);
    expect(lastQuorumContactMs({ ...sample, role: "follower" }, 1_000, 400)).toBe(400);
  });

  test("a follower counts only its leader's word, not other peers it hears", () => {
    const sample = {
      selfId: "c",
      voters: ["a", "b", "c"],
      role: "follower",
      leader: "a",
      heardAtMs: heard({ a: 300, b: 990 }),
    };
    expect(lastQuorumContactMs(sample, 1_000)).toBe(300);
    // A fresher remembered contact (an earlier leader) is kept.
    expect(lastQuorumContactMs(sample, 1_000, 500)).toBe(500);
  });

  test("a follower that lost its leader is cut off from when it last heard it, not from its start", () => {
    let last = lastQuorumContactMs(
      { selfId: "c", voters: ["a", "b", "c"], role: "follower", leader: "a", heardAtMs: heard({ a: 9_000 }) },
      9_050,
    );
    last = lastQuorumContactMs(
      {
        selfId: "c",
        voters: ["a", "b", "c"],
        role: "pre-candidate",
        leader: null,
        heardAtMs: heard({ a: 9_000 }),
      },
      10_200,
      last,
    );
    expect(quorumReading(last, 10_200, 1_000, 0, false)).toEqual({
      reachable: false,
      lostForMs: 1_200,
      ledgerCurrent: false,
    });
  });

  test("never heard from anyone: null; a single voter is always in contact", () => {
    expect(
      lastQuorumContactMs(
        { selfId: "a", voters: ["a", "b", "c"], role: "follower", leader: null, heardAtMs: () => null },
        1_000,
      ),
    ).toBeNull();
    expect(
      lastQuorumContactMs(
        { selfId: "a", voters: ["a"], role: "leader", leader: "a", heardAtMs: () => null },
        7,
      ),
    ).toBe(7);
  });
});

describe("quorumReading", () => {
  test("within the window the quorum is reachable and nothing is lost", () => {
    expect(quorumReading(900, 1_000, 1_000, 0, true)).toEqual({
      reachable: true,
      lostForMs: 0,
      ledgerCurrent: true,
    });
  });
  test("past the window the loss counts from the last contact", () => {
    expect(quorumReading(1_000, 3_500, 1_000, 0, true)).toEqual({
      reachable: false,
      lostForMs: 2_500,
      ledgerCurrent: true,
    });
  });
  test("with no contact ever, from the agent's start", () => {
    expect(quorumReading(null, 5_000, 1_000, 2_000, true)).toEqual({
      reachable: false,
      lostForMs: 3_000,
      ledgerCurrent: true,
    });
  });
});

function sources(over: Partial<ReconcileSources>): ReconcileSources {
  return {
    self: "db2",
    kind: "agent",
    cluster: "c1",
    selfAddress: addr("db2"),
    ledger: ledgerWith("db1", 1),
    members: [],
    local: server("db2", { follows: "db1" }),
    quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true },
    settings: { fenceAfterMs: 1_500, autoRejoin: true },
    rejoinRequest: null,
    inFlight: [],
    ...over,
  };
}

describe("buildReconcileInput", () => {
  test("the ledger's primary by node id gets its key, position and promotion point from gossip", () => {
    const primary = server("db1", { readOnly: false, gtid: "0-3-120", slavePos: "0-1-100", serverId: 3 });
    const input = buildReconcileInput(sources({ members: [member("db1", primary)] }));
    expect(input.ledger.primary).toEqual({
      nodeId: "db1",
      key: { host: HOST, port: PORTS.db1 as number },
      epoch: 1,
    });
    expect(input.primaryPosition?.gtidExecuted).toBe("0-3-120");
    expect(input.primaryPosition?.serverId).toBe(3);
    expect(input.primaryPromotedAt).toBe("0-1-100");
  });

  test("a ledger naming host:port resolves to the member's node id", () => {
    const input = buildReconcileInput(
      sources({
        ledger: ledgerWith(addr("db1"), 2),
        members: [member("db1", server("db1", { readOnly: false }))],
      }),
    );
    expect(input.ledger.primary?.nodeId).toBe("db1");
    expect(input.ledger.primary?.epoch).toBe(2);
  });

  test("naming this agent's own address makes it the primary even before gossip echoes its record", () => {
    const local = server("db2", { readOnly: true, gtid: "0-2-7" });
    const input = buildReconcileInput(sources({ ledger: ledgerWith(addr("db2"), 4), local, members: [] }));
    expect(input.ledger.primary?.nodeId).toBe("db2");
    expect(input.primaryPosition).toEqual({
      flavor: "mariadb",
      gtidExecuted: "0-2-7",
      serverId: 2,
      mariadbBinlogState: "",
      serverUuid: null,
      ageMs: 0,
    });
  });

  test("a member whose replication is broken, or that doesn't answer, is no legitimate source", () => {
    const broken = server("db2", { follows: "db1" });
    const stopped = { ...broken, channels: broken.channels.map((c) => ({ ...c, sqlRunning: false })) };
    const members = [member("db1", server("db1", { readOnly: false })), member("db2", stopped)];
    const input = buildReconcileInput(
      sources({ self: "db3", members, local: server("db3", { follows: "db2" }) }),
    );
    expect(input.attachedSources).not.toContainEqual({ host: HOST, port: PORTS.db2 as number });
  });

  test("members chained below a replica of the primary are legitimate sources; others are not", () => {
    const members = [
      member("db1", server("db1", { readOnly: false })),
      member("db2", server("db2", { follows: "db1" })),
      member("db3", server("db3", { follows: "db2" })),
    ];
    const input = buildReconcileInput(
      sources({ self: "db3", members, local: server("db3", { follows: "db2" }) }),
    );
    expect(input.attachedSources).toContainEqual({ host: HOST, port: PORTS.db2 as number });
    expect(input.attachedSources).toContainEqual({ host: HOST, port: PORTS.db3 as number });
    expect(input.attachedSources).not.toContainEqual({ host: HOST, port: PORTS.db1 as number });
  });

  test("an active recovery and a switchover are named by node id whatever the ledger holds", () => {
    const ledger = ledgerWith("db1", 1, {
      recoveries: [
        {
          id: "r1",
          analysis: "DeadPrimary",
          failedInstance: addr("db1"),
          detectedWallMs: 0,
          state: "planned",
          steps: [],
          successor: addr("db2"),
          finishedWallMs: null,
          detail: "",
          acknowledged: null,
        },
      ],
      switchover: { id: "s1", from: addr("db1"), to: "db3", by: "ops", wallMs: 0 },
    });
    const members = [
      member("db1", server("db1")),
      member("db2", server("db2")),
      member("db3", server("db3")),
    ];
    const input = buildReconcileInput(sources({ ledger, members }));
    expect(input.ledger.activeRecovery).toEqual({ id: "r1", failedNodeId: "db1", successor: "db2" });
    expect(input.ledger.switchover).toEqual({ id: "s1", from: "db1", to: "db3" });
  });

  test("members of another cluster are ignored, and no primary means none in the input", () => {
    const input = buildReconcileInput(
      sources({ ledger: ledgerWith(null, 0), members: [member("db1", server("db1"), "other")] }),
    );
    expect(input.ledger.primary).toBeNull();
    expect(input.primaryPosition).toBeNull();
    expect(input.attachedSources).toEqual([]);
  });
});
