import { describe, expect, test } from "bun:test";
import { parseJsonText } from "../../../src/config/json-text.ts";

describe("parseJsonText", () => {
  test("agrees with JSON.parse on valid documents", () => {
    const docs = [
      '{"a": [1, -2.5e3, true, false, null], "b": {"c": "x\\n\\u00e9\\"q"}}',
      "[]",
      '  "just a string"  ',
      "0",
      '{"": {}}',
      '\uFEFF{"bom": 1}',
    ];
    for (const d of docs)
      expect(parseJsonText(d)).toEqual({ ok: true, value: JSON.parse(d.replace(/^\uFEFF/, "")) });
  });

  test("says where a document breaks (1-based line:column) and what is wrong", () => {
    const cases: [string, number, number, string][] = [
      ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}'"],
      ['{"a": 1,}', 1, 9, 'expected a "quoted" key'],
      ["{'a': 1}", 1, 2, 'expected a "quoted" key'],
      ['{"a": tru}', 1, 7, "unexpected"],
      ['{"a": 01}', 1, 8, "expected ',' or '}'"],
      ["[1, 2", 1, 6, "expected ',' or ']'"],
      ['"abc', 1, 5, "unterminated string"],
      ['{"a": "x\ty"}', 1, 9, "control character"],
      ['{"a": 1} x', 1, 10, "after the document"],
      ["", 1, 1, "unexpected end of file"],
      ['{"a": 1, "a": 2}', 1, 10, 'duplicate key "a"'],
      ['"\\x"', 1, 2, "bad escape"],
    ];
    for (const [text, line, column, message] of cases) {
      const r = parseJsonText(text);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect({ line: r.error.line, column: r.error.column }).toEqual({ line, column });
      expect(r.error.message).toContain(message);
    }
  });

  test("a __proto__ key stays plain data", () => {
    const r = parseJsonText('{"__proto__": {"polluted": true}}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test("refuses absurd nesting instead of overflowing the stack", () => {
    const r = parseJsonText(`${"[".repeat(100)}${"]".repeat(100)}`);
    expect(!r.ok && r.error.message).toContain("nesting deeper than");
  });
});
