import { describe, expect, test } from "bun:test";
import {
  compareMariadbDomains,
  compareMariadbGtidPos,
  formatMariadbGaps,
  mariadbContains,
  mariadbDomainTops,
  mariadbErrant,
  mariadbMerge,
  mariadbMissing,
} from "../../../src/gtid/mariadb-gtid-compare.ts";
import { formatMariadbGtidPos } from "../../../src/gtid/mariadb-gtid-pos.ts";
import { mustParseMariadb as p } from "./arbitrary.ts";

describe("per-domain position", () => {
  test("is the highest seq, with every server at that seq", () => {
    expect(mariadbDomainTops(p("0-1-100,0-2-50,1-2-5,1-3-5,1-1-4"))).toEqual([
      { domain: 0, seq: 100n, serverIds: [1] },
      { domain: 1, seq: 5n, serverIds: [2, 3] },
    ]);
    expect(mariadbDomainTops(p(""))).toEqual([]);
  });

  test("compareMariadbDomains lists every domain of either side", () => {
    const rows = compareMariadbDomains(p("0-1-100,2-1-7"), p("0-1-90,1-2-5"));
    expect(rows.map((r) => [r.domain, r.order])).toEqual([
      [0, "ahead"],
      [1, "behind"],
      [2, "ahead"],
    ]);
    expect(rows[1]?.a).toBeNull();
    expect(rows[1]?.b).toEqual({ domain: 1, seq: 5n, serverIds: [2] });
  });
});

describe("mariadbContains and compareMariadbGtidPos", () => {
  test.each([
    // a, b, a contains b, order of a relative to b
    ["0-1-100", "0-1-100", true, "equal"],
    ["0-1-101", "0-1-100", true, "ahead"],
    ["0-2-101", "0-1-100", true, "ahead"], // a later seq from another server: a failover happened
    ["0-1-100", "0-1-101", false, "behind"],
    ["0-1-100,1-2-5", "0-1-100", true, "ahead"],
    ["0-1-100", "0-1-100,1-2-5", false, "behind"],
    ["0-1-100,1-2-4", "0-1-99,1-2-5", false, "diverged"],
    ["0-2-100", "0-1-100", false, "diverged"], // same seq, different transaction
    ["0-1-100,0-2-100", "0-1-100", true, "ahead"],
    ["0-1-100,0-2-50", "0-1-100", true, "equal"], // older entries of other servers don't count
    ["", "", true, "equal"],
    ["0-1-1", "", true, "ahead"],
    ["", "0-1-0", false, "behind"],
  ])("%p vs %p", (a, b, contains, order) => {
    expect(mariadbContains(p(a), p(b))).toBe(contains);
    expect<string>(compareMariadbGtidPos(p(a), p(b))).toBe(order);
  });
});

describe("mariadbMerge", () => {
  test.each([
    ["0-1-100", "0-1-90,1-2-5", "0-1-100,1-2-5"],
    ["0-1-100", "0-2-120", "0-1-100,0-2-120"],
    ["0-1-100", "0-2-100", "0-1-100,0-2-100"],
    ["", "3-3-3", "3-3-3"],
  ])("%p + %p = %p", (a, b, merged) => {
    expect(formatMariadbGtidPos(mariadbMerge(p(a), p(b)))).toBe(merged);
  });
});

describe("mariadbMissing and mariadbErrant", () => {
  test("what b has beyond a, domain by domain", () => {
    expect(mariadbMissing(p("0-1-100,1-2-5"), p("0-1-120,1-2-5,2-3-7,3-1-9"))).toEqual([
      { domain: 0, kind: "ahead", baseSeq: 100n, topSeq: 120n, serverIds: [1] },
      { domain: 2, kind: "unknown-domain", baseSeq: null, topSeq: 7n, serverIds: [3] },
      { domain: 3, kind: "unknown-domain", baseSeq: null, topSeq: 9n, serverIds: [1] },
    ]);
  });

  test("nothing is missing when a contains b", () => {
    expect(mariadbMissing(p("0-1-100,1-2-5"), p("0-1-90"))).toEqual([]);
    expect(mariadbMissing(p("0-1-100"), p("0-1-100"))).toEqual([]);
  });

  test("a same-seq GTID from another server is a conflict naming only that server", () => {
    expect(mariadbMissing(p("0-1-100"), p("0-1-100,0-2-100"))).toEqual([
      { domain: 0, kind: "conflict", baseSeq: 100n, topSeq: 100n, serverIds: [2] },
    ]);
  });

  test("errant: replica wrote locally (server 2) while replicating server 1", () => {
    const replica = p("0-2-101");
    const primary = p("0-1-100");
    const errant = mariadbErrant(replica, primary);
    expect(errant).toEqual([{ domain: 0, kind: "ahead", baseSeq: 100n, topSeq: 101n, serverIds: [2] }]);
    expect(formatMariadbGaps(errant)).toBe("0-2-101");
  });

  test("errant: a replica that is merely behind has none", () => {
    expect(mariadbErrant(p("0-1-90,1-1-3"), p("0-1-100,1-1-3,2-5-1"))).toEqual([]);
  });

  test("errant: a domain the primary never saw", () => {
    const errant = mariadbErrant(p("0-1-100,9-2-4"), p("0-1-100"));
    expect(errant.map((g) => g.kind)).toEqual(["unknown-domain"]);
    expect(formatMariadbGaps(errant)).toBe("9-2-4");
  });

  test("gap text shows ranges and conflicts", () => {
    const gaps = mariadbMissing(p("0-1-100,1-1-7"), p("0-1-120,1-3-7"));
    expect(formatMariadbGaps(gaps)).toBe("0-1-101..120,1-3-7");
    expect(formatMariadbGaps([])).toBe("");
  });
});
