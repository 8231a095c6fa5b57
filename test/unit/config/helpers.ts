// Shared fixtures for the config tests: two fixed keys and a known-good config to vary.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigIssue } from "../../../src/config/issues.ts";

export const KEY_A = Buffer.alloc(32, 1).toString("base64");
export const KEY_B = Buffer.alloc(32, 2).toString("base64");
export const FIXTURES = join(import.meta.dir, "../../fixtures/config");

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** A small valid config (no file references), to be varied per test. */
export function validRaw(): Record<string, unknown> {
  return {
    cluster: "main",
    node_id: "db1",
    gossip: { bind: "10.0.0.5" },
    keyring: { primary: KEY_A, keys: [KEY_A] },
    mysql: { user: "keel", password: "mysql-secret-pw" },
  };
}

/** "code path" pairs: what a test asserts about a list of issues. */
export function codesAt(issues: readonly ConfigIssue[]): string[] {
  return issues.map((i) => `${i.code} ${i.path}`);
}
