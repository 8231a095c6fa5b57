import { describe, expect, test } from "bun:test";
import { parseMysqlGtidSet } from "../../../src/gtid/mysql-gtid-parse.ts";
import { formatMysqlGtidSet, type MysqlGtidSet } from "../../../src/gtid/mysql-gtid-set.ts";
import { GTID_TEXT_MAX_CHARS } from "../../../src/lib/limits.ts";

const U1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const U2 = "2174b383-5441-11e8-b90a-c80aa9429562";
const U3 = "24da167a-0c0c-11e8-8442-00059a3c7b00";

function parsed(text: string): MysqlGtidSet {
  const r = parseMysqlGtidSet(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("parseMysqlGtidSet: server output", () => {
  test.each([
    ["empty gtid_executed", "", ""],
    ["only whitespace", " \n\t", ""],
    ["one server", `${U1}:1-5`, `${U1}:1-5`],
    ["docs upper case", "3E11FA47-71CA-11E1-9E33-C80AA9429562:23", `${U1}:23`],
    ["holes", `${U1}:1-3:11:47-49`, `${U1}:1-3:11:47-49`],
    ["gtid_executed with newlines after commas", `${U2}:1-3,\n${U3}:1-19`, `${U2}:1-3,${U3}:1-19`],
    ["SHOW REPLICA STATUS with CRLF and indent", `${U3}:1-19,\r\n  ${U2}:1-3`, `${U2}:1-3,${U3}:1-19`],
    [
      "tagged, as 9.1 prints it",
      `${U1}:domain_1:1-3:15-21:domain_2:8-52`,
      `${U1}:domain_1:1-3:15-21:domain_2:8-52`,
    ],
    [
      "tagged, one entry per tag as the docs write it",
      `${U1.toUpperCase()}:Domain_1:1-3:15-21, ${U1.toUpperCase()}:Domain_2:8-52`,
      `${U1}:domain_1:1-3:15-21:domain_2:8-52`,
    ],
    ["untagged before tagged", `${U1}:tag:1,${U1}:7`, `${U1}:7:tag:1`],
    ["untagged after a tag in one entry", `${U1}:tag:1:_x:2`, `${U1}:_x:2:tag:1`],
    ["adjacent and overlapping intervals merge", `${U1}:6-9:1-5:3`, `${U1}:1-9`],
    ["repeated uuid merges", `${U1}:1-2,${U2}:4,${U1}:3`, `${U2}:4,${U1}:1-3`],
    ["whitespace between tokens", `  ${U1} : 1 - 5 : 7 ,\n ${U2}:2  `, `${U2}:2,${U1}:1-5:7`],
    ["empty entries, as MySQL allows", `,${U1}:1,,${U2}:2,`, `${U2}:2,${U1}:1`],
    ["single-number interval 1-1", `${U1}:1-1`, `${U1}:1`],
    ["leading zeros", `${U1}:007-010`, `${U1}:7-10`],
    [
      "largest sequence",
      `${U1}:9223372036854775806-9223372036854775807`,
      `${U1}:9223372036854775806-9223372036854775807`,
    ],
    ["32-character tag", `${U1}:${"t".repeat(32)}:1`, `${U1}:${"t".repeat(32)}:1`],
  ])("%s", (_name, input, canonical) => {
    expect(formatMysqlGtidSet(parsed(input))).toBe(canonical);
  });

  test("format with newlines reproduces gtid_executed's layout", () => {
    const text = `${U2}:1-3,\n${U3}:1-19`;
    expect(formatMysqlGtidSet(parsed(text), { newlines: true })).toBe(text);
  });
});

describe("parseMysqlGtidSet: errors name the token and its offset", () => {
  test.each([
    ["not a uuid", "zz:1", { code: "gtid.syntax", position: 0, token: "zz", expected: "uuid" }],
    ["uuid too short", `${U1.slice(1)}:1`, { code: "gtid.syntax", position: 0, expected: "uuid" }],
    ["uuid with trailing junk", `${U1}x:1`, { code: "gtid.syntax", position: 0, expected: "uuid" }],
    ["uuid without intervals", `${U1}`, { code: "gtid.syntax", position: 36, token: "", expected: "colon" }],
    [
      "uuid then comma",
      `${U1},${U2}:1`,
      { code: "gtid.syntax", position: 36, token: ",", expected: "colon" },
    ],
    [
      "second entry bad",
      `${U1}:1,\nfoo:2`,
      { code: "gtid.syntax", position: 40, token: "foo", expected: "uuid" },
    ],
    [
      "empty after colon",
      `${U1}:`,
      { code: "gtid.syntax", position: 37, token: "", expected: "tag-or-sequence" },
    ],
    [
      "digit-led word",
      `${U1}:1abc`,
      { code: "gtid.syntax", position: 37, token: "1abc", expected: "tag-or-sequence" },
    ],
    ["tag of 33", `${U1}:${"t".repeat(33)}:1`, { code: "gtid.syntax", position: 37, expected: "tag" }],
    [
      "tag alone",
      `${U1}:tag`,
      { code: "gtid.syntax", position: 40, token: "", expected: "interval-after-tag" },
    ],
    [
      "tag then tag",
      `${U1}:a:b:1`,
      { code: "gtid.syntax", position: 39, token: "b", expected: "interval-after-tag" },
    ],
    ["dash without end", `${U1}:1-`, { code: "gtid.syntax", position: 39, token: "", expected: "sequence" }],
    ["dash then word", `${U1}:1-x`, { code: "gtid.syntax", position: 39, token: "x", expected: "sequence" }],
    [
      "junk after interval",
      `${U1}:1;`,
      { code: "gtid.syntax", position: 38, token: ";", expected: "separator" },
    ],
    [
      "space inside a number",
      `${U1}:1 2`,
      { code: "gtid.syntax", position: 39, token: "2", expected: "separator" },
    ],
    ["reversed interval", `${U1}:1-3:9-5`, { code: "gtid.interval-reversed", position: 41, token: "9-5" }],
    [
      "zero",
      `${U1}:0-5`,
      { code: "gtid.number-range", position: 37, token: "0", field: "sequence", min: "1" },
    ],
    [
      "2^63",
      `${U1}:1-9223372036854775808`,
      { code: "gtid.number-range", position: 39, token: "9223372036854775808", max: "9223372036854775807" },
    ],
    ["absurdly long number", `${U1}:${"9".repeat(60)}`, { code: "gtid.number-range", position: 37 }],
  ])("%s", (_name, input, expected) => {
    const r = parseMysqlGtidSet(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject(expected);
  });

  test("long tokens are cut in the error", () => {
    const r = parseMysqlGtidSet(`${"x".repeat(500)}:1`);
    expect(r.ok).toBe(false);
    if (!r.ok && r.error.code === "gtid.syntax") expect(r.error.token.length).toBeLessThanOrEqual(41);
  });
});

describe("GTID_TEXT_MAX_CHARS", () => {
  test("text of exactly the limit parses", () => {
    const body = `${U1}:1-5`;
    const text = body + " ".repeat(GTID_TEXT_MAX_CHARS - body.length);
    expect(text.length).toBe(GTID_TEXT_MAX_CHARS);
    const r = parseMysqlGtidSet(text);
    expect(r.ok && formatMysqlGtidSet(r.value)).toBe(body);
  });
  test("one character more is refused before parsing", () => {
    const r = parseMysqlGtidSet(" ".repeat(GTID_TEXT_MAX_CHARS + 1));
    expect(r).toEqual({
      ok: false,
      error: {
        code: "gtid.too-long",
        syntax: "mysql-gtid-set",
        lengthChars: GTID_TEXT_MAX_CHARS + 1,
        maxChars: GTID_TEXT_MAX_CHARS,
      },
    });
  });
});
