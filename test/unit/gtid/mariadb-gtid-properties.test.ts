// Laws of MariaDB positions over random positions with few domains and servers, so ties,
// conflicts and containment all occur. A failure prints KEEL_SEED=<n> to replay it.
import { describe, expect, test } from "bun:test";
import {
  compareMariadbDomains,
  compareMariadbGtidPos,
  mariadbContains,
  mariadbDomainTops,
  mariadbErrant,
  mariadbMerge,
  mariadbMissing,
} from "../../../src/gtid/mariadb-gtid-compare.ts";
import {
  formatMariadbGtidPos,
  type MariadbGtidPos,
  mariadbGtidPosEqual,
} from "../../../src/gtid/mariadb-gtid-pos.ts";
import { forSeeds, mustParseMariadb, randomMariadbPos, randomMariadbText } from "./arbitrary.ts";

const SEEDS = 20;
const RUNS = 50;
const contains = mariadbContains;
const merge = mariadbMerge;

function expectSame(a: MariadbGtidPos, b: MariadbGtidPos): void {
  expect(formatMariadbGtidPos(a)).toBe(formatMariadbGtidPos(b));
  expect(mariadbGtidPosEqual(a, b)).toBe(true);
}

describe("MariaDB position laws", () => {
  test("format∘parse is the identity on canonical text; parse∘format round-trips", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const text = randomMariadbText(rng);
      const pos = mustParseMariadb(text);
      const canonical = formatMariadbGtidPos(pos);
      expect(formatMariadbGtidPos(mustParseMariadb(canonical))).toBe(canonical);
      expectSame(mustParseMariadb(canonical), pos);
      expect(pos.gtids.length).toBe(text === "" ? 0 : text.split(",").length);
    });
  });

  test("merge is commutative, associative and idempotent, with the empty position as identity", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b, c] = [randomMariadbPos(rng), randomMariadbPos(rng), randomMariadbPos(rng)];
      expectSame(merge(a, b), merge(b, a));
      expectSame(merge(merge(a, b), c), merge(a, merge(b, c)));
      expectSame(merge(a, a), a);
      expectSame(merge(a, mustParseMariadb("")), a);
    });
  });

  test("contains is reflexive and transitive; a merge contains both sides", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b, c] = [randomMariadbPos(rng), randomMariadbPos(rng), randomMariadbPos(rng)];
      expect(contains(a, a)).toBe(true);
      expect(contains(merge(a, b), a)).toBe(true);
      expect(contains(merge(a, b), b)).toBe(true);
      if (contains(a, b) && contains(b, c)) expect(contains(a, c)).toBe(true);
      const ab = merge(a, b);
      expect(contains(merge(ab, c), a)).toBe(true);
    });
  });

  test("contains both ways exactly when every domain stands at the same place", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const a = randomMariadbPos(rng);
      // Half the time b is a with older entries added, which leaves every domain's top unchanged.
      const b = rng.chance(0.5) ? randomMariadbPos(rng) : olderEntriesAdded(a);
      const sameTops =
        JSON.stringify(mariadbDomainTops(a), big) === JSON.stringify(mariadbDomainTops(b), big);
      expect(contains(a, b) && contains(b, a)).toBe(sameTops);
    });
  });

  test("missing is empty exactly when contained; merging in what is missing closes the gap", () => {
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b] = [randomMariadbPos(rng), randomMariadbPos(rng)];
      expect(mariadbMissing(a, b).length === 0).toBe(contains(a, b));
      expect(mariadbMissing(merge(a, b), b)).toEqual([]);
      expect(mariadbErrant(a, b)).toEqual(mariadbMissing(b, a));
      for (const gap of mariadbMissing(a, b)) {
        expect(gap.serverIds.length).toBeGreaterThan(0);
        if (gap.baseSeq !== null) expect(gap.topSeq >= gap.baseSeq).toBe(true);
      }
    });
  });

  test("compare agrees with contains, with the per-domain view, and is antisymmetric", () => {
    const inverse = { equal: "equal", ahead: "behind", behind: "ahead", diverged: "diverged" } as const;
    forSeeds(SEEDS, RUNS, (rng) => {
      const [a, b] = [randomMariadbPos(rng), randomMariadbPos(rng)];
      const order = compareMariadbGtidPos(a, b);
      expect(order === "equal" || order === "ahead").toBe(contains(a, b));
      expect(order === "equal" || order === "behind").toBe(contains(b, a));
      expect(compareMariadbGtidPos(b, a)).toBe(inverse[order]);
      const orders = new Set(compareMariadbDomains(a, b).map((d) => d.order));
      orders.delete("equal");
      const expected =
        orders.size === 0
          ? "equal"
          : orders.size === 1 && !orders.has("diverged")
            ? [...orders][0]
            : "diverged";
      expect<string>(order).toBe(expected as string);
    });
  });
});

function big(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** a plus, for each domain, an entry from a new server below the domain's top seq (when there is room). */
function olderEntriesAdded(a: MariadbGtidPos): MariadbGtidPos {
  const extra = mariadbDomainTops(a)
    .filter((t) => t.seq > 0n)
    .map((t) => `${t.domain}-99-${t.seq - 1n}`);
  return merge(a, mustParseMariadb(extra.join(",")));
}
