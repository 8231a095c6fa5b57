// keel downtime / ack / pause / resume / rejoin end to end on loopback: runCli against a real HTTP
// server carrying the raft API of a one-node raft host and the rejoin API over a fake reconciler.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDurationMs } from "../../../../src/cli/downtime.ts";
import type { CommandIo } from "../../../../src/cli/command.ts";
import { seededRng } from "../../../../src/lib/rng.ts";
import { runCli } from "../../../../src/main.ts";
import { createKeyring } from "../../../../src/net/keyring.ts";
import { validateRaftConfig } from "../../../../src/raft/config.ts";
import { ApiAuthVerifier } from "../../../../src/runtime/api-auth.ts";
import { buildRaftView } from "../../../../src/runtime/ledger-view.ts";
import { Proposer } from "../../../../src/runtime/proposals.ts";
import { raftApiRoutes } from "../../../../src/runtime/raft-api.ts";
import { RaftHost } from "../../../../src/runtime/raft-host.ts";
import { rejoinApiRoutes } from "../../../../src/runtime/reconcile-api.ts";
import type { RejoinOutcome } from "../../../../src/runtime/reconciler.ts";
import { MemoryRaftStorage } from "../../../../src/storage/memory-raft-storage.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "keel-reconcile-cli-"));
let server: ReturnType<typeof Bun.serve>;
let host: RaftHost;
let configPath = "";
let nowMs = 0;
/** What the fake target agent answers to the next rejoin request. */
let nextRejoin: RejoinOutcome | null = null;
const rejoinAsked: { nodeId: string; force: boolean }[] = [];

function io(): CommandIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return {
    outText,
    errText,
    out: (t) => outText.push(t),
    err: (t) => errText.push(t),
    env: { USER: "alice" },
    isTty: false,
  };
}

async function keel(...args: string[]) {
  const c = io();
  const code = await runCli([...args, "--config", configPath], c);
  return { code, out: c.outText.join("\n"), err: c.errText.join("\n") };
}

beforeAll(() => {
  const cfg = validateRaftConfig("solo", ["solo"]);
  if (!cfg.ok) throw new Error(cfg.error.detail);
  const created = RaftHost.create({
    config: cfg.value,
    storage: new MemoryRaftStorage(),
    nowMs: 0,
    deps: { send: () => {}, rng: seededRng(9) },
  });
  if (!created.ok) throw new Error(created.error.code);
  host = created.value;
  for (nowMs = 0; host.status().role !== "leader"; nowMs += 10) host.tick(nowMs);
  const proposer = new Proposer({
    host,
    send: () => {},
    newRequestId: () => crypto.randomUUID().slice(0, 16),
  });
  const ring = createKeyring({ primary: KEY, keys: [KEY] });
  if (!ring.ok) throw new Error(ring.error.code);
  const verifier = new ApiAuthVerifier(ring.value);
  const routes = {
    ...raftApiRoutes({
      verifier,
      wallMs: () => Date.now(),
      view: () => buildRaftView(host, nowMs, () => "agent"),
      propose: (cmd, timeoutMs) => proposer.propose(cmd, timeoutMs, nowMs),
    }),
    ...rejoinApiRoutes({
      verifier,
      wallMs: () => Date.now(),
      resolve: (instance) => (instance === "127.0.0.1:3307" ? "db2" : null),
      rejoin: async (nodeId, force) => {
        rejoinAsked.push({ nodeId, force });
        return { outcome: nextRejoin, waitedMs: 15_000 };
      },
    }),
  };
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const handler = routes[new URL(req.url).pathname];
      return handler ? handler(req) : new Response("{}", { status: 404 });
    },
  });
  configPath = join(dir, "keel.json");
  const raw = {
    cluster: "main",
    node_id: "solo",
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: KEY, keys: [KEY] },
    mysql: { user: "keel", password: "pw" },
    http: { listen: `127.0.0.1:${server.port}` },
  };
  writeFileSync(configPath, JSON.stringify(raw), { mode: 0o600 });
});

afterAll(async () => {
  await server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

describe("parseDurationMs", () => {
  test("units, combinations and bare seconds", () => {
    expect(parseDurationMs("90s")).toEqual({ ok: true, value: 90_000 });
    expect(parseDurationMs("1h30m")).toEqual({ ok: true, value: 5_400_000 });
    expect(parseDurationMs("2d")).toEqual({ ok: true, value: 172_800_000 });
    expect(parseDurationMs("45")).toEqual({ ok: true, value: 45_000 });
  });
  test("nothing, zero, nonsense and more than a week are refused", () => {
    for (const t of ["", "0s", "1y", "h", "8d", "-5m"]) expect(parseDurationMs(t).ok).toBe(false);
  });
});

describe("ledger commands", () => {
  test("keel downtime begins and ends a downtime in the ledger", async () => {
    const before = Date.now();
    const begun = await keel("downtime", "-i", "127.0.0.1:3307", "--duration", "1h", "--reason", "disk swap");
    expect(begun.code).toBe(0);
    expect(begun.out).toMatch(
      /^downtime: 127\.0\.0\.1:3307 downtimed until .* UTC by alice \(disk swap\); ledger index \d+$/,
    );
    const d = host.ledgerState.downtimes["127.0.0.1:3307"];
    expect(d?.owner).toBe("alice");
    expect(d?.reason).toBe("disk swap");
    expect((d?.untilWallMs ?? 0) - before).toBeGreaterThanOrEqual(3_600_000);
    const ended = await keel("downtime", "--end", "-i", "127.0.0.1:3307");
    expect(ended.code).toBe(0);
    expect(host.ledgerState.downtimes["127.0.0.1:3307"]).toBeUndefined();
    const again = await keel("downtime", "--end", "-i", "127.0.0.1:3307");
    expect(again.out).toBe("downtime: 127.0.0.1:3307 is not downtimed; nothing to end");
  });

  test("a bad duration is a usage error naming the fix", async () => {
    const r = await keel("downtime", "-i", "127.0.0.1:3307", "--duration", "soon");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^keel: "soon" is not a duration .*\(reconcile\.bad-duration\); fix: /);
  });

  test("keel pause and keel resume flip the ledger's pause flag", async () => {
    const paused = await keel("pause", "--reason", "maintenance", "--json");
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.out)).toMatchObject({ ok: true, command: { type: "pause", by: "alice" } });
    expect(host.ledgerState.paused).toMatchObject({ by: "alice", reason: "maintenance" });
    const resumed = await keel("resume");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/^resume: automatic recovery of main is on again/);
    expect(host.ledgerState.paused).toBeNull();
  });

  test("-c naming another cluster is refused before anything is proposed", async () => {
    const r = await keel("pause", "-c", "other", "--reason", "x");
    expect(r.code).toBe(1);
    expect(r.err).toContain("(reconcile.other-cluster)");
    expect(host.ledgerState.paused).toBeNull();
  });

  test("keel ack acknowledges every finished recovery, once", async () => {
    for (const cmd of [
      { type: "recovery-detected", id: "r1", analysis: "DeadPrimary", failedInstance: "db1", wallMs: 1 },
      { type: "recovery-finished", id: "r1", outcome: "finished", detail: "", wallMs: 2 },
    ] as const) {
      const r = await proposer(cmd);
      expect(r).toBe(true);
    }
    const acked = await keel("ack", "-c", "main", "--reason", "checked");
    expect(acked.code).toBe(0);
    expect(acked.out).toBe("ack: 1 recovery of main acknowledged by alice: r1");
    expect(host.ledgerState.recoveries[0]?.acknowledged).toMatchObject({ by: "alice", comment: "checked" });
    const again = await keel("ack", "-c", "main");
    expect(again.out).toBe("ack: nothing to acknowledge in main: every finished recovery already is");
  });
});

async function proposer(cmd: Parameters<RaftHost["propose"]>[0]): Promise<boolean> {
  const r = host.propose(cmd);
  return r.ok && host.ledgerState.index >= r.value.index;
}

describe("keel rejoin", () => {
  test("a rejoined server is one line; --force prints the warning first", async () => {
    nextRejoin = { kind: "rejoined", nodeId: "db2", source: "127.0.0.1:3306", forced: true, changed: true };
    const r = await keel("rejoin", "-i", "127.0.0.1:3307", "--force");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "rejoin: 127.0.0.1:3307 (db2) now replicates from 127.0.0.1:3306 (forced: errant transactions kept)",
    );
    expect(r.err).toContain("injects nothing");
    expect(rejoinAsked.at(-1)).toEqual({ nodeId: "db2", force: true });
  });

  test("errant GTIDs: refused, the line names them and the way out", async () => {
    nextRejoin = {
      kind: "refused",
      nodeId: "db2",
      event: {
        code: "failover.rejoin-refused-errant",
        nodeId: "db2",
        primaryNodeId: "db1",
        errantGtids: "0-2-17",
      },
    };
    const r = await keel("rejoin", "-i", "127.0.0.1:3307");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^keel: .*0-2-17.*\(reconcile\.rejoin-refused\); fix: .*--force/);
  });

  test("an unknown instance and an agent that does not answer are errors with a fix", async () => {
    const unknown = await keel("rejoin", "-i", "10.9.9.9:3306");
    expect(unknown.err).toContain("(reconcile.unknown-instance)");
    nextRejoin = null;
    const silent = await keel("rejoin", "-i", "127.0.0.1:3307");
    expect(silent.code).toBe(1);
    expect(silent.err).toContain(
      "did not answer the rejoin request within 15000 ms (reconcile.rejoin-unanswered)",
    );
  });
});
