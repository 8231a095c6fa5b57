// Laws of the MySQL GTID set algebra over random sets, plus a brute-force model of each operation.
// A failure prints KEEL_SEED=<n>; rerun with that variable set to replay only that seed.
import { describe, expect, test } from "bun:test";
import { parseMysqlGtidSet } from "../../../src/gtid/mysql-gtid-parse.ts";
import {
  compareMysqlGtidSets,
  countMysqlGtids,
  formatMysqlGtidSet,
  intersectMysqlGtidSets,
  isMysqlGtidSetEmpty,
  isMysqlGtidSubset,
  type MysqlGtidSet,
  mysqlGtidSetsEqual,
  subtractMysqlGtidSets,
  unionMysqlGtidSets,
} from "../../../src/gtid/mysql-gtid-set.ts";
import {
  expand,
  expandSet,
  forSeeds,
  mustParseMysql,
  randomMysqlSet,
  randomRawGtids,
  rawToText,
  sorted,
} from "./arbitrary.ts";

const SEEDS = 20;
const RUNS = 50;

const fmt = (s: MysqlGtidSet): string => formatMysqlGtidSet(s);
const union = unionMysqlGtidSets;
const minus = subtractMysqlGtidSets;
const subset = isMysqlGtidSubset;

function expectSame(a: MysqlGtidSet, b: MysqlGtidSet): void {
  expect(fmt(a)).toBe(fmt(b));
  expect(mysqlGtidSetsEqual(a, b)).toBe(true);
}

describe("MySQL GTID sets against a brute-force model", () => {
  test("parse keeps exactly the written transactions, in canonical form", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const raw = randomRawGtids(rng);
      const set = mustParseMysql(rawToText(rng, raw));
      expect(sorted(expandSet(set))).toEqual(sorted(expand(raw)));
      expect(countMysqlGtids(set)).toBe(BigInt(expand(raw).size));
      expect(isMysqlGtidSetEmpty(set)).toBe(raw.length === 0);
    });
  });

  test("union, subtract, intersect and subset match set operations on the model", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const a = randomMysqlSet(rng);
      const b = randomMysqlSet(rng);
      const ma = expandSet(a);
      const mb = expandSet(b);
      expect(sorted(expandSet(union(a, b)))).toEqual(sorted(new Set([...ma, ...mb])));
      expect(sorted(expandSet(minus(a, b)))).toEqual([...ma].filter((g) => !mb.has(g)).sort());
      expect(sorted(expandSet(intersectMysqlGtidSets(a, b)))).toEqual(
        [...ma].filter((g) => mb.has(g)).sort(),
      );
      expect(subset(a, b)).toBe([...ma].every((g) => mb.has(g)));
    });
  });
});

describe("MySQL GTID set laws", () => {
  test("format∘parse is the identity on canonical text; parse∘format round-trips", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const set = randomMysqlSet(rng);
      const text = fmt(set);
      expect(fmt(mustParseMysql(text))).toBe(text);
      expectSame(mustParseMysql(text), set);
      const multiline = formatMysqlGtidSet(set, { newlines: true });
      expectSame(mustParseMysql(multiline), set);
    });
  });

  test("union is commutative, associative and idempotent, with ∅ as identity", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b, c] = [randomMysqlSet(rng), randomMysqlSet(rng), randomMysqlSet(rng)];
      expectSame(union(a, b), union(b, a));
      expectSame(union(union(a, b), c), union(a, union(b, c)));
      expectSame(union(a, a), a);
      expectSame(union(a, mustParseMysql("")), a);
    });
  });

  test("subtraction: (a ∪ b) − b ⊆ a, a − a = ∅, (a − b) ∩ b = ∅, (a − b) ∪ (a ∩ b) = a", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b] = [randomMysqlSet(rng), randomMysqlSet(rng)];
      expect(subset(minus(union(a, b), b), a)).toBe(true);
      expect(isMysqlGtidSetEmpty(minus(a, a))).toBe(true);
      expect(isMysqlGtidSetEmpty(intersectMysqlGtidSets(minus(a, b), b))).toBe(true);
      expectSame(union(minus(a, b), intersectMysqlGtidSets(a, b)), a);
    });
  });

  test("subset is reflexive, antisymmetric and transitive; a ⊆ a ∪ b", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b, c] = [randomMysqlSet(rng), randomMysqlSet(rng), randomMysqlSet(rng)];
      expect(subset(a, a)).toBe(true);
      expect(subset(a, union(a, b))).toBe(true);
      expect(subset(intersectMysqlGtidSets(a, b), a)).toBe(true);
      if (subset(a, b) && subset(b, a)) expectSame(a, b);
      // Force the transitive premise to hold often: a ⊆ a ∪ b ⊆ a ∪ b ∪ c.
      const ab = union(a, b);
      const abc = union(ab, c);
      expect(subset(a, ab) && subset(ab, abc) && subset(a, abc)).toBe(true);
      if (subset(a, b) && subset(b, c)) expect(subset(a, c)).toBe(true);
    });
  });

  test("compare agrees with subset both ways and is antisymmetric", () => {
    const inverse = { equal: "equal", ahead: "behind", behind: "ahead", diverged: "diverged" } as const;
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b] = [randomMysqlSet(rng), randomMysqlSet(rng)];
      const order = compareMysqlGtidSets(a, b);
      expect(order === "equal" || order === "ahead").toBe(subset(b, a));
      expect(order === "equal" || order === "behind").toBe(subset(a, b));
      expect(compareMysqlGtidSets(b, a)).toBe(inverse[order]);
      expect(compareMysqlGtidSets(union(a, b), a)).toBe(subset(b, a) ? "equal" : "ahead");
    });
  });

  test("every random text either parses or names a position inside it", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const text = rawToText(rng, randomRawGtids(rng));
      if (text.length === 0) return;
      // Damage one character; whatever happens, errors must point inside the text.
      const at = rng.int(text.length);
      const damaged = text.slice(0, at) + rng.pick(["-", ":", ",", "x", "0", " ", "é"]) + text.slice(at + 1);
      const r = parseMysqlGtidSet(damaged);
      if (!r.ok && "position" in r.error) {
        expect(r.error.position).toBeGreaterThanOrEqual(0);
        expect(r.error.position).toBeLessThanOrEqual(damaged.length);
      }
    });
  });
});
