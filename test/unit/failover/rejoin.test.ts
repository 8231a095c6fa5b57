// Rejoin and repoint after a failover, decided by GTID containment on MariaDB and MySQL: a former
// primary or a stray replica follows the new primary only when it holds nothing the primary lacks;
// otherwise it stays fenced and the event names the errant transactions.
import { describe, expect, test } from "bun:test";
import { type LocalAction, type ReconcileInput, reconcile } from "../../../src/failover/reconcile.ts";
import { assessRejoin } from "../../../src/failover/rejoin.ts";
import type { LastKnownPosition } from "../../../src/model/cluster-view.ts";
import type { Flavor, ReachableInstance } from "../../../src/model/instance-state.ts";
import { healthy, keyOf, U } from "./view-builder.ts";

const NEW_EPOCH = 4;

/** GTID texts per flavor: what db1 (old primary) wrote, and what db2 has after promotion + writes. */
const G = {
  mariadb: {
    replicated: "0-1-100",
    promotedAt: "0-1-100",
    newPrimary: "0-2-105",
    newPrimaryLater: "0-2-107",
    oneUnreplicated: "0-1-101",
    twoUnreplicatedPastTop: "0-1-106",
  },
  mysql: {
    replicated: `${U[1]}:1-100`,
    promotedAt: `${U[1]}:1-100`,
    newPrimary: `${U[1]}:1-100,${U[2]}:1-5`,
    newPrimaryLater: `${U[1]}:1-100,${U[2]}:1-7`,
    oneUnreplicated: `${U[1]}:1-101`,
    twoUnreplicatedPastTop: `${U[1]}:1-102`,
  },
} as const;

function position(flavor: Flavor, gtidExecuted: string): LastKnownPosition {
  return {
    flavor,
    gtidExecuted,
    serverId: 2,
    serverUuid: flavor === "mariadb" ? null : (U[2] ?? null),
    ageMs: 300,
  };
}

/** After db2 replaced db1: `self`'s server with the given executed GTIDs, db2 primary at NEW_EPOCH. */
function after(
  flavor: keyof typeof G,
  self: string,
  executed: string,
  patch: Partial<ReconcileInput> = {},
): ReconcileInput {
  const b = healthy(flavor, 4).gtids(self, executed);
  const local: ReachableInstance = b.inst(self);
  local.readOnly = true;
  if (self === "db1") local.channels = [];
  return {
    self,
    kind: "agent",
    ledger: {
      primary: { nodeId: "db2", key: keyOf("db2"), epoch: NEW_EPOCH },
      primaryAddresses: [],
      activeRecovery: null,
      switchover: null,
    },
    local,
    quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true },
    settings: { fenceAfterMs: 1_500, autoRejoin: true },
    primaryPosition: position(flavor, G[flavor].newPrimary),
    primaryPromotedAt: G[flavor].promotedAt,
    attachedSources: [],
    rejoinRequest: null,
    inFlight: [],
    ...patch,
  };
}

const rejoin = (forced = false): LocalAction => ({
  type: "rejoin",
  sourceNodeId: "db2",
  sourceKey: keyOf("db2"),
  forced,
});
const event = (actions: LocalAction[]) => (actions[0]?.type === "emit-event" ? actions[0].event : null);

describe.each(["mariadb", "mysql"] as const)("%s", (flavor) => {
  const g = G[flavor];

  test("a former primary whose GTIDs the new primary holds rejoins as its replica", () => {
    expect(reconcile(after(flavor, "db1", g.replicated))).toEqual([rejoin()]);
  });

  test("a former primary with unreplicated transactions stays fenced; the event lists them", () => {
    for (const executed of [g.oneUnreplicated, g.twoUnreplicatedPastTop]) {
      const actions = reconcile(after(flavor, "db1", executed));
      expect(actions).toHaveLength(1);
      const e = event(actions);
      expect(e?.code).toBe("failover.rejoin-refused-errant");
      if (e?.code === "failover.rejoin-refused-errant") {
        expect(e.primaryNodeId).toBe("db2");
        expect(e.errantGtids).not.toBe("");
      }
    }
  });

  test("the errant text names exactly what the primary lacks", () => {
    const e = event(reconcile(after(flavor, "db1", g.twoUnreplicatedPastTop)));
    const expected = flavor === "mariadb" ? "0-1-101..106" : `${U[1]}:101-102`;
    expect(e).toEqual({
      code: "failover.rejoin-refused-errant",
      nodeId: "db1",
      primaryNodeId: "db2",
      errantGtids: expected,
    });
  });

  test("keel rejoin --force rejoins despite errant transactions", () => {
    const i = after(flavor, "db1", g.oneUnreplicated, { rejoinRequest: { force: true } });
    expect(reconcile(i)).toEqual([rejoin(true)]);
  });

  test("auto_rejoin off: stays fenced until keel rejoin asks", () => {
    const off = { settings: { fenceAfterMs: 1_500, autoRejoin: false } };
    expect(event(reconcile(after(flavor, "db1", g.replicated, off)))).toEqual({
      code: "failover.rejoin-disabled",
      nodeId: "db1",
      primaryNodeId: "db2",
    });
    const asked = after(flavor, "db1", g.replicated, { ...off, rejoinRequest: { force: false } });
    expect(reconcile(asked)).toEqual([rejoin()]);
    const askedErrant = after(flavor, "db1", g.oneUnreplicated, { ...off, rejoinRequest: { force: false } });
    expect(event(reconcile(askedErrant))?.code).toBe("failover.rejoin-refused-errant");
  });

  test("a replica still on the old primary is repointed when its GTIDs allow", () => {
    expect(reconcile(after(flavor, "db3", g.replicated))).toEqual([
      { type: "repoint", channel: "", sourceNodeId: "db2", sourceKey: keyOf("db2") },
    ]);
  });

  test("a replica holding the primary's newer writes than its gossiped position is still contained", () => {
    const i = after(flavor, "db3", g.newPrimaryLater);
    expect(reconcile(i)[0]?.type).toBe("repoint");
  });

  test("a replica of the wrong source with errant transactions is left where it is", () => {
    const e = event(reconcile(after(flavor, "db3", g.twoUnreplicatedPastTop)));
    expect(e?.code).toBe("failover.repoint-refused-errant");
    if (e?.code === "failover.repoint-refused-errant") expect(e.source).toBe(`${keyOf("db1").host}:3306`);
  });

  test("assessRejoin reports containment and the errant set", () => {
    const local = after(flavor, "db1", g.oneUnreplicated).local as ReachableInstance;
    const r = assessRejoin(local, position(flavor, g.newPrimary), g.promotedAt);
    expect(r).toEqual({
      ok: true,
      value: { contained: false, errantGtids: flavor === "mariadb" ? "0-1-101" : `${U[1]}:101` },
    });
    const fine = after(flavor, "db1", g.replicated).local as ReachableInstance;
    expect(assessRejoin(fine, position(flavor, g.newPrimary), g.promotedAt)).toMatchObject({
      ok: true,
      value: { contained: true, errantGtids: "" },
    });
  });
});

describe("topology", () => {
  test("a replica of the primary is left alone", () => {
    const i = after("mariadb", "db3", G.mariadb.replicated, {
      ledger: {
        ...after("mariadb", "db3", "").ledger,
        primary: { nodeId: "db1", key: keyOf("db1"), epoch: 3 },
      },
    });
    expect(reconcile(i)).toEqual([]);
  });

  test("a replica reaching the primary under another address is left alone", () => {
    const i = after("mariadb", "db3", G.mariadb.replicated);
    i.ledger = { ...i.ledger, primaryAddresses: [keyOf("db1")] };
    expect(reconcile(i)).toEqual([]);
  });

  test("chained below a member that follows the primary: left alone", () => {
    const i = after("mariadb", "db3", G.mariadb.replicated, { attachedSources: [keyOf("db1")] });
    expect(reconcile(i)).toEqual([]);
  });

  test("several channels, none from the primary: which to move is a person's call", () => {
    const i = after("mysql", "db3", G.mysql.replicated);
    const local = i.local as ReachableInstance;
    const first = local.channels[0] as ReachableInstance["channels"][number];
    local.channels = [first, { ...first, name: "other", sourceHost: "elsewhere.example" }];
    expect(event(reconcile(i))).toEqual({
      code: "failover.wrong-source-ambiguous",
      nodeId: "db3",
      primaryNodeId: "db2",
      sources: ["db1.example:3306", "elsewhere.example:3306"],
    });
  });

  test("while a recovery or switchover runs, its plan owns the topology", () => {
    const recovery = { id: "r1", failedNodeId: "db1", successor: "db2" };
    const base = after("mysql", "db3", G.mysql.replicated);
    expect(reconcile({ ...base, ledger: { ...base.ledger, activeRecovery: recovery } })).toEqual([]);
    const sw = { id: "s1", from: "db1", to: "db2" };
    expect(reconcile({ ...base, ledger: { ...base.ledger, switchover: sw } })).toEqual([]);
    const former = after("mysql", "db1", G.mysql.replicated);
    expect(reconcile({ ...former, ledger: { ...former.ledger, activeRecovery: recovery } })).toEqual([]);
  });

  test("without the primary's gossiped position nothing moves", () => {
    expect(reconcile(after("mysql", "db1", G.mysql.replicated, { primaryPosition: null }))).toEqual([]);
    expect(reconcile(after("mysql", "db3", G.mysql.replicated, { primaryPosition: null }))).toEqual([]);
  });

  test("positions that cannot be compared: an event, no action", () => {
    const i = after("mariadb", "db1", G.mariadb.replicated, {
      primaryPosition: position("mysql", G.mysql.newPrimary),
    });
    expect(event(reconcile(i))).toEqual({
      code: "failover.gtid-incomparable",
      nodeId: "db1",
      primaryNodeId: "db2",
      gtidErrorCode: "gtid.flavor-mismatch",
    });
  });

  test("no rejoin or repoint while another topology change is in flight", () => {
    const i = after("mysql", "db1", G.mysql.replicated, { inFlight: [rejoin()] });
    expect(reconcile(i)).toEqual([]);
    const j = after("mysql", "db3", G.mysql.replicated, { inFlight: [rejoin()] });
    expect(reconcile(j)).toEqual([]);
  });

  test("a writable former primary is fenced first; it rejoins on a later probe", () => {
    const i = after("mysql", "db1", G.mysql.replicated);
    (i.local as ReachableInstance).readOnly = false;
    expect(reconcile(i)[0]).toEqual({ type: "set-read-only", reason: "not-primary" });
  });
});

describe("MariaDB: two failovers later, only the primary's binlog state tells an old tail is errant", () => {
  // The chaos run KEEL_CHAOS_SEED=1: db1 (server 1) wrote 0-1-566..571 while cut off, unreplicated;
  // db2 took over at 0-1-565 and wrote 0-2-566..640; db3 took over from db2 at 0-2-640 and wrote on
  // to 0-3-662. Against db3's position and promotion point, db1's 0-1-571 looks contained.
  const local = (): ReachableInstance => {
    const inst = after("mariadb", "db1", "0-1-571").local as ReachableInstance;
    inst.mariadbGtid = {
      binlogPos: "0-1-571",
      binlogState: "0-1-571",
      currentPos: "0-1-571",
      slavePos: "0-1-100",
      strictMode: true,
      domainId: 0,
    };
    return inst;
  };
  const primary = (binlogState: string): LastKnownPosition => ({
    ...position("mariadb", "0-3-662"),
    serverId: 3,
    mariadbBinlogState: binlogState,
  });

  test("errant against db3's binlog state, though contained by position and promotion point", () => {
    const r = assessRejoin(local(), primary("0-1-565,0-2-640,0-3-662"), "0-2-640");
    expect(r).toEqual({ ok: true, value: { contained: false, errantGtids: "0-1-566..571" } });
    // Before the fix: the same comparison without the binlog state.
    expect(assessRejoin(local(), primary(""), "0-2-640")).toEqual({
      ok: true,
      value: { contained: true, errantGtids: "" },
    });
  });

  test("a server whose every GTID the primary's binlog state holds rejoins", () => {
    const mine = local();
    if (mine.mariadbGtid !== null) Object.assign(mine.mariadbGtid, { binlogState: "0-1-565,0-2-600" });
    mine.gtidExecuted = "0-2-600";
    Object.assign(mine.mariadbGtid ?? {}, { binlogPos: "0-2-600", currentPos: "0-2-600" });
    expect(assessRejoin(mine, primary("0-1-565,0-2-640,0-3-662"), "0-2-640")).toEqual({
      ok: true,
      value: { contained: true, errantGtids: "" },
    });
  });

  test("newer writes of the primary itself, probed after it, are not errant", () => {
    const mine = local();
    Object.assign(mine.mariadbGtid ?? {}, {
      binlogState: "0-1-565,0-2-640,0-3-670",
      binlogPos: "0-3-670",
      currentPos: "0-3-670",
    });
    mine.gtidExecuted = "0-3-670";
    expect(assessRejoin(mine, primary("0-1-565,0-2-640,0-3-662"), "0-2-640")).toMatchObject({
      ok: true,
      value: { contained: true },
    });
  });
});
