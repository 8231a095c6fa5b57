import { describe, expect, test } from "bun:test";
import {
  EMPTY_MARIADB_GTID_POS,
  formatMariadbGtidPos,
  isMariadbGtidPosEmpty,
  mariadbGtidPosEqual,
  mariadbGtidPosFromGtids,
  parseMariadbGtidPos,
} from "../../../src/gtid/mariadb-gtid-pos.ts";
import { GTID_TEXT_MAX_CHARS } from "../../../src/lib/limits.ts";
import { mustParseMariadb as p } from "./arbitrary.ts";

describe("parseMariadbGtidPos: server output", () => {
  test.each([
    ["fresh server, empty gtid_binlog_pos", "", ""],
    ["one domain", "0-1-100", "0-1-100"],
    ["gtid_current_pos, two domains", "0-1-100,1-2-5", "0-1-100,1-2-5"],
    ["sorted by domain", "1-2-5,0-1-100", "0-1-100,1-2-5"],
    ["gtid_binlog_state, several servers in one domain", "0-2-50,1-2-5,0-1-100", "0-1-100,0-2-50,1-2-5"],
    ["spaces and newlines around commas", " 0-1-100 ,\n1-2-5 ", "0-1-100,1-2-5"],
    ["seq 0, as after SET gtid_slave_pos", "0-1-0", "0-1-0"],
    [
      "largest numbers",
      "4294967295-4294967295-18446744073709551615",
      "4294967295-4294967295-18446744073709551615",
    ],
    ["leading zeros", "00-01-0100", "0-1-100"],
  ])("%s", (_name, input, canonical) => {
    expect(formatMariadbGtidPos(p(input))).toBe(canonical);
  });

  test("parsed fields are numbers and a bigint seq", () => {
    expect(p("3-7-18446744073709551615").gtids).toEqual([
      { domain: 3, serverId: 7, seq: 18446744073709551615n },
    ]);
  });
});

describe("parseMariadbGtidPos: errors name the token and its offset", () => {
  test.each([
    ["letters", "abc", { code: "gtid.syntax", position: 0, token: "abc", expected: "domain" }],
    [
      "MySQL text",
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5",
      { code: "gtid.syntax", position: 1, expected: "dash" },
    ],
    ["two fields", "0-1", { code: "gtid.syntax", position: 3, token: "", expected: "dash" }],
    ["missing server", "0--5", { code: "gtid.syntax", position: 2, token: "-", expected: "server-id" }],
    ["missing seq", "0-1-", { code: "gtid.syntax", position: 4, token: "", expected: "sequence" }],
    ["four fields", "0-1-2-3", { code: "gtid.syntax", position: 5, token: "-", expected: "comma-or-end" }],
    ["space inside an entry", "0 -1-2", { code: "gtid.syntax", position: 1, token: " ", expected: "dash" }],
    ["trailing comma", "0-1-2,", { code: "gtid.syntax", position: 6, token: "", expected: "domain" }],
    ["double comma", "0-1-2,,1-1-1", { code: "gtid.syntax", position: 6, token: ",", expected: "domain" }],
    ["negative", "-1-1-1", { code: "gtid.syntax", position: 0, expected: "domain" }],
    [
      "domain 2^32",
      "0-1-1,4294967296-1-1",
      { code: "gtid.number-range", position: 6, token: "4294967296", field: "domain", max: "4294967295" },
    ],
    ["server 2^32", "0-4294967296-1", { code: "gtid.number-range", position: 2, field: "server-id" }],
    [
      "seq 2^64",
      "0-1-18446744073709551616",
      { code: "gtid.number-range", position: 4, field: "sequence", min: "0", max: "18446744073709551615" },
    ],
    [
      "same domain and server twice",
      "0-1-5,1-1-1,0-1-7",
      { code: "gtid.duplicate-server", position: 12, token: "0-1-7", domain: 0, serverId: 1 },
    ],
  ])("%s", (_name, input, expected) => {
    const r = parseMariadbGtidPos(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject(expected);
    if (!r.ok && "syntax" in r.error) expect(r.error.syntax).toBe("mariadb-gtid-pos");
  });

  test("text at the limit parses; one character more is refused", () => {
    const body = "0-1-100";
    const atLimit = body + " ".repeat(GTID_TEXT_MAX_CHARS - body.length);
    const r = parseMariadbGtidPos(atLimit);
    expect(r.ok && formatMariadbGtidPos(r.value)).toBe(body);
    const over = parseMariadbGtidPos(`${atLimit} `);
    expect(over.ok).toBe(false);
    if (!over.ok)
      expect(over.error).toMatchObject({ code: "gtid.too-long", lengthChars: GTID_TEXT_MAX_CHARS + 1 });
  });
});

describe("MariaDB position values", () => {
  test("building keeps the higher seq of a repeated (domain, server)", () => {
    const pos = mariadbGtidPosFromGtids([
      { domain: 1, serverId: 1, seq: 9n },
      { domain: 0, serverId: 2, seq: 3n },
      { domain: 1, serverId: 1, seq: 12n },
      { domain: 1, serverId: 1, seq: 4n },
    ]);
    expect(formatMariadbGtidPos(pos)).toBe("0-2-3,1-1-12");
  });

  test("empty and equality", () => {
    expect(isMariadbGtidPosEmpty(p(""))).toBe(true);
    expect(isMariadbGtidPosEmpty(EMPTY_MARIADB_GTID_POS)).toBe(true);
    expect(isMariadbGtidPosEmpty(p("0-1-1"))).toBe(false);
    expect(mariadbGtidPosEqual(p("1-2-5,0-1-100"), p("0-1-100, 1-2-5"))).toBe(true);
    expect(mariadbGtidPosEqual(p("0-1-100"), p("0-2-100"))).toBe(false);
    expect(mariadbGtidPosEqual(p("0-1-100"), p("0-1-101"))).toBe(false);
    expect(mariadbGtidPosEqual(p("0-1-100"), p("0-1-100,1-1-1"))).toBe(false);
  });
});
