import { describe, expect, test } from "bun:test";
import {
  compareGtid,
  compareGtidStates,
  errantGtids,
  errantGtidsOfStates,
  formatErrantGtids,
  formatGtidState,
  type GtidState,
  gtidFamilyOf,
  hasErrantGtids,
  parseGtidState,
} from "../../../src/gtid/compare.ts";
import type { Flavor } from "../../../src/model/instance-state.ts";
import { forSeeds, randomMariadbText, randomMysqlSet } from "./arbitrary.ts";
import { formatMysqlGtidSet } from "../../../src/gtid/mysql-gtid-set.ts";

const U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const U2 = "2174b383-5441-11e8-b90a-c80aa9429562";

function state(text: string, flavor: Flavor): GtidState {
  const r = parseGtidState(text, flavor);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe("compareGtid", () => {
  test.each([
    ["mysql", `${U1}:1-100`, `${U1}:1-100`, "equal"],
    ["mysql", `${U1}:1-101`, `${U1}:1-100`, "ahead"],
    ["percona", `${U1}:1-99`, `${U1}:1-100`, "behind"],
    ["mysql", `${U1}:1-100,\n${U2}:1`, `${U1}:1-101`, "diverged"],
    ["mysql", "", "", "equal"],
    ["mariadb", "0-1-100", "0-1-100", "equal"],
    ["mariadb", "0-1-100,1-2-5", "0-1-100", "ahead"],
    ["mariadb", "0-1-99", "0-1-100", "behind"],
    ["mariadb", "0-2-100", "0-1-100", "diverged"],
  ] as const)("%s: %p vs %p → %p", (flavor, a, b, order) => {
    expect(compareGtid(a, b, flavor)).toEqual({ ok: true, value: order });
  });

  test("a parse error says which side failed", () => {
    const left = compareGtid("nope", "0-1-1", "mariadb");
    expect(left.ok).toBe(false);
    if (!left.ok) expect(left.error).toMatchObject({ code: "gtid.syntax", operand: "a", position: 0 });
    const right = compareGtid(`${U1}:1`, "0-1-1", "mysql");
    expect(right.ok).toBe(false);
    if (!right.ok) expect(right.error).toMatchObject({ code: "gtid.syntax", operand: "b", expected: "uuid" });
  });

  test("MySQL and MariaDB states are never compared", () => {
    const r = compareGtidStates(state(`${U1}:1`, "mysql"), state("0-1-1", "mariadb"));
    expect(r).toEqual({
      ok: false,
      error: { code: "gtid.flavor-mismatch", left: "mysql", right: "mariadb" },
    });
    const e = errantGtidsOfStates(state("0-1-1", "mariadb"), state("", "mysql"));
    expect(e.ok).toBe(false);
  });

  test("Percona speaks MySQL's GTIDs", () => {
    expect(gtidFamilyOf("percona")).toBe("mysql");
    expect(gtidFamilyOf("mariadb")).toBe("mariadb");
    expect(formatGtidState(state(`${U1.toUpperCase()}:3:1-2`, "percona"))).toBe(`${U1}:1-3`);
    expect(formatGtidState(state("1-1-1,0-1-1", "mariadb"))).toBe("0-1-1,1-1-1");
  });
});

describe("errantGtids", () => {
  test("MySQL: replica − primary", () => {
    const r = errantGtids(`${U1}:1-100,\n${U2}:1-3`, `${U1}:1-120`, "mysql");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(hasErrantGtids(r.value)).toBe(true);
    expect(formatErrantGtids(r.value)).toBe(`${U2}:1-3`);
  });

  test("MySQL: a replica that is only behind has none", () => {
    const r = errantGtids(`${U1}:1-100`, `${U1}:1-120`, "mysql");
    expect(r.ok && hasErrantGtids(r.value)).toBe(false);
    expect(r.ok && formatErrantGtids(r.value)).toBe("");
  });

  test("MariaDB: higher seq and unknown domains", () => {
    const r = errantGtids("0-2-103,7-2-1", "0-1-100", "mariadb");
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.family !== "mariadb") throw new Error("expected a MariaDB result");
    expect(r.value.gaps.map((g) => [g.domain, g.kind])).toEqual([
      [0, "ahead"],
      [7, "unknown-domain"],
    ]);
    expect(formatErrantGtids(r.value)).toBe("0-2-101..103,7-2-1");
  });

  test("MariaDB: none when the primary contains the replica", () => {
    const r = errantGtids("0-1-90", "0-1-100,1-1-3", "mariadb");
    expect(r.ok && hasErrantGtids(r.value)).toBe(false);
  });

  test("errors say whether the replica's or the primary's text was bad", () => {
    const r = errantGtids("0-1-1", "0-1-", "mariadb");
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({ code: "gtid.syntax", operand: "primary", expected: "sequence" });
  });

  test("errant is empty exactly when the replica is equal or behind (both flavors, random states)", () => {
    forSeeds(10, 40, (rng) => {
      const mysqlA = formatMysqlGtidSet(randomMysqlSet(rng));
      const mysqlB = formatMysqlGtidSet(randomMysqlSet(rng));
      const pairs: [string, string, Flavor][] = [
        [mysqlA, mysqlB, "mysql"],
        [randomMariadbText(rng), randomMariadbText(rng), "mariadb"],
      ];
      for (const [replica, primary, flavor] of pairs) {
        const order = compareGtid(replica, primary, flavor);
        const errant = errantGtids(replica, primary, flavor);
        if (!order.ok || !errant.ok) throw new Error("random states must parse");
        expect(hasErrantGtids(errant.value)).toBe(order.value === "ahead" || order.value === "diverged");
      }
    });
  });
});
