import { describe, expect, test } from "bun:test";
import { err, ok, type Result } from "../../../../src/lib/result.ts";
import type { InstanceState } from "../../../../src/model/instance-state.ts";
import type { LedgerState } from "../../../../src/raft/ledger.ts";
import type { MemberInput } from "../../../../src/runtime/member-facts.ts";
import type {
  ActionDone,
  ReconcileActionError,
  ServerChange,
} from "../../../../src/runtime/reconcile-actions.ts";
import type { QuorumReading } from "../../../../src/runtime/reconcile-inputs.ts";
import { Reconciler } from "../../../../src/runtime/reconciler.ts";
import { addr, HOST, ledgerWith, member, PORTS, server } from "./fixture.ts";

type Done = Result<ActionDone, ReconcileActionError>;

/** A reconciler over fakes: a settable ledger, members and quorum; actions wait for release(). */
function harness(self: string, o: { autoRejoin?: boolean; kind?: "agent" | "witness" } = {}) {
  const h = {
    ledger: ledgerWith(null, 0) as LedgerState,
    members: [] as MemberInput[],
    quorum: { reachable: true, lostForMs: 0, ledgerCurrent: true } as QuorumReading,
    wallMs: 10_000,
    performed: [] as ServerChange[],
    pending: [] as ((r: Done) => void)[],
    warnings: [] as { msg: string; fields: Record<string, unknown> }[],
    audits: [] as { kind: string; data: Record<string, unknown> }[],
    release(r: Done = ok({ changed: true })): Promise<void> {
      const next = h.pending.shift();
      if (next === undefined) throw new Error("no action pending");
      next(r);
      return Promise.resolve().then(() => undefined);
    },
    probe(state: InstanceState): void {
      rec.onProbe(state, 0);
    },
  };
  const rec = new Reconciler({
    self,
    kind: o.kind ?? "agent",
    cluster: "c1",
    selfAddress: addr(self),
    settings: { fenceAfterMs: 1_500, autoRejoin: o.autoRejoin ?? true },
    rejoinRequestTtlMs: 60_000,
    monoMs: () => 0,
    wallMs: () => h.wallMs,
    ledger: () => h.ledger,
    members: () => h.members,
    quorum: () => h.quorum,
    perform: (a) => {
      h.performed.push(a);
      return new Promise<Done>((resolve) => h.pending.push(resolve));
    },
    log: {
      info: () => {},
      warn: (msg, fields = {}) => h.warnings.push({ msg, fields }),
      error: () => {},
    },
    audit: (kind, data) => h.audits.push({ kind, data }),
  });
  return { h, rec };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("fencing by default", () => {
  test("a replica made writable by hand is fenced back, with one event", () => {
    const { h } = harness("db2");
    h.ledger = ledgerWith("db1", 1);
    h.members = [member("db1", server("db1", { readOnly: false }))];
    h.probe(server("db2", { readOnly: false, follows: "db1" }));
    expect(h.performed).toEqual([{ type: "set-read-only", reason: "not-primary" }]);
    expect(h.warnings.map((w) => w.msg)).toEqual(["failover.fenced-not-primary"]);
  });

  test("the ledger's primary found read-only is made writable as primary of the current epoch", () => {
    const { h } = harness("db1");
    h.ledger = ledgerWith("db1", 3);
    h.probe(server("db1", { readOnly: true }));
    expect(h.performed).toEqual([{ type: "set-writable", epoch: 3 }]);
  });

  test("the ledger's primary is not made writable without the quorum", () => {
    const { h } = harness("db1");
    h.ledger = ledgerWith("db1", 3);
    h.quorum = { reachable: false, lostForMs: 200, ledgerCurrent: true };
    h.probe(server("db1", { readOnly: true }));
    expect(h.performed).toEqual([]);
  });

  test("changes never overlap, and a probe taken before a change finished does not decide", async () => {
    const { h } = harness("db1");
    h.ledger = ledgerWith("db1", 3);
    h.probe(server("db1", { readOnly: true, probedAtWallMs: 9_000 }));
    h.probe(server("db1", { readOnly: true, probedAtWallMs: 9_500 }));
    expect(h.performed.length).toBe(1);
    h.wallMs = 10_000;
    await h.release();
    await settle();
    h.probe(server("db1", { readOnly: true, probedAtWallMs: 9_900 })); // started before the change ended
    expect(h.performed.length).toBe(1);
    h.probe(server("db1", { readOnly: true, probedAtWallMs: 10_100 }));
    expect(h.performed.length).toBe(2);
  });

  test("a witness has nothing to reconcile", () => {
    const { h } = harness("w1", { kind: "witness" });
    h.ledger = ledgerWith("db1", 1);
    h.probe(server("db1", { readOnly: false }));
    expect(h.performed).toEqual([]);
  });

  test("every change is audited with its outcome", async () => {
    const { h } = harness("db2");
    h.ledger = ledgerWith("db1", 1);
    h.probe(server("db2", { readOnly: false, follows: "db1" }));
    await h.release(err({ code: "reconcile.action-threw", detail: "boom" }));
    await settle();
    const actions = h.audits.filter((a) => a.kind === "reconcile.action");
    expect(actions.length).toBe(1);
    expect(actions[0]?.data.outcome).toBe("failed");
    expect(actions[0]?.data.action).toBe("set-read-only");
  });
});

describe("self-fencing", () => {
  test("a writable primary cut off from the quorum fences itself once fence_after has run out", () => {
    const { h, rec } = harness("db1");
    h.ledger = ledgerWith("db1", 2);
    h.probe(server("db1", { readOnly: false }));
    h.quorum = { reachable: false, lostForMs: 1_000, ledgerCurrent: true };
    rec.tick(1);
    expect(h.performed).toEqual([]);
    h.quorum = { reachable: false, lostForMs: 1_600, ledgerCurrent: true };
    rec.tick(2);
    rec.tick(3);
    expect(h.performed).toEqual([{ type: "set-read-only", reason: "self-fence" }]);
    expect(h.warnings.map((w) => w.msg)).toEqual(["failover.self-fenced"]);
  });

  test("before the ledger ever named a primary, the writable server is left alone", () => {
    const { h, rec } = harness("db1");
    h.probe(server("db1", { readOnly: false }));
    h.quorum = { reachable: false, lostForMs: 60_000, ledgerCurrent: true };
    rec.tick(1);
    h.probe(server("db1", { readOnly: false }));
    expect(h.performed).toEqual([]);
    expect(h.warnings).toEqual([]);
  });
});

describe("auto-rejoin", () => {
  // db1 was primary at 0-1-100; db2 was promoted there (slave_pos) and wrote on since.
  const newPrimary = server("db2", {
    readOnly: false,
    gtid: "0-2-105",
    current: "0-2-105",
    slavePos: "0-1-100",
  });

  test("a former primary whose GTIDs the new primary holds rejoins as its replica", () => {
    const { h } = harness("db1");
    h.ledger = ledgerWith("db2", 2);
    h.members = [member("db2", newPrimary)];
    h.probe(server("db1", { gtid: "0-1-100" }));
    expect(h.performed).toEqual([
      {
        type: "rejoin",
        sourceNodeId: "db2",
        sourceKey: { host: HOST, port: PORTS.db2 as number },
        forced: false,
      },
    ]);
  });

  test("one with an errant transaction stays fenced; the event names it, once per episode", () => {
    const { h } = harness("db1");
    h.ledger = ledgerWith("db2", 2);
    h.members = [member("db2", newPrimary)];
    h.probe(server("db1", { gtid: "0-1-101" }));
    h.probe(server("db1", { gtid: "0-1-101" }));
    expect(h.performed).toEqual([]);
    expect(h.warnings.length).toBe(1);
    expect(h.warnings[0]?.msg).toBe("failover.rejoin-refused-errant");
    expect(String(h.warnings[0]?.fields.errantGtids)).toContain("0-1-101");
  });

  test("keel rejoin without --force is refused for errant GTIDs; with --force it repoints", async () => {
    const { h, rec } = harness("db1");
    h.ledger = ledgerWith("db2", 2);
    h.members = [member("db2", newPrimary)];
    h.probe(server("db1", { gtid: "0-1-101" }));
    const refused = await rec.requestRejoin(false, 0);
    expect(refused.kind).toBe("refused");
    if (refused.kind === "refused") expect(refused.event.code).toBe("failover.rejoin-refused-errant");
    const forced = rec.requestRejoin(true, 0);
    expect(h.performed).toEqual([
      {
        type: "rejoin",
        sourceNodeId: "db2",
        sourceKey: { host: HOST, port: PORTS.db2 as number },
        forced: true,
      },
    ]);
    await h.release(ok({ changed: true }));
    expect(await forced).toEqual({
      kind: "rejoined",
      nodeId: "db1",
      source: addr("db2"),
      forced: true,
      changed: true,
    });
  });

  test("with auto_rejoin off the server waits for keel rejoin", async () => {
    const { h, rec } = harness("db1", { autoRejoin: false });
    h.ledger = ledgerWith("db2", 2);
    h.members = [member("db2", newPrimary)];
    h.probe(server("db1", { gtid: "0-1-100" }));
    expect(h.performed).toEqual([]);
    expect(h.warnings.map((w) => w.msg)).toEqual(["failover.rejoin-disabled"]);
    const asked = rec.requestRejoin(false, 0);
    expect(h.performed.length).toBe(1);
    await h.release();
    expect((await asked).kind).toBe("rejoined");
  });

  test("keel rejoin on a replica of the primary, or on the primary itself, says so", async () => {
    const replica = harness("db3");
    replica.h.ledger = ledgerWith("db2", 2);
    replica.h.members = [member("db2", newPrimary)];
    replica.h.probe(server("db3", { gtid: "0-2-105", follows: "db2" }));
    expect(await replica.rec.requestRejoin(false, 0)).toEqual({
      kind: "already-replica",
      nodeId: "db3",
      primary: "db2",
    });
    const primary = harness("db2");
    primary.h.ledger = ledgerWith("db2", 2);
    primary.h.probe(newPrimary);
    expect(await primary.rec.requestRejoin(false, 0)).toEqual({ kind: "is-primary", nodeId: "db2" });
  });
  test("keel rejoin while another change runs, or before the primary's position is known, is pending", async () => {
    const busy = harness("db1");
    busy.h.ledger = ledgerWith("db2", 2);
    busy.h.members = [member("db2", newPrimary)];
    busy.h.probe(server("db1", { readOnly: false, gtid: "0-1-100" })); // writable: fenced first
    expect(await busy.rec.requestRejoin(false, 0)).toEqual({
      kind: "pending",
      nodeId: "db1",
      reason: "busy",
    });
    const blind = harness("db3");
    blind.h.ledger = ledgerWith("db2", 2);
    blind.h.members = []; // db2's record has not arrived: its position is unknown
    blind.h.probe(server("db3", { follows: "db1" }));
    expect(await blind.rec.requestRejoin(false, 0)).toEqual({
      kind: "pending",
      nodeId: "db3",
      reason: "waiting",
    });
    expect(blind.h.performed).toEqual([]);
  });
});
