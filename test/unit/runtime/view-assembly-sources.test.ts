// Where assembly's inputs come from: a local agent's /api/state JSON, or a gossip observer (its
// tolerant decoder and its "settled" rule); and how read commands pick a cluster from the result.
import { describe, expect, test } from "bun:test";
import { pickCluster } from "../../../src/cli/topology.ts";
import { loadReadView, type ViewSourceDeps } from "../../../src/cli/view-source.ts";
import type { Config } from "../../../src/config/config.ts";
import type { MemberView } from "../../../src/gossip/events.ts";
import type { AgentRecord } from "../../../src/model/agent-record.ts";
import { ledgerSnapshotOf, readAgentState } from "../../../src/runtime/agent-state-reading.ts";
import { decodeObservedGossip, looksSettled } from "../../../src/runtime/observer.ts";
import { mariadb, replicaOf, WALL_MS } from "../console/views/fixtures.ts";

const P = "127.0.0.1:23306";
const R = "127.0.0.1:23307";

function record(nodeId: string, address: string, replicaOfKey: string | null): AgentRecord {
  const inst = replicaOfKey === null ? mariadb(address) : replicaOf(address, replicaOfKey);
  return {
    nodeId,
    cluster: "main",
    kind: "agent",
    datacenter: "",
    promotionRule: "neutral",
    agentVersion: "0.1.0",
    instanceAddress: address,
    producedAtWallMs: WALL_MS,
    instance: inst,
    lastReachable: inst,
    primaryCheck: null,
    raft: null,
  };
}

/** /api/state as the agent serves it: JSON through the wire. */
function apiState(raft: unknown = null): unknown {
  const member = (id: string, rec: AgentRecord | null, lastHeardAgeMs: number) => ({
    id,
    addr: `127.0.0.1:2430${id.at(-1)}`,
    kind: "agent",
    cluster: "main",
    status: "alive",
    incarnation: 1,
    lastHeardAgeMs,
    record: rec,
    recordVersion: 3,
    recordAgeMs: 2_000,
    recordError: null,
    stale: false,
  });
  return JSON.parse(
    JSON.stringify({
      self: { nodeId: "db2", cluster: "main", kind: "agent", version: "0.1.0", address: "127.0.0.1:24302" },
      members: [
        member("db1", record("db1", P, null), 120),
        member("db2", record("db2", R, P), 0),
        { id: "broken", addr: 7 },
        { ...member("db3", null, 50), record: { nodeId: "db3" } },
      ],
      drops: {},
      traffic: {},
      raft,
    }),
  );
}

const RAFT = {
  term: 4,
  leader: "db1",
  quorum: "LOST",
  ledger: {
    index: 9,
    primary: "db1",
    epoch: 2,
    paused: { by: "ops", reason: "drill", sinceWallMs: WALL_MS },
    downtimes: { db2: { untilWallMs: WALL_MS + 1_000, reason: "patch", owner: "ops" } },
    recoveries: [{ id: "r1", state: "planned" }],
    switchover: null,
  },
};

describe("reading a local agent's /api/state", () => {
  test("members come back typed; malformed members are skipped, bad records reported", () => {
    const r = readAgentState(apiState());
    if (!r.ok) throw new Error(r.error.code);
    expect(r.value.self).toEqual({ nodeId: "db2", cluster: "main", address: "127.0.0.1:24302" });
    expect(
      r.value.members.map((m) => [m.id, m.lastHeardAgeMs, m.record?.nodeId ?? null, m.recordAgeMs]),
    ).toEqual([
      ["db1", 120, "db1", 2_000],
      ["db2", 0, "db2", 2_000],
      ["db3", 50, null, null],
    ]);
    expect(r.value.undecodable.map((u) => u.id)).toEqual(["db3"]);
    expect(r.value.ledgers).toEqual({});
  });

  test("not an agent state: a typed error naming the field", () => {
    expect(readAgentState([])).toEqual({
      ok: false,
      error: { code: "read.agent-state-malformed", field: "(top level)" },
    });
    expect(readAgentState({ self: { nodeId: "x", cluster: "c" } })).toEqual({
      ok: false,
      error: { code: "read.agent-state-malformed", field: "members" },
    });
  });

  test("the raft view's ledger becomes the cluster's snapshot", () => {
    expect(ledgerSnapshotOf(RAFT)).toEqual({
      primary: "db1",
      epoch: 2,
      paused: { global: false, cluster: true },
      downtimes: [{ instance: "db2", untilWallMs: WALL_MS + 1_000, reason: "patch", owner: "ops" }],
      recoveryActive: true,
      quorumOk: false,
    });
    expect(ledgerSnapshotOf(null)).toBeNull();
    expect(ledgerSnapshotOf({ ledger: { primary: "db1" } })).toBeNull();
  });
});

const config = {
  sourcePath: "/etc/keel/keel.json",
  cluster: "main",
  http: { listen: { host: "0.0.0.0", port: 9797 } },
} as unknown as Config;

function deps(answer: unknown, seen: string[]): ViewSourceDeps {
  return {
    fetchJson: async (url) => {
      seen.push(url);
      return answer === undefined ? { ok: false, error: "ECONNREFUSED" } : { ok: true, value: answer };
    },
    monoMs: () => 5_000,
    wallMs: () => WALL_MS,
  };
}

describe("loadReadView through the agent", () => {
  test("asks the loopback address of a wildcard listener and assembles with its ledger", async () => {
    const urls: string[] = [];
    const view = await loadReadView(config, "agent", deps(apiState(RAFT), urls));
    if (!view.ok) throw new Error(view.error.code);
    expect(urls).toEqual(["http://127.0.0.1:9797/api/state"]);
    expect(view.value.origin).toEqual({ via: "agent", url: urls[0], nodeId: "db2" });
    const main = view.value.clusters[0];
    expect(main?.summary).toMatchObject({
      health: "no-quorum",
      primaryKey: P,
      epoch: 2,
      primaryInferred: false,
    });
    expect(main?.instances.find((i) => i.nodeId === "db2")?.downtime?.reason).toBe("patch");
  });

  test("--via agent with no agent answering is an error naming the URL", async () => {
    const view = await loadReadView(config, "agent", deps(undefined, []));
    expect(view).toEqual({
      ok: false,
      error: {
        code: "read.agent-unreachable",
        url: "http://127.0.0.1:9797/api/state",
        detail: "ECONNREFUSED",
      },
    });
  });
});

describe("picking a cluster", () => {
  test("by name, by instance or node id, else the config's; unknown ones name what exists", async () => {
    const view = await loadReadView(config, "agent", deps(apiState(), []));
    if (!view.ok) throw new Error(view.error.code);
    expect(pickCluster(view.value, {}, "main").ok).toBe(true);
    expect(pickCluster(view.value, { instance: R }, "other").ok).toBe(true);
    expect(pickCluster(view.value, { instance: "db1" }, "other").ok).toBe(true);
    expect(pickCluster(view.value, { cluster: "billing" }, "main")).toEqual({
      ok: false,
      error: { code: "read.unknown-cluster", cluster: "billing", known: ["main"] },
    });
    expect(pickCluster(view.value, { instance: "10.0.0.1:3306" }, "main")).toEqual({
      ok: false,
      error: { code: "read.unknown-instance", instance: "10.0.0.1:3306", known: [P, R] },
    });
  });
});

describe("the observer's gossip decoding and settling", () => {
  const chunk = (ageMs: number) => ({
    type: "gossip",
    updates: [{ t: "rec", id: "db1", ver: 2, idx: 0, cnt: 1, ageMs, data: new Uint8Array([1, 2]) }],
  });

  test("fractional record ages from agents on a real clock are rounded, not dropped", () => {
    const r = decodeObservedGossip(chunk(12.6));
    expect(r.ok && r.value.type === "gossip" ? r.value.updates[0] : null).toMatchObject({
      t: "rec",
      ageMs: 13,
    });
    expect(decodeObservedGossip(chunk(-1)).ok).toBe(false);
    expect(decodeObservedGossip({ type: "nope" }).ok).toBe(false);
  });

  const mv = (id: string, over: Partial<MemberView> = {}): MemberView => ({
    id,
    addr: "127.0.0.1:1",
    kind: "agent",
    cluster: "main",
    incarnation: 0,
    status: "alive",
    record: { data: new Uint8Array([0]), version: 1, updatedAtMs: 0, ageMs: 0, stale: false },
    lastHeardAtMs: null,
    lastHeardAgeMs: null,
    ...over,
  });

  test("settled once every live agent's record is here; dead ones are not waited for", () => {
    const me = mv("obs", { kind: "observer", record: null });
    expect(looksSettled([me], "obs")).toBe(false);
    expect(looksSettled([me, mv("db1"), mv("db2", { record: null })], "obs")).toBe(false);
    expect(looksSettled([me, mv("db1"), mv("db2", { record: null, status: "dead" })], "obs")).toBe(true);
    expect(looksSettled([me, mv("db1"), mv("obs2", { kind: "observer", record: null })], "obs")).toBe(true);
  });
});
