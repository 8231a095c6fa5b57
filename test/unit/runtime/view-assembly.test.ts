// View assembly: gossip members + decoded records (+ ledger) → ClusterView for failover and the
// topology/cluster-list model for the views. Tables of situations, each checked on both outputs.
import { describe, expect, test } from "bun:test";
import { buildTopologyTree } from "../../../src/console/views/topology-tree.ts";
import { renderTopology } from "../../../src/console/views/topology-lines.ts";
import type { AgentRecord } from "../../../src/model/agent-record.ts";
import type { InstanceState, ReachableInstance } from "../../../src/model/instance-state.ts";
import {
  type AssembledCluster,
  type AssemblyInput,
  assembleClusters,
  assembleClusterView,
  type LedgerSnapshot,
  type MemberInput,
  NEVER_MS,
} from "../../../src/runtime/view-assembly.ts";
import { mariadb, replicaOf, unreachable, WALL_MS } from "../console/views/fixtures.ts";

const NOW_MS = 1_000_000;
const P = "127.0.0.1:23306";
const R1 = "127.0.0.1:23307";
const R2 = "127.0.0.1:23308";

function record(
  nodeId: string,
  address: string | null,
  inst: InstanceState | null,
  over: Partial<AgentRecord> = {},
) {
  const rec: AgentRecord = {
    nodeId,
    cluster: "main",
    kind: address === null ? "witness" : "agent",
    datacenter: "dc1",
    promotionRule: "neutral",
    agentVersion: "0.1.0",
    instanceAddress: address,
    producedAtWallMs: WALL_MS,
    instance: inst,
    lastReachable: inst?.reachable ? inst : null,
    primaryCheck: null,
    raft: null,
    ...over,
  };
  return rec;
}

function member(rec: AgentRecord | null, over: Partial<MemberInput> = {}): MemberInput {
  const id = rec?.nodeId ?? "nobody";
  return {
    id,
    addr: `127.0.0.1:2${id.length}000`,
    kind: rec?.kind ?? "agent",
    cluster: rec?.cluster ?? "main",
    status: "alive",
    lastHeardAgeMs: 100,
    record: rec,
    recordAgeMs: 300,
    ...over,
  };
}

const okCheck = (target: string) => ({ target, ok: true, failingForMs: 0, errorCode: null });

function healthy(): MemberInput[] {
  return [
    member(record("db1", P, mariadb(P))),
    member(record("db2", R1, replicaOf(R1, P), { primaryCheck: okCheck(P) })),
    member(record("db3", R2, replicaOf(R2, P), { primaryCheck: okCheck(P) })),
  ];
}

function assemble(members: MemberInput[], over: Partial<AssemblyInput> = {}): AssembledCluster[] {
  return assembleClusters({ nowMs: NOW_MS, nowWallMs: WALL_MS, members, ...over });
}

function only(members: MemberInput[], over: Partial<AssemblyInput> = {}): AssembledCluster {
  const all = assemble(members, over);
  expect(all.length).toBe(1);
  return all[0] as AssembledCluster;
}

function lines(c: AssembledCluster): string[] {
  return renderTopology(buildTopologyTree(c.instances)).map((l) => l.text);
}

const ledger = (over: Partial<LedgerSnapshot> = {}): LedgerSnapshot => ({
  primary: "db1",
  epoch: 3,
  paused: { global: false, cluster: false },
  downtimes: [],
  recoveryActive: false,
  quorumOk: true,
  ...over,
});

describe("view assembly: healthy three-node cluster", () => {
  test("infers the writable root as primary and renders orchestrator's tree", () => {
    const c = only(healthy());
    expect(c.primary).toEqual({
      nodeId: "db1",
      key: { host: "127.0.0.1", port: 23306 },
      epoch: 0,
      inferred: true,
    });
    expect(c.view.primary).toBeNull(); // failover never acts on an inferred primary
    expect(c.summary).toMatchObject({ health: "ok", primaryKey: P, primaryInferred: true, instanceCount: 3 });
    expect(c.summary.problems).toEqual([]);
    expect(lines(c)).toEqual([
      "127.0.0.1:23306   [0s,ok,10.11.19-MariaDB-log,rw,ROW,>>,GTID]",
      "+ 127.0.0.1:23307 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
      "+ 127.0.0.1:23308 [0s,ok,10.11.19-MariaDB-log,ro,ROW,>>,GTID]",
    ]);
  });

  test("ClusterView carries every agent with ages relative to the observer", () => {
    const c = only(healthy());
    expect(c.view.nowMs).toBe(NOW_MS);
    expect(c.view.agents.map((a) => [a.nodeId, a.recordAgeMs, a.memberStatus])).toEqual([
      ["db1", 100, "alive"],
      ["db2", 100, "alive"],
      ["db3", 100, "alive"],
    ]);
    const db2 = c.view.agents[1];
    expect(db2?.primaryCheck).toEqual({ ok: true, failingForMs: 0, checkedAgeMs: 100 });
    expect(db2?.lastKnownPosition).toEqual({
      flavor: "mariadb",
      gtidExecuted: "0-1-1042",
      serverId: 23307,
      serverUuid: null,
      mariadbBinlogState: "0-1-1042",
      ageMs: 300,
    });
  });

  test("the ledger's primary wins and is not marked inferred; downtimes and pause pass through", () => {
    const l = ledger({
      primary: R1,
      downtimes: [
        { instance: "db3", untilWallMs: WALL_MS + 60_000, reason: "maintenance", owner: "ops" },
        { instance: "db1", untilWallMs: WALL_MS - 1, reason: "over", owner: "ops" },
      ],
      paused: { global: false, cluster: true },
    });
    const c = only(healthy(), { ledgers: { main: l } });
    expect(c.view.primary).toEqual({ nodeId: "db2", key: { host: "127.0.0.1", port: 23307 }, epoch: 3 });
    expect(c.primary?.inferred).toBe(false);
    expect(c.view.downtimes).toEqual([
      { scope: "instance", nodeId: "db3", remainingMs: 60_000, owner: "ops", reason: "maintenance" },
    ]);
    expect(c.view.paused).toEqual({ global: false, cluster: true });
    expect(c.instances.find((i) => i.nodeId === "db3")?.downtime?.reason).toBe("maintenance");
    expect(c.instances.find((i) => i.nodeId === "db1")?.downtime).toBeNull();
    expect(c.summary.epoch).toBe(3);
  });
});

describe("view assembly: failures", () => {
  test("primary's mysqld dead: unreachable primary stays the root, primary checks extrapolate", () => {
    const failing = { target: P, ok: false, failingForMs: 800, errorCode: "ECONNREFUSED" };
    const members = [
      member(record("db1", P, unreachable(P, "refused"), { lastReachable: mariadb(P) })),
      member(record("db2", R1, replicaOf(R1, P), { primaryCheck: failing }), { recordAgeMs: 500 }),
      member(record("db3", R2, replicaOf(R2, P), { primaryCheck: failing }), { recordAgeMs: 500 }),
    ];
    const c = only(members);
    expect(c.primary?.nodeId).toBe("db1");
    // Unchanged record for 400 ms after it was produced: the check has kept failing that long.
    expect(c.view.agents[1]?.primaryCheck).toEqual({
      ok: false,
      failingForMs: 1_200,
      checkedAgeMs: 100,
      errorCode: "ECONNREFUSED",
    });
    expect(c.summary.problems).toContain("DeadPrimary");
    expect(c.summary.health).toBe("degraded");
    expect(c.instances[0]?.analysis).toContain("DeadPrimary");
    expect(lines(c)[0]).toBe(
      "127.0.0.1:23306   [unknown,invalid,10.11.19-MariaDB-log,rw,ROW,>>,GTID,unreachable:refused]",
    );
  });

  test("dead primary agent: its last word is kept, marked by status and age", () => {
    const members = healthy();
    members[0] = member(members[0]?.record ?? null, {
      status: "dead",
      lastHeardAgeMs: 9_000,
      recordAgeMs: 9_500,
    });
    const c = only(members);
    const db1 = c.view.agents[0];
    expect(db1?.memberStatus).toBe("dead");
    expect(db1?.recordAgeMs).toBe(9_000);
    expect(c.instances[0]?.agentStatus).toBe("dead");
    expect(c.summary.health).toBe("degraded");
    expect(lines(c)[0]).toContain("agent:dead");
    expect(lines(c)[0]).toContain("stale:9s");
  });

  test("stale records: the freshest of record age and last-heard age counts", () => {
    const table: [number | null, number | null, number][] = [
      [300, 100, 100],
      [300, null, 300],
      [null, 50, 50],
      [7_000, 6_000, 6_000],
      [null, null, NEVER_MS],
    ];
    for (const [recordAgeMs, lastHeardAgeMs, want] of table) {
      const m = member(record("db1", P, mariadb(P)), { recordAgeMs, lastHeardAgeMs });
      const c = only([m]);
      expect([recordAgeMs, lastHeardAgeMs, c.view.agents[0]?.recordAgeMs]).toEqual([
        recordAgeMs,
        lastHeardAgeMs,
        want,
      ]);
      expect(c.instances[0]?.stateAgeMs).toBe(want);
    }
  });

  test("a stale replica shows unchecked with its age", () => {
    const members = healthy();
    members[2] = member(members[2]?.record ?? null, { lastHeardAgeMs: 8_000, recordAgeMs: 8_000 });
    expect(lines(only(members))[2]).toBe(
      "+ 127.0.0.1:23308 [unknown,unchecked,10.11.19-MariaDB-log,ro,ROW,>>,GTID,stale:8s]".replace(
        "+ ",
        "- ",
      ),
    );
  });

  test("a member without a record is in ClusterView but not in the topology", () => {
    const c = only([...healthy(), member(null, { id: "db4", recordAgeMs: null, lastHeardAgeMs: 200 })]);
    const db4 = c.view.agents.find((a) => a.nodeId === "db4");
    expect(db4).toMatchObject({ key: null, instance: null, recordAgeMs: 200, agentVersion: "" });
    expect(c.instances.map((i) => i.nodeId)).toEqual(["db1", "db2", "db3"]);
  });
});

describe("view assembly: shapes", () => {
  test("a witness votes in ClusterView but has no topology line", () => {
    const c = only([...healthy(), member(record("w1", null, null))]);
    expect(c.view.agents.find((a) => a.nodeId === "w1")).toMatchObject({
      kind: "witness",
      key: null,
      instance: null,
    });
    expect(c.instances.map((i) => i.nodeId)).toEqual(["db1", "db2", "db3"]);
    expect(c.summary.instanceCount).toBe(3);
  });

  test("observers belong to no cluster", () => {
    const obs = member(null, { id: "obs-1", kind: "observer", cluster: "main", recordAgeMs: null });
    const all = assemble([...healthy(), obs]);
    expect(all[0]?.view.agents.map((a) => a.nodeId)).toEqual(["db1", "db2", "db3"]);
  });

  test("multi-cluster: one assembly per cluster, sorted by name", () => {
    const other = (id: string, key: string, inst: ReachableInstance) =>
      member(record(id, key, inst, { cluster: "billing" }));
    const all = assemble([
      ...healthy(),
      other("b1", "127.0.0.1:33306", mariadb("127.0.0.1:33306")),
      other("b2", "127.0.0.1:33307", replicaOf("127.0.0.1:33307", "127.0.0.1:33306")),
    ]);
    expect(all.map((c) => [c.cluster, c.summary.primaryKey, c.summary.instanceCount])).toEqual([
      ["billing", "127.0.0.1:33306", 2],
      ["main", P, 3],
    ]);
    expect(
      assembleClusterView("billing", { nowMs: NOW_MS, nowWallMs: WALL_MS, members: healthy() }),
    ).toBeNull();
  });

  test("inferred primary: none when two writable roots compete, the one with replicas otherwise", () => {
    const split = [member(record("db1", P, mariadb(P))), member(record("db2", R1, mariadb(R1)))];
    expect(only(split).primary).toBeNull();
    expect(only(split).summary.health).toBe("degraded");
    const withReplica = [...split, member(record("db3", R2, replicaOf(R2, R1)))];
    expect(only(withReplica).primary?.nodeId).toBe("db2");
    const lone = [member(record("db1", P, mariadb(P)))];
    expect(only(lone).primary?.nodeId).toBe("db1");
    const readOnlyOnly = [member(record("db1", P, mariadb(P, { readOnly: true })))];
    expect(only(readOnlyOnly).primary).toBeNull();
  });

  test("health: unknown without records, no-quorum and failing-over from the ledger", () => {
    expect(only([member(null, { id: "db1", recordAgeMs: null })]).summary.health).toBe("unknown");
    expect(only(healthy(), { ledgers: { main: ledger({ quorumOk: false }) } }).summary.health).toBe(
      "no-quorum",
    );
    expect(only(healthy(), { ledgers: { main: ledger({ recoveryActive: true }) } }).summary.health).toBe(
      "failing-over",
    );
    expect(only(healthy(), { ledgers: { main: ledger() } }).summary.health).toBe("ok");
  });

  test("errant GTIDs of a replica are shown against the primary", () => {
    const errant = replicaOf(R2, P, { gtidExecuted: "0-1-1042,1-23308-5" });
    const members = healthy();
    members[2] = member(record("db3", R2, errant));
    const c = only(members);
    expect(c.instances[2]?.errantGtids).not.toBeNull();
    expect(lines(c)[2]).toContain("GTID:errant");
  });
});
