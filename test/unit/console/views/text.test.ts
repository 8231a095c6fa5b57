import { describe, expect, test } from "bun:test";
import {
  displayWidth,
  LineBuilder,
  padLine,
  sanitize,
  truncateLine,
  wrapText,
} from "../../../../src/console/views/line.ts";
import { formatAge, formatClock } from "../../../../src/console/views/time-text.ts";

describe("line helpers", () => {
  test("truncation keeps width, marks the cut and clips spans", () => {
    const line = new LineBuilder().add("abc").add("defgh", "error").build();
    expect(truncateLine(line, 8)).toBe(line);
    const cut = truncateLine(line, 5);
    expect(cut.text).toBe("abcd…");
    expect(cut.spans).toEqual([{ start: 3, end: 4, style: "error" }]);
    expect(truncateLine(line, 3).spans).toEqual([]);
    expect(truncateLine(line, 0).text).toBe("");
  });

  test("padding fills to the exact width", () => {
    expect(padLine(new LineBuilder().add("ab", "ok").build(), 5)).toEqual({
      text: "ab   ",
      spans: [{ start: 0, end: 2, style: "ok" }],
    });
    expect(displayWidth(padLine({ text: "abcdefgh", spans: [] }, 4).text)).toBe(4);
  });

  test("cells style only their text, not the padding", () => {
    const l = new LineBuilder().cell("ok", 6, "ok").add("|").build();
    expect(l).toEqual({ text: "ok    |", spans: [{ start: 0, end: 2, style: "ok" }] });
  });

  test("sanitize flattens newlines/tabs and neutralises control bytes", () => {
    expect(sanitize("a\nb\tc\r\n\u001b[31md\u0007")).toBe("a b c ?[31md?");
  });

  test("wrapping prefers the given break characters, then spaces, then cuts hard", () => {
    expect(wrapText("uuid-a:1-5,uuid-b:1-9,uuid-c:1", 12, "", ",")).toEqual([
      "uuid-a:1-5,",
      "uuid-b:1-9,",
      "uuid-c:1",
    ]);
    expect(wrapText("one two three", 8)).toEqual(["one two", "three"]);
    expect(wrapText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapText("aaaa bbbb", 6, "  ")).toEqual(["aaaa", "  bbbb"]);
    expect(wrapText("", 5)).toEqual([""]);
    for (const l of wrapText("x".repeat(50), 7, "          ")) expect(displayWidth(l)).toBeLessThanOrEqual(7);
  });
});

describe("time text", () => {
  test("wall clock in UTC, wrapping at midnight", () => {
    expect(formatClock(Date.UTC(2026, 10, 24, 9, 5, 7, 999))).toBe("09:05:07");
    expect(formatClock(Date.UTC(2026, 10, 24, 23, 59, 59))).toBe("23:59:59");
    expect(formatClock(0)).toBe("00:00:00");
  });

  test("ages in the largest whole unit", () => {
    expect(formatAge(999)).toBe("0s");
    expect(formatAge(850, true)).toBe("850ms");
    expect(formatAge(12_400)).toBe("12s");
    expect(formatAge(61_000)).toBe("1m");
    expect(formatAge(3 * 3_600_000)).toBe("3h");
    expect(formatAge(50 * 3_600_000)).toBe("2d");
    expect(formatAge(-5)).toBe("0s");
  });
});
