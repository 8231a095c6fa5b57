import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderError } from "../../../../src/cli/render-error.ts";
import type { CodedError } from "../../../../src/cli/command.ts";
import type { Config } from "../../../../src/config/config.ts";
import { parseConfig } from "../../../../src/config/validate.ts";
import { systemClock } from "../../../../src/runtime/clock.ts";
import { lockRaftDir } from "../../../../src/runtime/raft-dir-lock.ts";
import { resolveVoters, startRaftRuntime } from "../../../../src/runtime/raft-loop.ts";

const KEY = Buffer.alloc(32, 1).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "keel-raft-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(extra: Record<string, unknown>): Config {
  const raw = {
    cluster: "main",
    node_id: "db1",
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: KEY, keys: [KEY] },
    mysql: { user: "keel", password: "pw" },
    raft: { data_dir: join(dir, "data") },
    ...extra,
  };
  const parsed = parseConfig(raw, "/etc/keel/keel.json");
  if (!parsed.ok) throw new Error(parsed.error.map((i) => i.code).join());
  return parsed.value.config;
}

describe("starting raft in an agent", () => {
  test("voters: the list when given; alone without seeds; refused with peers and no list", () => {
    expect(resolveVoters(config({ raft: { voters: ["db1", "db2", "w"], data_dir: dir } }))).toEqual({
      ok: true,
      value: ["db1", "db2", "w"],
    });
    expect(resolveVoters(config({}))).toEqual({ ok: true, value: ["db1"] });
    const refused = resolveVoters(config({ gossip: { bind: "127.0.0.1", seeds: ["127.0.0.1:7947"] } }));
    expect(refused.ok ? null : refused.error).toEqual({
      code: "raft.voters-required",
      nodeId: "db1",
      configPath: "/etc/keel/keel.json",
    });
    if (!refused.ok)
      expect(renderError(refused.error)).toContain("fix: list every agent's node_id in raft.voters");
  });

  test("the raft directory is <data_dir>/<cluster>, mode 0700, and held by one agent at a time", () => {
    const cfg = config({});
    const first = startRaftRuntime(cfg, { clock: systemClock, send: () => {}, tickMs: 0 });
    if (!first.ok) throw new Error(first.error.code);
    expect(statSync(join(dir, "data", "main")).mode & 0o777).toBe(0o700);
    const second = startRaftRuntime(cfg, { clock: systemClock, send: () => {}, tickMs: 0 });
    expect(second.ok ? null : second.error.code).toBe("raft.data-dir-locked");
    // A lone voter elects itself and commits.
    for (let i = 0; i < 200 && first.value.host.status().role !== "leader"; i++)
      first.value.host.tick(systemClock.monoMs() + i * 10);
    expect(first.value.view()).toMatchObject({
      leader: "db1",
      quorum: "OK",
      members: [{ id: "db1", witness: false }],
    });
    first.value.stop();
    const third = startRaftRuntime(cfg, { clock: systemClock, send: () => {}, tickMs: 0 });
    expect(third.ok).toBe(true);
    if (third.ok) third.value.stop();
  });

  test("a lock held by a live process refuses; a stale one (its process is gone) is taken over", async () => {
    const d = mkdtempSync(join(dir, "lock-"));
    writeFileSync(join(d, "lock"), "1\n"); // pid 1 is always alive
    const refused = lockRaftDir(d);
    expect(refused.ok ? null : refused.error).toEqual({ code: "raft.data-dir-locked", path: d, pid: 1 });
    const gone = Bun.spawn(["true"]);
    await gone.exited;
    writeFileSync(join(d, "lock"), `${gone.pid}\n`);
    const taken = lockRaftDir(d);
    expect(taken.ok).toBe(true);
    expect(readFileSync(join(d, "lock"), "utf8")).toBe(`${process.pid}\n`);
    if (taken.ok) taken.value();
    expect(existsSync(join(d, "lock"))).toBe(false);
  });

  test("every new error code is worded with a problem and a fix", () => {
    const samples: CodedError[] = [
      { code: "raft.no-leader", term: 4, waitedMs: 5000 } as CodedError,
      { code: "raft.proposal-timeout", timeoutMs: 5000, leader: "db2", stage: "forwarding" } as CodedError,
      { code: "raft.proposal-timeout", timeoutMs: 5000, leader: null, stage: "committing" } as CodedError,
      { code: "raft.proposals-busy", max: 256 } as CodedError,
      { code: "raft.host-halted", detail: "storage.io-failed" } as CodedError,
      { code: "raft.command-malformed", field: "type" } as CodedError,
      { code: "raft.voters-required", nodeId: "db1", configPath: "/etc/keel/keel.json" } as CodedError,
      { code: "raft.data-dir-failed", path: "/var/lib/keel/main", detail: "EACCES" } as CodedError,
      { code: "raft.data-dir-locked", path: "/var/lib/keel/main", pid: 42 } as CodedError,
      { code: "api.unauthorized", reason: "stale", detail: "timestamp is 40 s old" } as CodedError,
      { code: "api.http-disabled", configPath: "/etc/keel/keel.json" } as CodedError,
      {
        code: "api.agent-unreachable",
        address: "127.0.0.1:9797",
        detail: "ECONNREFUSED",
        configPath: "/e/k.json",
      } as CodedError,
      {
        code: "api.rejected",
        address: "127.0.0.1:9797",
        reason: "unauthorized: nonce was already used",
      } as CodedError,
      { code: "api.bad-response", address: "127.0.0.1:9797", status: 500, detail: "not JSON" } as CodedError,
    ];
    for (const e of samples) {
      const line = renderError(e);
      expect(line).toMatch(/^keel: .+ \((raft|api)\.[a-z-]+\); fix: .+$/);
      expect(line).not.toContain("undefined");
      expect(line).not.toMatch(/^keel: error /);
    }
  });
});
