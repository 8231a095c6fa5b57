// The operator override of `keel failover --force-without-quorum`: while it lasts the promoted
// server's agent makes no change to it (no self-fence, no not-primary fence); it ends on time, by
// the operator, or when the quorum is back, after a compare-and-set proposal records the server.
import { describe, expect, test } from "bun:test";
import { err, ok, type Result } from "../../../../src/lib/result.ts";
import { OPERATOR_OVERRIDE_TTL_MS_MAX } from "../../../../src/lib/limits.ts";
import { createKeyring } from "../../../../src/net/keyring.ts";
import type { LedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import {
  API_AUTH_HEADER,
  ApiAuthVerifier,
  deriveApiKey,
  signRequest,
} from "../../../../src/runtime/api-auth.ts";
import { OperatorOverride } from "../../../../src/runtime/operator-override.ts";
import { OVERRIDE_API_PATH, overrideApiRoutes } from "../../../../src/runtime/override-api.ts";
import type { ProposalResult } from "../../../../src/runtime/proposals.ts";
import type {
  ActionDone,
  ReconcileActionError,
  ServerChange,
} from "../../../../src/runtime/reconcile-actions.ts";
import { Reconciler } from "../../../../src/runtime/reconciler.ts";
import { addr, ledgerWith, member, server } from "./fixture.ts";

const settle = () => new Promise((r) => setImmediate(r));

function overrideHarness(answer: () => ProposalResult) {
  const h = {
    ledger: { primary: "db1" as string | null, epoch: 1 },
    proposed: [] as LedgerCommand[],
    audits: [] as { kind: string; data: Record<string, unknown> }[],
    ended: 0,
  };
  const o = new OperatorOverride({
    self: "db2",
    ledger: () => h.ledger,
    propose: async (cmd) => {
      h.proposed.push(cmd);
      return answer();
    },
    audit: (kind, data) => h.audits.push({ kind, data }),
    log: { warn: () => {} },
    onEnded: () => {
      h.ended += 1;
    },
  });
  return { h, o };
}

const QUORUM = { reachable: true, lostForMs: 0, ledgerCurrent: true };
const NO_QUORUM = { reachable: false, lostForMs: 60_000, ledgerCurrent: true };
const applied = (): ProposalResult => ok({ index: 7, outcome: { applied: "set-primary" } });

describe("OperatorOverride", () => {
  test("in force until its time runs out, then ended and audited", () => {
    const { h, o } = overrideHarness(applied);
    o.enter("alice", 10_000, 0);
    expect(o.active(9_999)?.by).toBe("alice");
    o.tick(5_000, NO_QUORUM);
    expect(h.proposed).toEqual([]);
    expect(o.active(10_000)).toBeNull();
    expect(h.ended).toBe(1);
    expect(h.audits.map((a) => [a.kind, a.data.why])).toEqual([
      ["override.entered", undefined],
      ["override.ended", "expired"],
    ]);
  });

  test("the time asked for is capped", () => {
    const { o } = overrideHarness(applied);
    expect(o.enter("alice", OPERATOR_OVERRIDE_TTL_MS_MAX * 10, 0).untilMs).toBe(OPERATOR_OVERRIDE_TTL_MS_MAX);
  });

  test("with the quorum back it proposes itself at the epoch it began at, then ends", async () => {
    const { h, o } = overrideHarness(applied);
    o.enter("alice", 60_000, 0);
    h.ledger = { primary: "db1", epoch: 1 };
    o.tick(1_000, QUORUM);
    o.tick(1_010, QUORUM); // a proposal under way is not doubled
    await settle();
    expect(h.proposed).toEqual([{ type: "set-primary", primary: "db2", expectedEpoch: 1 }]);
    expect(o.active(1_100)).toBeNull();
    expect(h.audits.at(-1)?.data).toMatchObject({ why: "recorded", epoch: 2 });
  });

  test("a ledger that moved meanwhile refuses the proposal: the override ends, normal rules fence", async () => {
    const { h, o } = overrideHarness(() =>
      err({ code: "ledger.stale-epoch", index: 9, expectedEpoch: 1, epoch: 2 }),
    );
    o.enter("alice", 60_000, 0);
    o.tick(1_000, QUORUM);
    await settle();
    expect(o.active(1_100)).toBeNull();
    expect(h.ended).toBe(1);
    expect(h.audits.at(-1)?.data).toMatchObject({ why: "ledger-moved", error: "ledger.stale-epoch" });
  });

  test("a quorum still settling (no leader yet) is retried, the override kept meanwhile", async () => {
    let answer: ProposalResult = err({ code: "raft.no-leader", term: 3, waitedMs: 1_000 });
    const { h, o } = overrideHarness(() => answer);
    o.enter("alice", 60_000, 0);
    o.tick(1_000, QUORUM);
    await settle();
    expect(o.active(1_100)).not.toBeNull();
    answer = applied();
    o.tick(2_000, QUORUM);
    await settle();
    expect(h.proposed.length).toBe(2);
    expect(o.active(2_100)).toBeNull();
  });

  test("the operator can end it", () => {
    const { h, o } = overrideHarness(applied);
    o.enter("alice", 60_000, 0);
    expect(o.endByOperator("bob", 10)).toBe(true);
    expect(o.endByOperator("bob", 20)).toBe(false);
    expect(h.audits.at(-1)?.data).toMatchObject({ why: "ended-by-operator", by: "bob" });
  });
});

type Done = Result<ActionDone, ReconcileActionError>;

describe("the reconciler under an override", () => {
  function reconciler(overridden: () => boolean, quorum = NO_QUORUM) {
    const performed: ServerChange[] = [];
    const rec = new Reconciler({
      self: "db2",
      kind: "agent",
      cluster: "c1",
      selfAddress: addr("db2"),
      settings: { fenceAfterMs: 1_500, autoRejoin: true },
      rejoinRequestTtlMs: 60_000,
      monoMs: () => 0,
      wallMs: () => 0,
      ledger: () => ledgerWith("db1", 1),
      members: () => [member("db1", server("db1", { readOnly: true, follows: "db2" }))],
      quorum: () => quorum,
      perform: (a) => {
        performed.push(a);
        return new Promise<Done>(() => {});
      },
      log: { info: () => {}, warn: () => {}, error: () => {} },
      audit: () => {},
      overridden,
    });
    return { rec, performed };
  }

  test("no self-fence of the promoted server while the override lasts; the fence once it ends", () => {
    let on = true;
    const { rec, performed } = reconciler(() => on);
    rec.onProbe(server("db2", { readOnly: false }), 0);
    rec.tick(10_000);
    expect(performed).toEqual([]);
    on = false;
    rec.tick(10_050);
    expect(performed).toEqual([{ type: "set-read-only", reason: "self-fence" }]);
  });

  test("no not-primary fence either, with a quorum whose ledger names another primary", () => {
    const { rec, performed } = reconciler(() => true, QUORUM);
    rec.onProbe(server("db2", { readOnly: false }), 0);
    rec.onLedgerChange(10);
    expect(performed).toEqual([]);
  });
});

describe("POST /api/override", () => {
  const KEY = Buffer.alloc(32, 5).toString("base64");
  const ring = createKeyring({ primary: KEY, keys: [KEY] });
  if (!ring.ok) throw new Error(ring.error.code);
  const keyring = ring.value;

  function route() {
    const { h, o } = overrideHarness(applied);
    const routes = overrideApiRoutes({
      verifier: new ApiAuthVerifier(keyring),
      wallMs: () => Date.now(),
      monoMs: () => 0,
      self: "db2",
      selfAddress: addr("db2"),
      override: o,
    });
    const handler = routes[OVERRIDE_API_PATH];
    if (handler === undefined) throw new Error("no route");
    const post = async (body: unknown, sign = true) => {
      const bytes = new TextEncoder().encode(JSON.stringify(body));
      const headers: Record<string, string> = {};
      if (sign)
        headers[API_AUTH_HEADER] = signRequest(
          deriveApiKey(keyring.primaryKey),
          { method: "POST", path: OVERRIDE_API_PATH, body: bytes },
          Date.now(),
        );
      const res = await handler(
        new Request(`http://127.0.0.1${OVERRIDE_API_PATH}`, { method: "POST", headers, body: bytes }),
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return { h, o, post };
  }

  test("grants the override for this agent's own server", async () => {
    const { o, post } = route();
    const r = await post({ instance: addr("db2"), by: "alice", ttlMs: 60_000 });
    expect(r.status).toBe(200);
    expect(r.body.grant).toEqual({
      nodeId: "db2",
      by: "alice",
      remainingMs: 60_000,
      ledgerPrimary: "db1",
      ledgerEpoch: 1,
    });
    expect(o.active(1)).not.toBeNull();
  });

  test("refuses another server, an unsigned request and a bad duration, granting nothing", async () => {
    const { o, post } = route();
    const other = await post({ instance: addr("db3"), by: "alice", ttlMs: 60_000 });
    expect(other.status).toBe(409);
    expect((other.body.error as { code: string }).code).toBe("override.not-local");
    expect((await post({ instance: addr("db2"), by: "alice", ttlMs: 60_000 }, false)).status).toBe(401);
    expect((await post({ instance: addr("db2"), by: "alice", ttlMs: 0 })).status).toBe(400);
    expect(o.active(1)).toBeNull();
  });
});
