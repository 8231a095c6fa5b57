// Styles → blessed tags: colour when wanted, words and inverse only when not, braces escaped.
import { describe, expect, test } from "bun:test";
import { lineMarkup } from "../../../../src/console/line-markup.ts";
import type { Line } from "../../../../src/console/views/line.ts";

const line: Line = {
  text: "db1 {x} down",
  spans: [
    { start: 0, end: 12, style: "selected" },
    { start: 8, end: 12, style: "error" },
  ],
};

describe("line markup", () => {
  test("colour: runs of equal style are tagged once; later spans win; braces are escaped", () => {
    expect(lineMarkup(line, { color: true, colorCount: 256 })).toBe(
      "{inverse}db1 {open}x{close} {/}{inverse}{bold}{red-fg}down{/}",
    );
  });

  test("no colour: only inverse for the selection and bold for errors and headings", () => {
    expect(lineMarkup(line, { color: false, colorCount: 256 })).toBe(
      "{inverse}db1 {open}x{close} {/}{inverse}{bold}down{/}",
    );
    expect(
      lineMarkup(
        { text: "ok", spans: [{ start: 0, end: 2, style: "ok" }] },
        { color: false, colorCount: 256 },
      ),
    ).toBe("ok");
  });

  test("grey is left out on 8-colour terminals, where it would be black on black", () => {
    const muted: Line = { text: "age", spans: [{ start: 0, end: 3, style: "muted" }] };
    expect(lineMarkup(muted, { color: true, colorCount: 8 })).toBe("age");
    expect(lineMarkup(muted, { color: true, colorCount: 256 })).toBe("{gray-fg}age{/}");
  });
});
