// The console's actions through the agent's signed proposal API, with a fake agent (fetch), and
// how any result becomes the operator's result line.
import { describe, expect, test } from "bun:test";
import { type ConsoleActions, LedgerConsoleActions, runAction } from "../../../../src/console/actions.ts";
import { API_AUTH_HEADER } from "../../../../src/runtime/api-auth.ts";
import { testConfig } from "./test-config.ts";

interface Seen {
  method: string;
  path: string;
  body: unknown;
  signed: boolean;
}

function recovery(id: string, state: string, acknowledged: boolean) {
  return {
    id,
    analysis: "DeadMaster",
    failedInstance: "db1",
    detectedWallMs: 1,
    state,
    steps: [],
    successor: null,
    finishedWallMs: 2,
    detail: "",
    acknowledged: acknowledged ? { by: "x", comment: "", wallMs: 3 } : null,
  };
}

/** A fake agent: answers /api/raft from `primaries` (one per call, the last repeating) and accepts proposals. */
function fakeAgent(
  primaries: (string | null)[] = ["db1"],
  recoveries: unknown[] = [],
  proposeError?: unknown,
) {
  const seen: Seen[] = [];
  let raftCalls = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(new TextDecoder().decode(init.body as Uint8Array)) : null;
    const headers = (init?.headers ?? {}) as Record<string, string>;
    seen.push({
      method: init?.method ?? "GET",
      path: url.pathname,
      body,
      signed: Boolean(headers[API_AUTH_HEADER]),
    });
    if (url.pathname === "/api/raft") {
      const primary = primaries[Math.min(raftCalls++, primaries.length - 1)] ?? null;
      const ledger = {
        index: 5,
        primary,
        epoch: 2,
        paused: null,
        downtimes: {},
        recoveries,
        switchover: null,
      };
      return Response.json({ nodeId: "db1", term: 3, leader: "db1", role: "leader", members: [], ledger });
    }
    if (proposeError) return Response.json({ ok: false, error: proposeError }, { status: 409 });
    return Response.json({ ok: true, index: 9, outcome: { applied: body?.type } });
  }) as typeof fetch;
  return { seen, fetchFn };
}

function actions(fetchFn: typeof fetch, wallMs = 1_000_000): LedgerConsoleActions {
  let mono = 0;
  return new LedgerConsoleActions({
    config: testConfig(),
    clock: { monoMs: () => mono, wallMs: () => wallMs },
    operator: "alice@host",
    nodeIdOf: (_cluster, key) => (key === "127.0.0.1:31002" ? "db2" : null),
    sleep: async (ms) => {
      mono += ms;
    },
    call: { fetch: fetchFn, wallMs: () => wallMs },
  });
}

const steps: string[] = [];
const progress = (t: string) => steps.push(t);

describe("ledger actions", () => {
  test("downtime proposes a signed downtime-begin ending duration after now", async () => {
    const { seen, fetchFn } = fakeAgent();
    const r = await actions(fetchFn).downtime("main", "127.0.0.1:31002", 3_600_000, "disk", progress);
    expect(r).toEqual({ ok: true, value: "127.0.0.1:31002 downtimed until 01:16:40 UTC" });
    expect(seen).toEqual([
      {
        method: "POST",
        path: "/api/propose",
        signed: true,
        body: {
          type: "downtime-begin",
          instance: "127.0.0.1:31002",
          untilWallMs: 4_600_000,
          reason: "disk",
          owner: "alice@host",
        },
      },
    ]);
  });

  test("pause and resume propose the ledger's pause and resume", async () => {
    const { seen, fetchFn } = fakeAgent();
    const a = actions(fetchFn);
    expect((await a.pause("main", progress)).ok).toBe(true);
    expect((await a.resume("main", progress)).ok).toBe(true);
    expect(seen.map((s) => s.body)).toEqual([
      { type: "pause", by: "alice@host", reason: "paused from keel console", wallMs: 1_000_000 },
      { type: "resume", by: "alice@host" },
    ]);
  });

  test("acknowledge acks only finished, unacknowledged recoveries", async () => {
    const recs = [
      recovery("r1", "finished", false),
      recovery("r2", "planned", false),
      recovery("r3", "failed", true),
    ];
    const { seen, fetchFn } = fakeAgent(["db1"], recs);
    const r = await actions(fetchFn).ack("main", progress);
    expect(r).toEqual({ ok: true, value: "1 recovery acknowledged: r1" });
    expect(seen.filter((s) => s.method === "POST").map((s) => (s.body as { id: string }).id)).toEqual(["r1"]);
    const none = await actions(fakeAgent(["db1"], [recovery("r3", "failed", true)]).fetchFn).ack(
      "main",
      progress,
    );
    expect(none).toEqual({ ok: true, value: "nothing to acknowledge: every finished recovery already is" });
  });

  test("switchover records the intent by node id and succeeds once the ledger's primary moves", async () => {
    const { seen, fetchFn } = fakeAgent(["db1", "db1", "db1", "db2"]);
    const r = await actions(fetchFn).switchover("main", "127.0.0.1:31002", progress);
    expect(r).toEqual({ ok: true, value: "127.0.0.1:31002 is the primary of main (epoch 2)" });
    expect(seen.find((s) => s.method === "POST")?.body).toMatchObject({
      type: "switchover-intent",
      from: "db1",
      to: "db2",
      by: "alice@host",
    });
  });

  test("a switchover the leader never carries out times out with what the primary still is", async () => {
    const r = await actions(fakeAgent(["db1"]).fetchFn).switchover("main", "127.0.0.1:31002", progress);
    expect(r.ok ? null : r.error).toMatchObject({ code: "console.switchover-unconfirmed", primary: "db1" });
  });

  test("another cluster is refused with a typed error, before any request", async () => {
    const { seen, fetchFn } = fakeAgent();
    const a = actions(fetchFn);
    for (const r of [
      await a.pause("orders", progress),
      await a.failover("orders", progress),
      await a.rejoin("orders", "127.0.0.1:31002", progress),
    ])
      expect(r).toMatchObject({ ok: false, error: { code: "console.action-other-cluster" } });
    expect(seen).toEqual([]);
  });

  test("a ledger rejection comes back as its own code", async () => {
    const rejection = { code: "ledger.limit-reached", index: 4, what: "downtimes" };
    const r = await actions(fakeAgent(["db1"], [], rejection).fetchFn).downtime(
      "main",
      "x:1",
      60_000,
      "r",
      progress,
    );
    expect(r).toEqual({ ok: false, error: rejection });
  });
});

describe("runAction", () => {
  const fake = (over: Partial<ConsoleActions>): ConsoleActions => ({
    switchover: async () => ({ ok: true, value: "" }),
    failover: async () => ({ ok: true, value: "" }),
    downtime: async () => ({ ok: true, value: "" }),
    ack: async () => ({ ok: true, value: "" }),
    rejoin: async () => ({ ok: true, value: "" }),
    pause: async () => ({ ok: true, value: "" }),
    resume: async () => ({ ok: true, value: "" }),
    ...over,
  });

  test("routes each request to its method with its arguments", async () => {
    const calls: unknown[] = [];
    const a = fake({
      downtime: async (...args) => {
        calls.push(args.slice(0, 4));
        return { ok: true, value: "down" };
      },
    });
    const outcome = await runAction(
      a,
      {
        kind: "downtime",
        cluster: "main",
        instance: "h:1",
        durationMs: 5,
        durationLabel: "5ms",
        reason: "r",
      },
      progress,
    );
    expect(outcome).toEqual({ ok: true, summary: "down" });
    expect(calls).toEqual([["main", "h:1", 5, "r"]]);
  });

  test("a coded error is worded with its fix; a throw becomes an internal error, never an escape", async () => {
    const failing = fake({
      failover: async () => ({
        ok: false,
        error: { code: "console.action-no-config", action: "failover" } as never,
      }),
    });
    const outcome = await runAction(
      failing,
      { kind: "failover", cluster: "main", primaryKey: null },
      progress,
    );
    expect(outcome).toMatchObject({
      ok: false,
      problem: expect.stringContaining("(console.action-no-config)"),
    });
    expect(outcome.ok ? "" : outcome.fix).toContain("restart the console with --config");
    const throwing = fake({
      ack: async () => {
        throw new Error("boom");
      },
    });
    expect(await runAction(throwing, { kind: "ack", cluster: "main" }, progress)).toMatchObject({
      ok: false,
      problem: "internal error: boom",
    });
  });
});
