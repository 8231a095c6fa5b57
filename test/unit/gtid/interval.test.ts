import { describe, expect, test } from "bun:test";
import {
  countIntervals,
  formatIntervals,
  type GtidInterval,
  intersectIntervals,
  isIntervalSubset,
  normalizeIntervals,
  subtractIntervals,
  unionIntervals,
} from "../../../src/gtid/interval.ts";

const MAX = 2n ** 63n - 1n;

/** "1-5:7" → intervals, so tables read like MySQL text. */
function iv(text: string): GtidInterval[] {
  if (text === "") return [];
  return text.split(":").map((part) => {
    const [a, b] = part.split("-");
    return { start: BigInt(a as string), end: BigInt(b ?? (a as string)) };
  });
}

describe("normalizeIntervals", () => {
  test.each([
    ["", ""],
    ["3", "3"],
    ["7-9:1-5", "1-5:7-9"],
    ["1-5:6-9", "1-9"], // touching intervals merge, as MySQL prints them
    ["1-5:3-4", "1-5"],
    ["1-5:2-8:20:10-19", "1-8:10-20"],
    ["5:5:5", "5"],
    [`${MAX}:1:${MAX - 1n}`, `1:${MAX - 1n}-${MAX}`],
  ])("%p → %p", (input, expected) => {
    expect(formatIntervals(normalizeIntervals(iv(input)))).toBe(expected);
  });
});

describe("set operations on interval lists", () => {
  test.each([
    // a, b, union, a − b, a ∩ b
    ["1-5", "", "1-5", "1-5", ""],
    ["", "1-5", "1-5", "", ""],
    ["1-5", "6-9", "1-9", "1-5", ""],
    ["1-5", "7-9", "1-5:7-9", "1-5", ""],
    ["1-10", "3-4", "1-10", "1-2:5-10", "3-4"],
    ["1-10", "1-10", "1-10", "", "1-10"],
    ["1-10", "0-0", "0-10", "1-10", ""],
    ["1-3:5-7:9-11", "2-10", "1-11", "1:11", "2-3:5-7:9-10"],
    ["2-10", "1-3:5-7:9-11", "1-11", "4:8", "2-3:5-7:9-10"],
    ["1-100", "10:20:30", "1-100", "1-9:11-19:21-29:31-100", "10:20:30"],
    [`1-${MAX}`, `2-${MAX - 1n}`, `1-${MAX}`, `1:${MAX}`, `2-${MAX - 1n}`],
  ])("a=%p b=%p", (a, b, union, diff, inter) => {
    expect(formatIntervals(unionIntervals(iv(a), iv(b)))).toBe(union);
    expect(formatIntervals(subtractIntervals(iv(a), iv(b)))).toBe(diff);
    expect(formatIntervals(intersectIntervals(iv(a), iv(b)))).toBe(inter);
  });
});

describe("isIntervalSubset", () => {
  test.each([
    ["", "", true],
    ["", "1", true],
    ["1", "", false],
    ["3-4", "1-10", true],
    ["1-10", "1-10", true],
    ["1-11", "1-10", false],
    ["5-6", "1-5:7-9", false], // 6 is in the gap
    ["1-2:8", "1-5:7-9", true],
    ["4-8", "1-5:7-9", false],
  ])("%p ⊆ %p is %p", (a, b, expected) => {
    expect(isIntervalSubset(iv(a), iv(b))).toBe(expected);
  });
});

describe("countIntervals", () => {
  test("counts inclusive ends", () => {
    expect(countIntervals(iv("1-5:7:9-10"))).toBe(8n);
    expect(countIntervals([])).toBe(0n);
  });
  test("stays exact beyond 2^53", () => {
    expect(countIntervals(iv(`1-${MAX}`))).toBe(MAX);
    expect(countIntervals(iv(`1-${MAX}:1-${MAX}`))).toBe(2n * MAX);
  });
});
