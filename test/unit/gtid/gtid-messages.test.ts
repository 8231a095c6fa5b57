// Every gtid.* error code has words naming the problem (with where it is) and a fix.
import { describe, expect, test } from "bun:test";
import { allMessages } from "../../../src/cli/messages/index.ts";
import { gtidMessages } from "../../../src/cli/messages/gtid.ts";
import type { GtidError } from "../../../src/gtid/errors.ts";
import { parseMariadbGtidPos } from "../../../src/gtid/mariadb-gtid-pos.ts";
import { parseMysqlGtidSet } from "../../../src/gtid/mysql-gtid-parse.ts";

function errorOf(r: { ok: true } | { ok: false; error: GtidError }): GtidError {
  if (r.ok) throw new Error("expected a parse error");
  return r.error;
}

const samples: GtidError[] = [
  errorOf(parseMysqlGtidSet("zz:1")),
  errorOf(parseMysqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:0")),
  errorOf(parseMysqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:9-5")),
  errorOf(parseMariadbGtidPos("0-1-5,0-1-6")),
  errorOf(parseMariadbGtidPos(" ".repeat(1_048_577))),
  { code: "gtid.flavor-mismatch", left: "mysql", right: "mariadb" },
];

describe("gtid messages", () => {
  test("the samples cover every code", () => {
    expect(new Set<string>(samples.map((e) => e.code))).toEqual(new Set(Object.keys(gtidMessages)));
  });

  test.each(samples.map((e) => [e.code, e] as const))("%s has a problem and a fix", (code, e) => {
    const word = allMessages[code] as (e: GtidError) => { problem: string; fix: string };
    expect(word).toBeDefined();
    const { problem, fix } = word(e);
    expect(problem.length).toBeGreaterThan(10);
    expect(fix.length).toBeGreaterThan(10);
    expect(problem.endsWith(".")).toBe(false);
    expect(fix.endsWith(".")).toBe(false);
    if ("position" in e) expect(problem).toContain(`offset ${e.position}`);
  });

  test("syntax errors quote the token and say what was expected", () => {
    const e = errorOf(parseMysqlGtidSet("3e11fa47-71ca-11e1-9e33-c80aa9429562:1;"));
    const { problem } = gtidMessages["gtid.syntax"](e as Extract<GtidError, { code: "gtid.syntax" }>);
    expect(problem).toBe(
      "invalid MySQL GTID set at offset 38 (found ';'): expected ':', ',' or the end of the set",
    );
  });

  test("the operand is named when a comparison failed on one side", () => {
    const e = { ...errorOf(parseMariadbGtidPos("x")), operand: "primary" };
    const { problem } = gtidMessages["gtid.syntax"](e as Extract<GtidError, { code: "gtid.syntax" }>);
    expect(problem).toContain("of primary");
  });
});
