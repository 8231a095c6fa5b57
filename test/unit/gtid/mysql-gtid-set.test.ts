import { describe, expect, test } from "bun:test";
import {
  compareMysqlGtidSets,
  countMysqlGtids,
  EMPTY_MYSQL_GTID_SET,
  formatMysqlGtidSet,
  intersectMysqlGtidSets,
  isMysqlGtidSetEmpty,
  isMysqlGtidSubset,
  mysqlGtidSetFromSources,
  mysqlGtidSetsEqual,
  subtractMysqlGtidSets,
  unionMysqlGtidSets,
} from "../../../src/gtid/mysql-gtid-set.ts";
import { mustParseMysql as p } from "./arbitrary.ts";

const A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const B = "2174b383-5441-11e8-b90a-c80aa9429562";

describe("MySQL GTID set operations, as the SQL functions compute them", () => {
  test.each([
    // a, b, union, a − b (GTID_SUBTRACT), a ∩ b
    [`${A}:21-57`, `${A}:21`, `${A}:21-57`, `${A}:22-57`, `${A}:21`],
    [`${A}:21-57`, `${A}:20-25`, `${A}:20-57`, `${A}:26-57`, `${A}:21-25`],
    [`${A}:21-57`, `${A}:23-24:30`, `${A}:21-57`, `${A}:21-22:25-29:31-57`, `${A}:23-24:30`],
    [`${A}:1-5`, `${B}:1-5`, `${B}:1-5,${A}:1-5`, `${A}:1-5`, ""],
    [`${A}:1-5:t:1-5`, `${A}:t:3`, `${A}:1-5:t:1-5`, `${A}:1-5:t:1-2:4-5`, `${A}:t:3`],
    [`${A}:1-5`, `${A}:t:1-5`, `${A}:1-5:t:1-5`, `${A}:1-5`, ""], // a tag is a separate source
    [`${A}:1-10,${B}:1-10`, `${A}:1-10`, `${B}:1-10,${A}:1-10`, `${B}:1-10`, `${A}:1-10`],
    ["", `${A}:1`, `${A}:1`, "", ""],
  ])("a=%p b=%p", (a, b, union, diff, inter) => {
    expect(formatMysqlGtidSet(unionMysqlGtidSets(p(a), p(b)))).toBe(union);
    expect(formatMysqlGtidSet(subtractMysqlGtidSets(p(a), p(b)))).toBe(diff);
    expect(formatMysqlGtidSet(intersectMysqlGtidSets(p(a), p(b)))).toBe(inter);
  });

  test.each([
    // GTID_SUBSET(a, b)
    [`${A}:23`, `${A}:21-57`, true],
    [`${A}:20-25`, `${A}:21-57`, false],
    [`${A}:t:23`, `${A}:21-57`, false],
    ["", "", true],
    ["", `${A}:1`, true],
    [`${A}:1`, "", false],
    [`${A}:1-3,${B}:5`, `${B}:1-9,${A}:1-4`, true],
    [`${A}:1-3,${B}:5`, `${A}:1-4`, false],
  ])("%p ⊆ %p is %p", (a, b, expected) => {
    expect(isMysqlGtidSubset(p(a), p(b))).toBe(expected);
  });

  test("equality is on content, not on how the text was written", () => {
    expect(mysqlGtidSetsEqual(p(`${A}:1-3:4-5`), p(`${A.toUpperCase()}:5:1-4`))).toBe(true);
    expect(mysqlGtidSetsEqual(p(`${A}:1-5`), p(`${A}:1-6`))).toBe(false);
    expect(mysqlGtidSetsEqual(p(`${A}:1-5`), p(`${A}:t:1-5`))).toBe(false);
  });

  test("empty and count", () => {
    expect(isMysqlGtidSetEmpty(p(""))).toBe(true);
    expect(isMysqlGtidSetEmpty(EMPTY_MYSQL_GTID_SET)).toBe(true);
    expect(isMysqlGtidSetEmpty(p(`${A}:1`))).toBe(false);
    expect(countMysqlGtids(p(`${A}:1-5:7:t:1-2,${B}:10-19`))).toBe(18n);
    const huge = p(`${A}:1-9223372036854775807,${B}:1-9223372036854775807`);
    expect(countMysqlGtids(huge)).toBe(2n * (2n ** 63n - 1n));
  });

  test.each([
    [`${A}:1-10`, `${A}:1-10`, "equal"],
    [`${A}:1-11`, `${A}:1-10`, "ahead"],
    [`${A}:1-10`, `${A}:1-10,${B}:1`, "behind"],
    [`${A}:1-10,${B}:1`, `${A}:1-11`, "diverged"],
    ["", "", "equal"],
  ])("compare %p with %p → %p", (a, b, order) => {
    expect<string>(compareMysqlGtidSets(p(a), p(b))).toBe(order);
  });

  test("building from sources merges, sorts, lower-cases and drops empty sources", () => {
    const set = mysqlGtidSetFromSources([
      { uuid: A.toUpperCase(), tag: "T", intervals: [{ start: 4n, end: 4n }] },
      { uuid: A, intervals: [{ start: 3n, end: 4n }] },
      { uuid: B, intervals: [] },
      { uuid: A, tag: "t", intervals: [{ start: 1n, end: 3n }] },
    ]);
    expect(formatMysqlGtidSet(set)).toBe(`${A}:3-4:t:1-4`);
  });
});
