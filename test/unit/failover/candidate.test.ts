// Candidate choice: each exclusion, each ranking key and its fall-through, the loss check and the
// operator's --to and --force.
import { describe, expect, test } from "bun:test";
import { type CandidateChoice, chooseCandidate } from "../../../src/failover/candidate.ts";
import { seededRng } from "../../../src/lib/rng.ts";
import type { ClusterView } from "../../../src/model/cluster-view.ts";
import type { Flavor } from "../../../src/model/instance-state.ts";
import { healthy, U, type ViewBuilder } from "./view-builder.ts";

type Chosen = Extract<CandidateChoice, { ok: true }>;
type Refused = Extract<CandidateChoice, { ok: false }>;

function chosen(choice: CandidateChoice): Chosen {
  if (!choice.ok) throw new Error(`refused: ${JSON.stringify(choice.reason)}`);
  return choice;
}

function refused(choice: CandidateChoice): Refused {
  if (choice.ok) throw new Error(`chose ${choice.candidate.nodeId}`);
  return choice;
}

/** The primary's mysqld is down (its agent fresh), so its last known position is what counts. */
function failed(flavor: Flavor, n: number): ViewBuilder {
  return healthy(flavor, n).mysqldDown("db1");
}

const G = {
  mariadb: (seq: number) => `0-1-${seq}`,
  mysql: (seq: number) => `${U[1]}:1-${seq}`,
} as const;

describe.each(["mariadb", "mysql"] as const)("%s candidate", (flavor: "mariadb" | "mysql") => {
  const g = G[flavor];

  test("the most advanced replica wins even when another is `prefer`", () => {
    const b = healthy(flavor, 4).gtids("db1", g(95));
    b.gtids("db2", g(97)).gtids("db3", g(99)).gtids("db4", g(96)).rule("db2", "prefer").mysqldDown("db1");
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.candidate.nodeId).toBe("db3");
    expect(c.ranking.map((r) => r.nodeId)).toEqual(["db3", "db2", "db4"]);
    expect(c.ranking[1]?.notChosen).toEqual({
      key: "gtid-received",
      detail: "db3 received more transactions",
    });
    expect(c.lostTransactionsRisk.level).toBe("none");
  });

  test("received but not yet executed transactions count: retrieved ∪ executed", () => {
    const b = healthy(flavor, 3).gtids("db1", g(100));
    b.gtids("db2", g(90), g(100)).gtids("db3", g(95)).rule("db3", "prefer").mysqldDown("db1");
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.candidate.nodeId).toBe("db2");
    expect(c.ranking[1]?.notChosen?.key).toBe("primary-position");
  });

  test("same received position: more executed ranks first", () => {
    const b = healthy(flavor, 3).gtids("db1", g(100));
    b.gtids("db2", g(90), g(100)).gtids("db3", g(99), g(100)).mysqldDown("db1");
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.candidate.nodeId).toBe("db3");
    expect(c.ranking[1]?.notChosen?.key).toBe("gtid-executed");
  });

  test.each([
    ["promotion rule", (b: ViewBuilder) => b.rule("db3", "prefer"), "db3", "promotion-rule"],
    ["prefer_not after neutral", (b: ViewBuilder) => b.rule("db2", "prefer_not"), "db3", "promotion-rule"],
    [
      "the failed primary's datacenter",
      (b: ViewBuilder) => b.set("db2", { datacenter: "dc2" }),
      "db3",
      "datacenter",
    ],
    ["lower lag", (b: ViewBuilder) => b.patchChannel("db2", { secondsBehind: 4 }), "db3", "lag"],
    [
      "known lag before unknown",
      (b: ViewBuilder) => b.patchChannel("db2", { secondsBehind: null, sqlRunning: false }),
      "db3",
      "lag",
    ],
    ["node id on a full tie", (b: ViewBuilder) => b, "db2", "node-id"],
  ] as const)("equal GTIDs fall through to %s", (_name, setup, winner, key) => {
    const c = chosen(chooseCandidate(setup(failed(flavor, 3)).build(), "db1"));
    expect(c.candidate.nodeId).toBe(winner);
    const loser = winner === "db2" ? "db3" : "db2";
    expect(c.ranking.find((r) => r.nodeId === loser)?.notChosen?.key).toBe(key);
  });

  test("promotion rule beats datacenter, datacenter beats lag", () => {
    const b = failed(flavor, 4)
      .rule("db2", "prefer")
      .set("db2", { datacenter: "dc2" })
      .patchChannel("db3", { secondsBehind: 9 });
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.ranking.map((r) => r.nodeId)).toEqual(["db2", "db4", "db3"]);
  });

  test("ties are broken the same way whatever the order of the agents", () => {
    const base = failed(flavor, 5).build();
    const rng = seededRng(7);
    for (let i = 0; i < 20; i++) {
      const view: ClusterView = { ...base, agents: rng.shuffle(base.agents) };
      const c = chosen(chooseCandidate(view, "db1"));
      expect(c.ranking.map((r) => r.nodeId)).toEqual(["db2", "db3", "db4", "db5"]);
    }
  });

  test("an errant replica is excluded unless forced", () => {
    const errant = flavor === "mariadb" ? "0-1-100,0-2-101" : `${U[1]}:1-100,${U[2]}:1-3`;
    const b = healthy(flavor, 3).gtids("db2", errant, errant).mysqldDown("db1");
    const safe = chosen(chooseCandidate(b.build(), "db1"));
    expect(safe.candidate.nodeId).toBe("db3");
    expect(safe.excluded).toEqual([
      {
        nodeId: "db2",
        reason: { code: "failover.excluded-errant-gtids", nodeId: "db2", errantGtids: expect.any(String) },
      },
    ]);
    const forced = chosen(chooseCandidate(b.build(), "db1", { force: true }));
    expect(forced.candidate.nodeId).toBe("db2");
    expect(forced.candidate.errantGtids).not.toBe("");
  });

  test("failover that would lose transactions is refused unless forced", () => {
    // db2 alone had received the primary's last transactions, and db2's agent is gone.
    const b = healthy(flavor, 3)
      .gtids("db1", g(100))
      .gtids("db2", g(100))
      .gtids("db3", g(97))
      .mysqldDown("db1");
    b.agentSilent("db2", 10_000, "dead");
    const r = refused(chooseCandidate(b.build(), "db1"));
    expect(r.reason).toMatchObject({
      code: "failover.transactions-would-be-lost",
      candidateNodeId: "db3",
      holders: ["db1", "db2"],
    });
    expect(r.excluded.map((e) => e.reason.code)).toEqual(["failover.excluded-agent-unreachable"]);
    const forced = chosen(chooseCandidate(b.build(), "db1", { force: true }));
    expect(forced.candidate.nodeId).toBe("db3");
    expect(forced.lostTransactionsRisk).toMatchObject({ level: "certain", holders: ["db1", "db2"] });
    expect(forced.lostTransactionsRisk.missingGtids).not.toBe("");
  });

  test("the primary's last known position ahead of every replica is certain loss", () => {
    const b = healthy(flavor, 3)
      .gtids("db1", g(100))
      .gtids("db2", g(99))
      .gtids("db3", g(98))
      .mysqldDown("db1");
    expect(refused(chooseCandidate(b.build(), "db1")).reason).toMatchObject({ holders: ["db1"] });
  });

  test("unknown primary position: nothing known to be lost", () => {
    const b = failed(flavor, 3).set("db1", { lastKnownPosition: null });
    expect(chosen(chooseCandidate(b.build(), "db1")).lostTransactionsRisk.level).toBe("unknown");
  });

  test("a known position that cannot be compared is undecidable loss, refused unless forced", () => {
    const other = flavor === "mariadb" ? "mysql" : "mariadb";
    // db3's mysqld is down too; all that is known of it is a position in the other syntax.
    const b = failed(flavor, 3)
      .mysqldDown("db3")
      .set("db3", {
        lastKnownPosition: {
          flavor: other,
          gtidExecuted: G[other](100),
          serverId: 1,
          serverUuid: null,
          ageMs: 100,
        },
      });
    expect(refused(chooseCandidate(b.build(), "db1")).reason).toMatchObject({
      code: "failover.loss-undecidable",
      candidateNodeId: "db2",
      gtidErrorCode: "gtid.flavor-mismatch",
      holders: ["db3"],
    });
    const forced = chosen(chooseCandidate(b.build(), "db1", { force: true }));
    expect(forced.lostTransactionsRisk).toMatchObject({
      level: "unknown",
      comparisonError: "gtid.flavor-mismatch",
    });
  });

  test("a serving primary (switchover) cannot lose anything: the candidate catches up first", () => {
    const b = healthy(flavor, 3).gtids("db1", g(120));
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.lostTransactionsRisk.level).toBe("primary-alive");
  });

  test("a diverged pair falls through to the next key; choosing either loses the other's transactions", () => {
    const [x, y] =
      flavor === "mariadb"
        ? ["0-1-100,5-2-1", "0-1-100,6-3-1"]
        : [`${U[1]}:1-100,${U[5]}:1`, `${U[1]}:1-100,${U[6]}:1`];
    const b = healthy(flavor, 3).gtids("db2", x).gtids("db3", y).rule("db3", "prefer").mysqldDown("db1");
    b.set("db1", { lastKnownPosition: null });
    expect(refused(chooseCandidate(b.build(), "db1")).reason).toMatchObject({
      code: "failover.transactions-would-be-lost",
      candidateNodeId: "db3",
      holders: ["db2"],
    });
    const c = chosen(chooseCandidate(b.build(), "db1", { force: true }));
    expect(c.candidate.nodeId).toBe("db3");
    expect(c.ranking[1]?.notChosen?.key).toBe("promotion-rule");
  });

  test("a version older than another eligible replica is excluded", () => {
    const older =
      flavor === "mariadb"
        ? ([10, 6, 16] as [number, number, number])
        : ([8, 0, 36] as [number, number, number]);
    const newer =
      flavor === "mariadb"
        ? ([10, 11, 6] as [number, number, number])
        : ([8, 4, 2] as [number, number, number]);
    const b = failed(flavor, 4).patchInst("db2", { versionNumbers: older, version: older.join(".") });
    b.patchInst("db3", { versionNumbers: newer }).patchInst("db4", { versionNumbers: newer });
    b.rule("db2", "prefer");
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.candidate.nodeId).toBe("db3");
    expect(c.excluded).toEqual([
      {
        nodeId: "db2",
        reason: {
          code: "failover.excluded-older-version",
          nodeId: "db2",
          version: older.join("."),
          newestMajorMinor: `${newer[0]}.${newer[1]}`,
        },
      },
    ]);
  });

  test("a newer version that is itself excluded does not exclude the others", () => {
    const b = failed(flavor, 3)
      .patchInst("db3", { versionNumbers: [99, 0, 0] })
      .rule("db3", "must_not");
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.candidate.nodeId).toBe("db2");
    expect(c.excluded.map((e) => e.reason.code)).toEqual(["failover.excluded-must-not"]);
  });
});

describe("exclusions", () => {
  test.each([
    ["must_not", (b: ViewBuilder) => b.rule("db3", "must_not"), "failover.excluded-must-not"],
    [
      "downtimed",
      (b: ViewBuilder) =>
        b.downtime({ scope: "instance", nodeId: "db3", remainingMs: 60_000, owner: "ops", reason: "disk" }),
      "failover.excluded-downtimed",
    ],
    ["agent stale", (b: ViewBuilder) => b.agentSilent("db3", 2_000), "failover.excluded-agent-unreachable"],
    [
      "agent dead",
      (b: ViewBuilder) => b.set("db3", { memberStatus: "dead" }),
      "failover.excluded-agent-unreachable",
    ],
    ["mysqld down", (b: ViewBuilder) => b.mysqldDown("db3"), "failover.excluded-instance-unreachable"],
    ["log_bin off", (b: ViewBuilder) => b.patchInst("db3", { logBin: false }), "failover.excluded-no-binlog"],
    [
      "log_slave_updates off",
      (b: ViewBuilder) => b.patchInst("db3", { logReplicaUpdates: false }),
      "failover.excluded-no-log-replica-updates",
    ],
    [
      "SQL thread stopped with an error",
      (b: ViewBuilder) =>
        b.patchChannel("db3", { sqlRunning: false, lastSqlErrno: 1062, lastSqlError: "Duplicate entry" }),
      "failover.excluded-sql-thread-error",
    ],
    [
      "unreadable GTIDs",
      (b: ViewBuilder) => b.patchInst("db3", { gtidExecuted: "garbage" }),
      "failover.excluded-gtid-unreadable",
    ],
  ] as const)("%s", (_name, setup, code) => {
    const c = chosen(chooseCandidate(setup(failed("mariadb", 3).witness("w1")).build(), "db1"));
    expect(c.candidate.nodeId).toBe("db2");
    expect(c.excluded.map((e) => [e.nodeId, e.reason.code])).toEqual([
      ["db3", code],
      ["w1", "failover.excluded-witness"],
    ]);
    expect(c.ranking.map((r) => r.nodeId)).toEqual(["db2"]);
  });

  test("an expired downtime excludes nothing; a stopped SQL thread without an error is eligible", () => {
    const b = failed("mariadb", 3).downtime({
      scope: "instance",
      nodeId: "db2",
      remainingMs: 0,
      owner: "ops",
      reason: "done",
    });
    b.patchChannel("db3", { sqlRunning: false });
    expect(chosen(chooseCandidate(b.build(), "db1")).excluded).toEqual([]);
  });

  test("everyone excluded: no candidate", () => {
    const b = failed("mysql", 3).rule("db2", "must_not").mysqldDown("db3");
    const r = refused(chooseCandidate(b.build(), "db1"));
    expect(r.reason).toEqual({
      code: "failover.no-candidate",
      cluster: "main",
      failedNodeId: "db1",
      excludedCount: 2,
    });
  });
});

describe("preferred candidate (--to)", () => {
  test("an eligible preferred member is chosen over a better-ranked one, and the others say why", () => {
    const c = chosen(
      chooseCandidate(failed("mariadb", 4).rule("db2", "prefer").build(), "db1", { preferredNodeId: "db4" }),
    );
    expect(c.candidate.nodeId).toBe("db4");
    expect(c.ranking.filter((r) => r.notChosen !== null).map((r) => [r.nodeId, r.notChosen?.key])).toEqual([
      ["db2", "preferred"],
      ["db3", "preferred"],
    ]);
  });

  test("an excluded preferred member fails the call with its exclusion", () => {
    const r = refused(
      chooseCandidate(failed("mariadb", 3).rule("db3", "must_not").build(), "db1", {
        preferredNodeId: "db3",
      }),
    );
    expect(r.reason).toEqual({
      code: "failover.preferred-not-eligible",
      nodeId: "db3",
      exclusion: { code: "failover.excluded-must-not", nodeId: "db3" },
    });
  });

  test("an unknown or failed member cannot be preferred", () => {
    for (const nodeId of ["db9", "db1"]) {
      const r = refused(chooseCandidate(failed("mariadb", 3).build(), "db1", { preferredNodeId: nodeId }));
      expect(r.reason).toEqual({ code: "failover.preferred-unknown", cluster: "main", nodeId });
    }
  });

  test("a preferred witness is not eligible", () => {
    const r = refused(
      chooseCandidate(failed("mariadb", 3).witness("w1").build(), "db1", { preferredNodeId: "w1" }),
    );
    expect(r.reason.code).toBe("failover.preferred-not-eligible");
  });
});

describe("MariaDB errant GTIDs only the failed primary's binlog state reveals", () => {
  test("a replica holding an earlier primary's unreplicated tail is excluded (chaos seed 2)", () => {
    // db3 was primary two epochs ago and wrote 0-3-61 that nobody got; the failed primary db1 has
    // written on to 0-1-600 since, so by position db3's 0-3-61 looks long contained.
    const b = failed("mariadb", 4).gtids("db2", "0-1-600").gtids("db3", "0-3-61").gtids("db4", "0-1-600");
    const inst = b.inst("db3");
    if (inst.mariadbGtid !== null) inst.mariadbGtid.binlogState = "0-1-40,0-3-61";
    const primary = b.agent("db1").lastKnownPosition;
    if (primary !== null) primary.mariadbBinlogState = "0-1-600,0-3-60";
    const c = chosen(chooseCandidate(b.build(), "db1"));
    expect(c.excluded).toEqual([
      {
        nodeId: "db3",
        reason: { code: "failover.excluded-errant-gtids", nodeId: "db3", errantGtids: "0-3-61" },
      },
    ]);
    // Without the binlog state (an agent of an earlier version), nothing tells.
    if (primary !== null) primary.mariadbBinlogState = "";
    expect(chosen(chooseCandidate(b.build(), "db1")).excluded).toEqual([]);
  });
});
