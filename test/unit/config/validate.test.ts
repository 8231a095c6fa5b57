import { describe, expect, test } from "bun:test";
import type { Config } from "../../../src/config/config.ts";
import { memoryConfigFs } from "../../../src/config/config-fs.ts";
import type { ConfigIssue } from "../../../src/config/issues.ts";
import { parseJsonText } from "../../../src/config/json-text.ts";
import { CONFIG_KEYRING_KEYS_MAX, CONFIG_SEEDS_MAX } from "../../../src/lib/limits.ts";
import { parseConfig } from "../../../src/config/validate.ts";
import { codesAt, fixtureText, KEY_A, KEY_B, validRaw } from "./helpers.ts";

function issuesOf(json: unknown): ConfigIssue[] {
  const r = parseConfig(json, "/etc/keel/keel.json");
  if (r.ok) throw new Error("expected issues, config was accepted");
  return r.error;
}

function configOf(json: unknown): Config {
  const r = parseConfig(json, "/etc/keel/keel.json");
  if (!r.ok) throw new Error(`unexpected issues: ${codesAt(r.error).join("; ")}`);
  return r.value.config;
}

function withKey(path: string, value: unknown): Record<string, unknown> {
  const raw = validRaw();
  const keys = path.split(".");
  let at: Record<string, unknown> = raw;
  for (const k of keys.slice(0, -1)) {
    at[k] ??= {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = value;
  return raw;
}

describe("parseConfig: a valid config", () => {
  test("fills every default and converts keys to camelCase", () => {
    const c = configOf(validRaw());
    expect(c.cluster).toBe("main");
    expect(c.nodeId).toBe("db1");
    expect(c.datacenter).toBe("");
    expect(c.promotionRule).toBe("neutral");
    expect(c.gossip).toEqual({ bind: "10.0.0.5", advertise: "10.0.0.5", port: 7946, seeds: [] });
    expect(c.mysql?.host).toBe("127.0.0.1");
    expect(c.mysql?.port).toBe(3306);
    expect(c.replication.user).toBe("repl");
    expect(c.probeIntervalMs).toBe(500);
    expect(c.http.listen).toEqual({ host: "127.0.0.1", port: 9797 });
    expect(c.raft).toEqual({ voters: [], dataDir: "/var/lib/keel" });
    expect(c.failover.fenceAfterMs).toBe(1500);
    expect(c.failover.recoveryBlockSeconds).toBe(3600);
    expect(c.hooks.timeoutMs).toBe(30_000);
    expect(c.hooks.commands.PostFailover).toEqual([]);
    expect(c.log).toEqual({ format: "auto", level: "info" });
  });

  test("the result is deeply frozen", () => {
    const c = configOf(validRaw());
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.gossip.seeds)).toBe(true);
    expect(Object.isFrozen(c.hooks.commands)).toBe(true);
    expect(() => {
      (c as { cluster: string }).cluster = "other";
    }).toThrow();
  });

  test("secrets are usable but never serialised", () => {
    const c = configOf(validRaw());
    expect(c.mysql?.password?.reveal()).toBe("mysql-secret-pw");
    expect(c.keyring.primary.reveal()).toBe(KEY_A);
    const text = `${JSON.stringify(c)} ${String(c.mysql?.password)} ${Bun.inspect(c)}`;
    expect(text).not.toContain("mysql-secret-pw");
    expect(text).not.toContain(KEY_A);
  });

  test("the minimal fixture parses: seeds of every address shape, keyring of two", () => {
    const r = parseConfig(
      (parseJsonText(fixtureText("minimal.json")) as { value: unknown }).value,
      "/f.json",
      memoryConfigFs({ "/etc/keel/mysql.password": "pw\n" }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.value.config;
    expect(c.gossip.seeds).toEqual([
      { host: "10.0.0.6", port: 7946 },
      { host: "fd00::7", port: 7946 },
      { host: "db3.example", port: 7946 },
    ]);
    expect(c.keyring.keys.map((k) => k.reveal())).toEqual([KEY_A, KEY_B]);
    expect(c.mysql?.password?.reveal()).toBe("pw");
    expect(c.mysql?.passwordFile).toBe("/etc/keel/mysql.password");
  });

  test("a witness needs no mysql section", () => {
    const raw = validRaw();
    delete raw.mysql;
    raw.witness = true;
    expect(configOf(raw).mysql).toBeNull();
  });

  test("advertise defaults to bind, and is required when bind is a wildcard", () => {
    expect(configOf(withKey("gossip.advertise", "10.0.0.9")).gossip.advertise).toBe("10.0.0.9");
    for (const bind of ["0.0.0.0", "::"]) {
      expect(codesAt(issuesOf(withKey("gossip.bind", bind)))).toEqual([
        "config.missing-key $.gossip.advertise",
      ]);
    }
    const both = withKey("gossip.bind", "0.0.0.0");
    (both.gossip as Record<string, unknown>).advertise = "10.0.0.5";
    expect(configOf(both).gossip).toMatchObject({ bind: "0.0.0.0", advertise: "10.0.0.5" });
  });
});

describe("parseConfig: each issue kind", () => {
  test("unknown-key suggests the near miss, or lists the known keys", () => {
    const [near] = issuesOf({ ...validRaw(), nodeId: "x" });
    expect(near).toMatchObject({
      code: "config.unknown-key",
      path: "$.nodeId",
      fix: 'rename "nodeId" to "node_id"',
    });
    const [typo] = issuesOf(withKey("gossip.seesd", []));
    expect(typo).toMatchObject({ code: "config.unknown-key", path: "$.gossip.seesd" });
    expect(typo?.expected).toContain('did you mean "seeds"');
    const [far] = issuesOf(withKey("log.colour", true));
    expect(far?.expected).toBe("one of format, level");
    expect(far?.fix).toBe('remove "colour" from $.log');
  });

  test("wrong-type names the expected type and quotes the value", () => {
    const [i] = issuesOf(withKey("mysql.port", "abc"));
    expect(i).toMatchObject({
      code: "config.wrong-type",
      path: "$.mysql.port",
      expected: "integer 1..65535",
      got: '"abc"',
    });
    expect(codesAt(issuesOf(withKey("failover.fence_after_ms", 1.5)))).toEqual([
      "config.wrong-type $.failover.fence_after_ms",
    ]);
    expect(codesAt(issuesOf(withKey("witness", "no")))).toEqual(["config.wrong-type $.witness"]);
    expect(codesAt(issuesOf(withKey("gossip", [])))).toEqual(["config.wrong-type $.gossip"]);
    expect(codesAt(issuesOf([]))).toEqual(["config.wrong-type $"]);
  });

  test("out-of-range at both ends, and exactly at the bounds is fine", () => {
    expect(issuesOf(withKey("probe_interval_ms", 99))[0]).toMatchObject({
      code: "config.out-of-range",
      got: "99",
      expected: "integer 100..60000",
    });
    expect(codesAt(issuesOf(withKey("probe_interval_ms", 60_001)))).toEqual([
      "config.out-of-range $.probe_interval_ms",
    ]);
    expect(configOf(withKey("probe_interval_ms", 100)).probeIntervalMs).toBe(100);
    expect(configOf(withKey("probe_interval_ms", 60_000)).probeIntervalMs).toBe(60_000);
    expect(codesAt(issuesOf(withKey("gossip.port", 0)))).toEqual(["config.out-of-range $.gossip.port"]);
  });

  test("lists are bounded: at the limit accepted, one more refused", () => {
    const seeds = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:7946`);
    expect(configOf(withKey("gossip.seeds", seeds(CONFIG_SEEDS_MAX))).gossip.seeds).toHaveLength(
      CONFIG_SEEDS_MAX,
    );
    expect(codesAt(issuesOf(withKey("gossip.seeds", seeds(CONFIG_SEEDS_MAX + 1))))).toEqual([
      "config.out-of-range $.gossip.seeds",
    ]);
    const keys = (n: number) =>
      Array.from({ length: n }, (_, i) => Buffer.alloc(32, i + 1).toString("base64"));
    expect(configOf(withKey("keyring.keys", keys(CONFIG_KEYRING_KEYS_MAX))).keyring.keys).toHaveLength(
      CONFIG_KEYRING_KEYS_MAX,
    );
    expect(codesAt(issuesOf(withKey("keyring.keys", keys(CONFIG_KEYRING_KEYS_MAX + 1))))).toEqual([
      "config.out-of-range $.keyring.keys",
    ]);
  });

  test("missing-key for required keys and for mysql on a non-witness", () => {
    const raw = validRaw();
    delete raw.cluster;
    delete raw.mysql;
    expect(codesAt(issuesOf(raw))).toEqual(["config.missing-key $.cluster", "config.missing-key $.mysql"]);
    const noKeys = validRaw();
    delete noKeys.keyring;
    expect(codesAt(issuesOf(noKeys))).toEqual(["config.missing-key $.keyring"]);
    expect(codesAt(issuesOf(withKey("keyring", { primary: KEY_A })))).toEqual([
      "config.missing-key $.keyring.keys",
    ]);
  });

  test("invalid-value for malformed names, addresses, paths and enums", () => {
    const cases: [string, unknown][] = [
      ["cluster", "Main"],
      ["node_id", "db 1"],
      ["node_id", "x".repeat(65)],
      ["gossip.bind", "10.0.0"],
      ["gossip.advertise", "0.0.0.0"],
      ["gossip.seeds", ["10.0.0.6"]],
      ["gossip.seeds", ["10.0.0.6:0"]],
      ["http.listen", "localhost"],
      ["raft.data_dir", "var/lib/keel"],
      ["mysql.password", ""],
      ["log.level", "verbose"],
      ["hooks.PreFailover", ["  "]],
    ];
    for (const [path, value] of cases) {
      const issues = issuesOf(withKey(path, value));
      expect(issues.map((i) => i.code)).toEqual(["config.invalid-value"]);
      expect(issues[0]?.path.startsWith(`$.${path}`)).toBe(true);
    }
    expect(issuesOf(withKey("promotion_rule", "prefered"))[0]?.fix).toContain('did you mean "prefer"');
  });

  test("conflict: both password forms, both keyring forms, primary not in keys, duplicates", () => {
    expect(codesAt(issuesOf(withKey("mysql.password_file", "/etc/keel/pw")))).toEqual([
      "config.conflict $.mysql.password_file",
    ]);
    expect(codesAt(issuesOf(withKey("keyring_file", "/etc/keel/keyring.json")))).toEqual([
      "config.conflict $.keyring_file",
    ]);
    expect(codesAt(issuesOf(withKey("keyring", { primary: KEY_B, keys: [KEY_A] })))).toEqual([
      "config.conflict $.keyring.primary",
    ]);
    expect(codesAt(issuesOf(withKey("keyring", { primary: KEY_A, keys: [KEY_A, KEY_A] })))).toEqual([
      "config.conflict $.keyring.keys[1]",
    ]);
    expect(codesAt(issuesOf(withKey("raft.voters", ["db1", "db1"])))).toEqual([
      "config.conflict $.raft.voters[1]",
    ]);
    const witness = withKey("raft.voters", ["db2", "db3"]);
    witness.witness = true;
    expect(codesAt(issuesOf(witness))).toEqual(["config.conflict $.raft.voters"]);
  });

  test("bad-key-material: not base64, or the wrong number of bytes; contents never echoed", () => {
    const short = Buffer.alloc(16, 7).toString("base64");
    const long = Buffer.alloc(33, 7).toString("base64");
    const cases: [string, string][] = [
      ["not base64 at all!", "a string that is not valid base64"],
      [`${KEY_A.slice(0, -1)}`, "a string that is not valid base64"],
      [short, "base64 of 16 bytes"],
      [long, "base64 of 33 bytes"],
    ];
    for (const [key, got] of cases) {
      const issues = issuesOf(withKey("keyring", { primary: KEY_A, keys: [KEY_A, key] }));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: "config.bad-key-material", path: "$.keyring.keys[1]", got });
      expect(JSON.stringify(issues)).not.toContain(key);
    }
    expect(issuesOf(withKey("keyring.primary", 42))[0]).toMatchObject({
      code: "config.wrong-type",
      got: "a number",
    });
  });

  test("a wrongly typed password is reported without its value", () => {
    const issues = issuesOf(withKey("mysql.password", 12345678));
    expect(issues[0]).toMatchObject({ code: "config.wrong-type", got: "a number" });
    expect(JSON.stringify(issues)).not.toContain("12345678");
  });
});

describe("parseConfig: every problem at once", () => {
  test("the many-problems fixture reports each of its problems, in one pass", () => {
    const json = (parseJsonText(fixtureText("many-problems.json")) as { value: unknown }).value;
    const issues = issuesOf(json);
    expect(codesAt(issues).sort()).toEqual(
      [
        "config.unknown-key $.nodeid",
        "config.invalid-value $.cluster",
        "config.missing-key $.node_id",
        "config.invalid-value $.promotion_rule",
        "config.wrong-type $.witness",
        "config.out-of-range $.gossip.port",
        "config.invalid-value $.gossip.seeds[0]",
        "config.bad-key-material $.keyring.keys[0]",
        "config.wrong-type $.mysql.port",
        "config.out-of-range $.probe_interval_ms",
        "config.wrong-type $.failover.fence_after_ms",
        "config.unknown-key $.hooks.OnFailover",
        "config.invalid-value $.hooks.PreFailover[1]",
        "config.conflict $.keyring_file",
        "config.conflict $.mysql.password_file",
        "config.missing-key $.gossip.advertise",
      ].sort(),
    );
    expect(JSON.stringify(issues)).not.toContain("top-secret-pw");
  });

  test("N independent mistakes give exactly N issues", () => {
    const mistakes: [string, unknown][] = [
      ["mysql.port", "x"],
      ["gossip.port", -1],
      ["log.format", "xml"],
      ["failover.auto", "yes"],
      ["hooks.timeout_ms", 5],
      ["raft.data_dir", "rel"],
    ];
    for (let n = 1; n <= mistakes.length; n++) {
      let raw = validRaw();
      for (const [path, value] of mistakes.slice(0, n)) {
        const next = withKey(path, value);
        raw = mergeDeep(raw, next);
      }
      expect(issuesOf(raw)).toHaveLength(n);
    }
  });
});

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === "object" && v !== null && !Array.isArray(v) && typeof prev === "object" && prev !== null
        ? mergeDeep(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
