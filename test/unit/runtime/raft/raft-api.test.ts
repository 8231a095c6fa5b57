// The raft API end to end on loopback: a real HTTP server carrying raftApiRoutes over a one-node
// raft host, called by api-client and by `keel raft status` (runCli, real fetch).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandIo } from "../../../../src/cli/command.ts";
import type { Config } from "../../../../src/config/config.ts";
import { parseConfig } from "../../../../src/config/validate.ts";
import { seededRng } from "../../../../src/lib/rng.ts";
import { createKeyring } from "../../../../src/net/keyring.ts";
import { validateRaftConfig } from "../../../../src/raft/config.ts";
import { runCli } from "../../../../src/main.ts";
import { ApiAuthVerifier } from "../../../../src/runtime/api-auth.ts";
import { callAgent, fetchRaftView, proposeViaAgent } from "../../../../src/runtime/api-client.ts";
import { buildRaftView } from "../../../../src/runtime/ledger-view.ts";
import { Proposer } from "../../../../src/runtime/proposals.ts";
import { RaftHost } from "../../../../src/runtime/raft-host.ts";
import { raftApiRoutes } from "../../../../src/runtime/raft-api.ts";
import { MemoryRaftStorage } from "../../../../src/storage/memory-raft-storage.ts";

const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "keel-raft-api-"));
let server: ReturnType<typeof Bun.serve>;
let host: RaftHost;
let port = 0;
let nowMs = 0;

function configFor(listenPort: number, key = KEY_A): { config: Config; path: string } {
  const raw = {
    cluster: "main",
    node_id: "solo",
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: key, keys: [key] },
    mysql: { user: "keel", password: "pw" },
    http: { listen: `127.0.0.1:${listenPort}` },
  };
  const path = join(dir, `keel-${listenPort}-${key.slice(0, 4)}.json`);
  writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
  const parsed = parseConfig(raw, path);
  if (!parsed.ok) throw new Error(parsed.error.map((i) => i.code).join());
  return { config: parsed.value.config, path };
}

function captureIo(): CommandIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return {
    outText,
    errText,
    out: (t) => outText.push(t),
    err: (t) => errText.push(t),
    env: {},
    isTty: false,
  };
}

beforeAll(() => {
  const cfg = validateRaftConfig("solo", ["solo"]);
  if (!cfg.ok) throw new Error(cfg.error.detail);
  const created = RaftHost.create({
    config: cfg.value,
    storage: new MemoryRaftStorage(),
    nowMs: 0,
    deps: { send: () => {}, rng: seededRng(5) },
  });
  if (!created.ok) throw new Error(created.error.code);
  host = created.value;
  for (nowMs = 0; host.status().role !== "leader"; nowMs += 10) host.tick(nowMs);
  const proposer = new Proposer({
    host,
    send: () => {},
    newRequestId: () => crypto.randomUUID().slice(0, 16),
  });
  const ring = createKeyring({ primary: KEY_A, keys: [KEY_A] });
  if (!ring.ok) throw new Error(ring.error.code);
  const routes = raftApiRoutes({
    verifier: new ApiAuthVerifier(ring.value),
    wallMs: () => Date.now(),
    view: () => buildRaftView(host, nowMs, () => "agent"),
    propose: (cmd, timeoutMs) => proposer.propose(cmd, timeoutMs, nowMs),
  });
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const handler = routes[new URL(req.url).pathname];
      return handler ? handler(req) : new Response("not found", { status: 404 });
    },
  });
  port = server.port ?? 0;
});

afterAll(async () => {
  await server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

describe("raft API", () => {
  test("GET /api/raft through the client: term, leader, members, quorum, ledger", async () => {
    const view = await fetchRaftView(configFor(port).config);
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    expect(view.value).toMatchObject({ nodeId: "solo", leader: "solo", role: "leader", quorum: "OK" });
    expect(view.value.term).toBeGreaterThan(0);
    expect(view.value.members).toEqual([
      { id: "solo", voter: true, witness: false, role: "leader", lastContactAgeMs: 0, matchIndex: 1 },
    ]);
    expect(view.value.ledger).toMatchObject({ primary: null, epoch: 0, paused: null });
  });

  test("POST /api/propose applies the command and answers with index and outcome", async () => {
    const { config } = configFor(port);
    const r = await proposeViaAgent(config, { type: "set-primary", primary: "db1:3306", expectedEpoch: 0 });
    expect(r).toMatchObject({ ok: true, value: { outcome: { applied: "set-primary" } } });
    expect(host.ledgerState.primary).toBe("db1:3306");
    const stale = await proposeViaAgent(config, {
      type: "set-primary",
      primary: "db2:3306",
      expectedEpoch: 0,
    });
    expect(stale.ok ? null : stale.error).toMatchObject({ code: "ledger.stale-epoch" });
    const bad = await callAgent(config, "POST", "/api/propose", { type: "launch-missiles" });
    expect(bad.ok ? bad.value : null).toMatchObject({
      status: 400,
      body: { error: { code: "raft.command-malformed" } },
    });
  });

  test("unsigned and wrongly signed requests get 401 with a one-line reason", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/propose`, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { reason: string };
    expect(body.reason).toMatch(/^unauthorized: no x-keel-auth header$/);
    const wrong = await fetchRaftView(configFor(port, KEY_B).config);
    expect(wrong.ok ? null : wrong.error).toMatchObject({ code: "api.rejected" });
    expect(host.ledgerState.paused).toBeNull();
  });

  test("keel raft status: a table for people, JSON with top-level term and leader", async () => {
    const { path } = configFor(port);
    const human = captureIo();
    expect(await runCli(["raft", "status", "--config", path], human)).toBe(0);
    expect(human.outText[0]).toMatch(/^term \d+ {2}leader solo {2}this node solo \(leader\) .* quorum OK$/);
    expect(human.outText).toContain("ID    ROLE    KIND   LAST CONTACT  MATCH");
    expect(human.outText.some((l) => /^solo +leader +agent +self +\d+$/.test(l))).toBe(true);
    const json = captureIo();
    expect(await runCli(["raft", "status", "--config", path, "--json"], json)).toBe(0);
    const parsed = JSON.parse(json.outText.join("\n"));
    expect(parsed.leader).toBe("solo");
    expect(typeof parsed.term).toBe("number");
  });

  test("keel raft status with no agent running: one line naming the address and the fix", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const freePort = probe.port ?? 1;
    await probe.stop(true);
    const { path } = configFor(freePort);
    const io = captureIo();
    expect(await runCli(["raft", "status", "--config", path], io)).toBe(1);
    expect(io.errText).toHaveLength(1);
    expect(io.errText[0]).toContain(`no keel agent answers at http://127.0.0.1:${freePort}`);
    expect(io.errText[0]).toMatch(/\(api\.agent-unreachable\); fix: start the agent/);
  });
});
