// Findings other than a failed primary: replication stopped, a locked semi-sync primary, a dead
// intermediate in a chain, replicas on the wrong source, lag and errant GTIDs.
import { describe, expect, test } from "bun:test";
import { type Analysis, analyzeCluster, DEFAULT_ANALYSIS_SETTINGS } from "../../../src/failover/analyze.ts";
import type { Flavor } from "../../../src/model/instance-state.ts";
import { healthy, U, ViewBuilder } from "./view-builder.ts";

function only(found: Analysis[], code: Analysis["code"]): Analysis[] {
  return found.filter((a) => a.code === code);
}

function chain(flavor: Flavor): ViewBuilder {
  // db1 ← db2 ← {db3, db4}; db5 replicates from db1 directly.
  return new ViewBuilder(flavor)
    .primary("db1")
    .replica("db2")
    .replica("db3", "db2")
    .replica("db4", "db2")
    .replica("db5");
}

describe.each(["mariadb", "mysql"] as const)("%s replica findings", (flavor: Flavor) => {
  test("every replica stopped while the primary serves: AllReplicasNotReplicating", () => {
    const b = healthy(flavor, 3)
      .patchChannel("db2", { ioState: "no" })
      .patchChannel("db3", { sqlRunning: false });
    const found = analyzeCluster(b.build());
    expect(found.map((a) => a.code)).toEqual(["AllReplicasNotReplicating"]);
    expect(found[0]).toMatchObject({
      orchestratorName: "AllMasterReplicasNotReplicating",
      actionable: false,
    });
    expect(found[0]?.replicaNodeIds).toEqual(["db2", "db3"]);
  });

  test("one replica still replicating: no AllReplicasNotReplicating", () => {
    const b = healthy(flavor, 3).patchChannel("db2", { ioState: "no" });
    expect(only(analyzeCluster(b.build()), "AllReplicasNotReplicating")).toEqual([]);
  });

  test.each([
    ["locked at the threshold", 0, 1, DEFAULT_ANALYSIS_SETTINGS.lockedSemiSyncAfterMs, 1],
    ["binlog stalled 1 ms short", 0, 1, DEFAULT_ANALYSIS_SETTINGS.lockedSemiSyncAfterMs - 1, 0],
    ["enough acknowledging replicas", 1, 1, 60_000, 0],
    ["MySQL wait_for_slave_count 2 with one client", 1, 2, 60_000, 1],
  ])("LockedSemiSyncPrimary: %s", (_name, clients, waitFor, stalledMs, expected) => {
    const b = healthy(flavor, 3);
    b.inst("db1").semiSync = {
      ...b.inst("db1").semiSync,
      sourceEnabled: true,
      sourceActive: true,
      sourceClients: clients,
      waitForReplicaCount: waitFor,
    };
    b.set("db1", { binlogStalledForMs: stalledMs });
    const locked = only(analyzeCluster(b.build()), "LockedSemiSyncPrimary");
    expect(locked.length).toBe(expected);
    if (expected === 1) expect(locked[0]?.orchestratorName).toBe("LockedSemiSyncMaster");
  });

  test("semi-sync enabled but not active (fell back to async) is not locked", () => {
    const b = healthy(flavor, 3).set("db1", { binlogStalledForMs: 60_000 });
    b.inst("db1").semiSync = { ...b.inst("db1").semiSync, sourceEnabled: true, sourceActive: false };
    expect(only(analyzeCluster(b.build()), "LockedSemiSyncPrimary")).toEqual([]);
  });

  test("chained: intermediate's mysqld dies and its replicas stop: DeadIntermediatePrimary, actionable", () => {
    const view = chain(flavor).mysqldDown("db2").ioDown(["db3", "db4"]).build();
    const found = only(analyzeCluster(view), "DeadIntermediatePrimary");
    expect(found.length).toBe(1);
    expect(found[0]).toMatchObject({
      nodeId: "db2",
      orchestratorName: "DeadIntermediateMaster",
      actionable: true,
      replicaNodeIds: ["db3", "db4"],
    });
  });

  test("chained: intermediate's host gone and its replicas stop: DeadIntermediatePrimary", () => {
    const view = chain(flavor).agentSilent("db2", 4_000, "dead").ioDown(["db3", "db4"]).build();
    expect(only(analyzeCluster(view), "DeadIntermediatePrimary").map((a) => a.nodeId)).toEqual(["db2"]);
  });

  test("chained: intermediate's agent gone but a replica still pulls from it: nothing to repoint", () => {
    const view = chain(flavor).agentSilent("db2", 4_000, "dead").ioDown(["db3"]).build();
    expect(only(analyzeCluster(view), "DeadIntermediatePrimary")).toEqual([]);
  });

  test("chained replicas are not on a wrong source; an outside source is", () => {
    const healthyChain = analyzeCluster(chain(flavor).build());
    expect(healthyChain.map((a) => a.code)).toEqual(["NoProblem"]);
    const b = chain(flavor).patchChannel("db5", { sourceHost: "legacy.example", sourcePort: 3307 });
    const wrong = only(analyzeCluster(b.build()), "ReplicaWrongSource");
    expect(wrong.map((a) => a.nodeId)).toEqual(["db5"]);
    expect(wrong[0]?.description).toContain("legacy.example:3307");
  });

  test("a replica pointed at a member that is detached from the primary is on a wrong source", () => {
    const b = chain(flavor).patchInst("db2", { channels: [] });
    expect(only(analyzeCluster(b.build()), "ReplicaWrongSource").map((a) => a.nodeId)).toEqual([
      "db3",
      "db4",
    ]);
  });

  test("the primary's report_host counts as its address", () => {
    const b = healthy(flavor, 3).patchInst("db1", { reportHost: "10.0.0.1", reportPort: 3306 });
    b.patchChannel("db2", { sourceHost: "10.0.0.1" });
    expect(analyzeCluster(b.build()).map((a) => a.code)).toEqual(["NoProblem"]);
  });

  test.each([
    ["above the threshold", 11, 0, 1],
    ["at the threshold", 10, 0, 0],
    ["an intended SQL delay is not lag", 3_605, 3_600, 0],
  ])("ReplicationLag: %s", (_name, secondsBehind, sqlDelaySeconds, expected) => {
    const b = healthy(flavor, 3).patchChannel("db3", { secondsBehind, sqlDelaySeconds });
    const lag = only(analyzeCluster(b.build()), "ReplicationLag");
    expect(lag.map((a) => a.nodeId)).toEqual(expected === 1 ? ["db3"] : []);
  });
});

describe("ErrantGTID", () => {
  test.each([
    ["mariadb", "0-1-100", "0-1-100,0-3-101", true],
    ["mariadb", "0-1-100", "0-1-100,7-3-5", true],
    ["mariadb", "0-1-100", "0-1-99", false],
    // probed after its primary, the replica already holds the primary's next transactions
    ["mariadb", "0-1-100", "0-1-105", false],
    ["mysql", `${U[1]}:1-100`, `${U[1]}:1-100,${U[3]}:1-2`, true],
    ["mysql", `${U[1]}:1-100`, `${U[1]}:1-90`, false],
    ["mysql", `${U[1]}:1-100`, `${U[1]}:1-105`, false],
  ] as const)("%s primary %s, replica %s → errant %p", (flavor, primary, replica, errant) => {
    const b = healthy(flavor, 3).gtids("db1", primary).gtids("db3", replica);
    const found = only(analyzeCluster(b.build()), "ErrantGTID");
    expect(found.map((a) => a.nodeId)).toEqual(errant ? ["db3"] : []);
    if (errant) expect(found[0]?.orchestratorName).toBe("ErrantGTIDStructureWarning");
  });
});
