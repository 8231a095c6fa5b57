// The console's failover and rejoin against a fake agent (fetch): they make the requests `keel
// failover -c main` and `keel rejoin -i` make, stream the recovery's steps as progress, and end
// in one result line, or in the refusal worded with what to do.
import { describe, expect, test } from "bun:test";
import { LedgerConsoleActions, runAction } from "../../../../src/console/actions.ts";
import type { Recovery } from "../../../../src/raft/ledger.ts";
import { API_AUTH_HEADER } from "../../../../src/runtime/api-auth.ts";
import { testConfig } from "./test-config.ts";

type Ending = { state: "finished"; successor: string } | { state: "failed"; detail: string };

interface Posted {
  path: string;
  body: Record<string, unknown>;
  signed: boolean;
}

/**
 * A fake agent whose leader picks up a switchover intent: the first poll after the proposal still
 * shows the intent, the next the recovery with one step done, then the recovery as `ending` says.
 */
function fakeAgent(o: { ending?: Ending; quorum?: "OK" | "LOST"; rejoinAnswer?: unknown } = {}) {
  const posted: Posted[] = [];
  let intent: { id: string; from: string; to: string; by: string; wallMs: number } | null = null;
  let pollsSinceIntent = 0;
  const ledger = () => {
    const base = { index: 5, primary: "db1", epoch: 2, paused: null, downtimes: {} };
    if (intent === null) return { ...base, recoveries: [], switchover: null };
    const n = pollsSinceIntent++;
    if (n === 0) return { ...base, recoveries: [], switchover: intent };
    const steps: Recovery["steps"] = [
      { name: "fence-old-primary", status: "done", detail: "db1 read_only" },
      { name: "promote", status: "pending", detail: "" },
    ];
    const rec: Recovery = {
      id: intent.id,
      analysis: "DeadPrimary",
      failedInstance: "db1",
      detectedWallMs: 1,
      state: "planned",
      steps,
      successor: null,
      finishedWallMs: null,
      detail: "",
      acknowledged: null,
    };
    const ending = o.ending;
    if (n === 1 || ending === undefined) return { ...base, recoveries: [rec], switchover: null };
    if (ending.state === "failed")
      return { ...base, recoveries: [{ ...rec, state: "failed", detail: ending.detail }], switchover: null };
    const done: Recovery = {
      ...rec,
      state: "finished",
      successor: ending.successor,
      steps: [steps[0]!, { name: "promote", status: "done", detail: "" }],
    };
    return { ...base, primary: ending.successor, epoch: 3, recoveries: [done], switchover: null };
  };
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    if (path === "/api/raft")
      return Response.json({
        nodeId: "db1",
        term: 3,
        leader: "db1",
        role: "leader",
        commitIndex: 5,
        appliedIndex: 5,
        members: [],
        quorum: o.quorum ?? "OK",
        ledger: ledger(),
        halted: null,
      });
    if (path === "/api/state") return Response.json({ error: { code: "not-here" } }, { status: 404 });
    const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array));
    const headers = (init?.headers ?? {}) as Record<string, string>;
    posted.push({ path, body, signed: Boolean(headers[API_AUTH_HEADER]) });
    if (path === "/api/rejoin") return Response.json(o.rejoinAnswer);
    intent = body;
    return Response.json({ ok: true, index: 9, outcome: { applied: body.type } });
  }) as typeof fetch;
  return { posted, fetchFn };
}

function actions(fetchFn: typeof fetch, failoverTimeoutMs?: number): LedgerConsoleActions {
  let mono = 0;
  const wallMs = 1_000_000;
  return new LedgerConsoleActions({
    config: testConfig(),
    clock: { monoMs: () => mono, wallMs: () => wallMs },
    operator: "alice@host",
    nodeIdOf: () => null,
    sleep: async (ms) => {
      mono += ms;
    },
    call: { fetch: fetchFn, wallMs: () => wallMs },
    ...(failoverTimeoutMs !== undefined ? { failoverTimeoutMs } : {}),
  });
}

const FAILOVER = { kind: "failover", cluster: "main", primaryKey: "127.0.0.1:31001" } as const;

describe("console failover: keel failover -c main", () => {
  test("asks the quorum with a non-forced failover intent and streams each step, then one result", async () => {
    const { posted, fetchFn } = fakeAgent({ ending: { state: "finished", successor: "db2" } });
    const steps: string[] = [];
    const outcome = await runAction(actions(fetchFn), FAILOVER, (t) => steps.push(t));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      path: "/api/propose",
      signed: true,
      body: { type: "switchover-intent", from: "db1", to: "", by: "alice@host", wallMs: 1_000_000 },
    });
    const id = String(posted[0]?.body.id);
    expect(id).toMatch(/^fo-/);
    expect(steps).toEqual([
      "asking the quorum of main for a failover (as 'keel failover' does)",
      `failover ${id}: from db1 to the best candidate`,
      "done   fence-old-primary: db1 read_only",
      "done   promote",
    ]);
    expect(outcome).toEqual({
      ok: true,
      summary: expect.stringMatching(
        new RegExp(`^failover: db2 is the primary of main \\(epoch 3\\); ${id} finished in \\d+ ms$`),
      ),
    });
  });

  test("a healthy primary: the planner's refusal is the problem, worded with what to do", async () => {
    // As the runner records a planner's refusal in the ledger.
    const detail = 'recovery.primary-serves: {"code":"recovery.primary-serves","nodeId":"db1"}';
    const { fetchFn } = fakeAgent({ ending: { state: "failed", detail } });
    const steps: string[] = [];
    const outcome = await runAction(actions(fetchFn), FAILOVER, (t) => steps.push(t));
    expect(outcome).toEqual({
      ok: false,
      problem:
        "the primary db1 still answers, so a failover would leave two writable servers for a while (recovery.primary-serves)",
      fix: "use 'keel switchover' for a planned change (nothing is lost), or add --force to fail over anyway",
    });
    expect(steps.at(-1)).toBe("done   fence-old-primary: db1 read_only");
  });

  test("a step that failed stays the recovery's failure, with its detail", async () => {
    const detail = "promote:db2 failed: by db2's agent: timeout";
    const { fetchFn } = fakeAgent({ ending: { state: "failed", detail } });
    const outcome = await runAction(actions(fetchFn), FAILOVER, () => {});
    expect(outcome).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^failover fo-\S+ failed: promote:db2 failed: .*\(recovery\.failed\)$/),
      fix: expect.stringContaining("keel recoveries"),
    });
  });

  test("without a quorum nothing is proposed", async () => {
    const { posted, fetchFn } = fakeAgent({ quorum: "LOST" });
    const r = await actions(fetchFn).failover("main", () => {});
    expect(r).toMatchObject({ ok: false, error: { code: "recovery.no-quorum", leader: "db1" } });
    expect(posted).toEqual([]);
  });

  test("a recovery that never ends times out after the failover timeout", async () => {
    const { fetchFn } = fakeAgent();
    const r = await actions(fetchFn, 2_000).failover("main", () => {});
    expect(r).toMatchObject({ ok: false, error: { code: "recovery.timeout", state: "not finished" } });
  });
});

describe("console rejoin: keel rejoin -i", () => {
  const rejoin = { kind: "rejoin", cluster: "main", instance: "127.0.0.1:31002", primaryKey: null } as const;

  test("posts the instance, unforced and signed, and reports where it now replicates from", async () => {
    const outcome = {
      kind: "rejoined",
      nodeId: "db2",
      source: "127.0.0.1:31001",
      forced: false,
      changed: true,
    };
    const { posted, fetchFn } = fakeAgent({ rejoinAnswer: { ok: true, outcome } });
    const steps: string[] = [];
    expect(await runAction(actions(fetchFn), rejoin, (t) => steps.push(t))).toEqual({
      ok: true,
      summary: "rejoin: 127.0.0.1:31002 (db2) now replicates from 127.0.0.1:31001",
    });
    expect(posted).toEqual([
      { path: "/api/rejoin", signed: true, body: { instance: "127.0.0.1:31002", force: false } },
    ]);
    expect(steps).toHaveLength(1);
  });

  test("a refusal and an API error come back as their own codes", async () => {
    const event = {
      code: "failover.rejoin-refused-errant",
      nodeId: "db2",
      primaryNodeId: "db1",
      errantGtids: "0-2-7",
    };
    const refused = fakeAgent({
      rejoinAnswer: { ok: true, outcome: { kind: "refused", nodeId: "db2", event } },
    });
    const r1 = await runAction(actions(refused.fetchFn), rejoin, () => {});
    expect(r1).toMatchObject({ ok: false, problem: expect.stringContaining("(reconcile.rejoin-refused)") });
    const unknown = fakeAgent({
      rejoinAnswer: { ok: false, error: { code: "reconcile.unknown-instance", instance: "127.0.0.1:31002" } },
    });
    const r2 = await actions(unknown.fetchFn).rejoin("main", "127.0.0.1:31002", () => {});
    expect(r2.ok ? null : (r2.error as unknown)).toEqual({
      code: "reconcile.unknown-instance",
      instance: "127.0.0.1:31002",
    });
  });

  test("an answer that is no rejoin answer is a bad response, never a crash", async () => {
    const { fetchFn } = fakeAgent({ rejoinAnswer: { hello: 1 } });
    const r = await actions(fetchFn).rejoin("main", "127.0.0.1:31002", () => {});
    expect(r).toMatchObject({ ok: false, error: { code: "api.bad-response", address: "127.0.0.1:31999" } });
  });
});
