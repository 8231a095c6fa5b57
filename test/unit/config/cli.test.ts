// The two commands end to end: a real `bun src/main.ts` process, a real temp dir.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_A, validRaw } from "./helpers.ts";

const ROOT = join(import.meta.dir, "../../..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const dir = mkdtempSync(join(tmpdir(), "keel-config-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keel(args: string[], env: Record<string, string> = {}) {
  const { KEEL_CONFIG: _drop, ...base } = process.env;
  const p = Bun.spawnSync([BUN, "src/main.ts", ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}

describe("keel init", () => {
  test("writes a 0600 file in a new 0700 dir, prints where and what next; the result checks OK", () => {
    const path = join(dir, "new/etc/keel.json");
    const r = keel(["init", "--config", path, "--cluster", "prod", "--node-id", "db9"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${path}`);
    expect(r.out).toContain("next steps:");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "new/etc")).mode & 0o777).toBe(0o700);
    const written = JSON.parse(readFileSync(path, "utf8"));
    expect(written.cluster).toBe("prod");
    expect(r.out).not.toContain(written.keyring.primary); // the key is in the file only
    const check = keel(["config", "check", "--config", path]);
    expect({ code: check.code, out: check.out.trim(), err: check.err }).toEqual({
      code: 0,
      out: `config OK: ${path} (cluster prod, node db9)`,
      err: "",
    });
  });

  test("refuses to overwrite an existing file and leaves it untouched", () => {
    const path = join(dir, "existing.json");
    writeFileSync(path, "precious");
    const r = keel(["init", "--config", path]);
    expect(r.code).toBe(1);
    expect(lines(r.err)).toEqual([
      expect.stringMatching(/^keel: .*already exists.*\(config\.exists\); fix: /),
    ]);
    expect(readFileSync(path, "utf8")).toBe("precious");
  });

  test("a bad --cluster writes nothing", () => {
    const path = join(dir, "bad-name.json");
    const r = keel(["init", "--config", path, "--cluster", "Has Spaces"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("(config.invalid-value)");
    expect(() => statSync(path)).toThrow();
  });
});

describe("keel config check", () => {
  test("a missing file: exit 1, one line", () => {
    const r = keel(["config", "check"], { KEEL_CONFIG: join(dir, "nope.json") });
    expect(r.code).toBe(1);
    expect(lines(r.err)).toEqual([expect.stringContaining("(config.not-found); fix: run 'keel init")]);
  });

  /** A config with three mistakes and an inline password that must never be echoed. */
  function writeBadConfig(name: string): string {
    const path = join(dir, name);
    const raw = { ...validRaw(), nodeid: "db1", probe_interval_ms: 5 } as Record<string, unknown>;
    raw.mysql = { port: "abc", password: "hunter2-secret" };
    writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
    return path;
  }

  test("every problem, one line each, exit 1", () => {
    const path = writeBadConfig("bad.json");
    const r = keel(["config", "check", "--config", path]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(lines(r.err)).toEqual([
      'keel: $.nodeid: unknown key "nodeid" (config.unknown-key); fix: rename "nodeid" to "node_id"',
      'keel: $.mysql.port: expected integer 1..65535, got "abc" (config.wrong-type); fix: set $.mysql.port to integer 1..65535',
      "keel: $.probe_interval_ms: expected integer 100..60000, got 5 (config.out-of-range); fix: set $.probe_interval_ms to a value from 100 to 60000, e.g. 100",
    ]);
    expect(r.err).not.toContain("hunter2-secret");
  });

  test("--json reports the same issues as data", () => {
    const path = writeBadConfig("bad-json-output.json");
    const r = keel(["config", "check", "--config", path, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(false);
    expect(report.issues.map((i: { code: string }) => i.code)).toEqual([
      "config.unknown-key",
      "config.wrong-type",
      "config.out-of-range",
    ]);
    expect(r.out).not.toContain("hunter2-secret");
  });

  test("a 0644 file with an inline password: OK plus a warning naming the file and chmod 600", () => {
    const path = join(dir, "readable.json");
    writeFileSync(path, JSON.stringify(validRaw()));
    chmodSync(path, 0o644);
    const r = keel(["config", "check", "--config", path]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(`config OK: ${path} (cluster main, node db1)`);
    expect(lines(r.err)).toEqual([
      `keel: warning: ${path} holds a password or key but is readable by group or others (mode 0644) (config.loose-permissions); fix: chmod 600 ${path}`,
    ]);
    expect(r.err + r.out).not.toContain(KEY_A);
  });

  test("a typo'd subcommand is a usage error", () => {
    const r = keel(["config", "chek"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("did you mean 'config check'");
  });
});
