// Reads a recorded-output fixture from test/fixtures/mysql.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StatusRow } from "../../../src/mysql/replica-status.ts";

export const FIXTURE_DIR = join(import.meta.dir, "../../fixtures/mysql");
export const VERSION_SQL = "SELECT @@version AS version, @@version_comment AS version_comment";

export interface Fixture {
  source: string;
  note: string;
  results: Record<string, StatusRow[]>;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name), "utf8")) as Fixture;
}

/** The rows one statement returned in the fixture; throws if the fixture never ran it. */
export function rowsOf(f: Fixture, sql: string): StatusRow[] {
  const rows = f.results[sql];
  if (!rows)
    throw new Error(`fixture has no result for ${sql}; it has ${Object.keys(f.results).join(" | ")}`);
  return rows;
}
