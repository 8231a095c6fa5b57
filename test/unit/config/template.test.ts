import { describe, expect, test } from "bun:test";
import { memoryConfigFs } from "../../../src/config/config-fs.ts";
import { base64ByteLength } from "../../../src/config/key-material.ts";
import { generateKey } from "../../../src/net/keyring.ts";
import { loadConfig } from "../../../src/config/load.ts";
import { IssueList } from "../../../src/config/issues.ts";
import { CONFIG_KEYS, KEEL_CONFIG_SPEC } from "../../../src/config/schema.ts";
import { configTemplate } from "../../../src/config/template.ts";

function leafPaths(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(prefix ? [prefix] : []),
    ...leafPaths(v, prefix ? `${prefix}.${k}` : k),
  ]);
}

describe("generateKey", () => {
  test("is base64 of 32 bytes and different every time", () => {
    const keys = new Set(Array.from({ length: 20 }, generateKey));
    expect(keys.size).toBe(20);
    for (const k of keys) expect(base64ByteLength(k)).toBe(32);
  });
});

describe("configTemplate", () => {
  test("passes validation exactly as written, with the given names and key", () => {
    const key = generateKey();
    const text = configTemplate(key, { cluster: "prod-eu", nodeId: "db-7" });
    const r = loadConfig("/k.json", {}, memoryConfigFs({ "/k.json": text }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.warnings).toEqual([]);
    expect(r.value.config.cluster).toBe("prod-eu");
    expect(r.value.config.nodeId).toBe("db-7");
    expect(r.value.config.keyring.primary.reveal()).toBe(key);
    expect(r.value.config.mysql).not.toBeNull();
  });

  test("spells out every documented key, so the file documents itself", () => {
    const written = new Set(leafPaths(JSON.parse(configTemplate(generateKey()))));
    const documented = CONFIG_KEYS.map((k) => k.path);
    expect(documented.filter((p) => !written.has(p))).toEqual([]);
  });
});

describe("CONFIG_KEYS", () => {
  test("documents every key the validator knows, each with type, default and meaning", () => {
    const paths = CONFIG_KEYS.map((k) => k.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain("gossip.advertise");
    expect(paths).toContain("failover.recovery_block_s");
    expect(paths).toContain("hooks.PostUnsuccessfulFailover");
    for (const k of CONFIG_KEYS) {
      expect(k.type.length).toBeGreaterThan(0);
      expect(k.meaning.length).toBeGreaterThan(0);
      expect(k.default.length).toBeGreaterThan(0);
    }
    const top = Object.keys(KEEL_CONFIG_SPEC.children ?? {});
    expect(CONFIG_KEYS.filter((k) => !k.path.includes(".")).map((k) => k.path)).toEqual(top);
  });

  test("documented defaults are exactly the defaults the validator fills in", () => {
    const decoded = KEEL_CONFIG_SPEC.decode(
      { cluster: "c", node_id: "n", mysql: {} },
      "$",
      new IssueList("/k.json"),
    );
    const valueAt = (path: string) =>
      path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], decoded);
    let compared = 0;
    for (const k of CONFIG_KEYS) {
      // mysql is given (as {}) so its keys' defaults are reachable; the section itself is null by default.
      if (k.default === "required" || k.default === "(object)" || k.path === "mysql") continue;
      expect({ path: k.path, value: valueAt(k.path) }).toEqual({
        path: k.path,
        value: JSON.parse(k.default),
      });
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });
});
