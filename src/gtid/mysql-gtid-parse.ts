// Reads MySQL GTID set text as servers print it (@@gtid_executed, Executed_Gtid_Set, GTID_SUBTRACT):
//   set    := [entry] ("," [entry])*        empty entries are allowed, as MySQL allows them
//   entry  := uuid (":" (interval | tag))+  a tag applies to the intervals after it, and needs one
//   interval := n ["-" n]                   1 <= n <= 2^63-1, start <= end
// with whitespace (MySQL puts "\n" after each comma) allowed between any two tokens.
import { GTID_TEXT_MAX_CHARS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { excerpt, type GtidExpected, type GtidParseError } from "./errors.ts";
import type { GtidInterval } from "./interval.ts";
import {
  type GtidSourceInput,
  MYSQL_GTID_SEQUENCE_MAX,
  type MysqlGtidSet,
  mysqlGtidSetFromSources,
} from "./mysql-gtid-set.ts";
import { isUuidCode, isWordCode, ParseFailure, parseBoundedDecimal, Scanner } from "./scanner.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG_RE = /^[a-z_][a-z0-9_]{0,31}$/i;
const DIGITS_RE = /^[0-9]+$/;
const SEPARATORS = ",:";

function syntaxError(s: Scanner, at: number, expected: GtidExpected): ParseFailure {
  return new ParseFailure({
    code: "gtid.syntax",
    syntax: "mysql-gtid-set",
    position: at,
    token: s.tokenAt(at),
    expected,
  });
}

/** Parses GTID set text into a canonical set, or the first problem with its position. */
export function parseMysqlGtidSet(text: string): Result<MysqlGtidSet, GtidParseError> {
  if (text.length > GTID_TEXT_MAX_CHARS) {
    return err({
      code: "gtid.too-long",
      syntax: "mysql-gtid-set",
      lengthChars: text.length,
      maxChars: GTID_TEXT_MAX_CHARS,
    });
  }
  const s = new Scanner(text, SEPARATORS);
  const sources: GtidSourceInput[] = [];
  try {
    s.skipWhitespace();
    while (!s.atEnd()) {
      if (s.peek() === ",") {
        s.pos++;
        s.skipWhitespace();
        continue;
      }
      parseEntry(s, sources);
      s.skipWhitespace();
      if (s.atEnd()) break;
      if (s.peek() !== ",") throw syntaxError(s, s.pos, "separator");
    }
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    throw e;
  }
  return ok(mysqlGtidSetFromSources(sources));
}

function parseEntry(s: Scanner, sources: GtidSourceInput[]): void {
  const uuidAt = s.pos;
  const uuid = s.take(isUuidCode);
  if (!UUID_RE.test(uuid) || isWordCode(s.text.charCodeAt(s.pos))) {
    throw syntaxError(s, uuidAt, "uuid");
  }
  s.skipWhitespace();
  if (s.peek() !== ":") throw syntaxError(s, s.pos, "colon");
  let tag = "";
  let intervals: GtidInterval[] = [];
  // A tag seen but not yet followed by an interval; "uuid:tag" alone names no transaction.
  let pendingTagAt = -1;
  while (s.peek() === ":") {
    s.pos++;
    s.skipWhitespace();
    const wordAt = s.pos;
    const word = s.take(isWordCode);
    if (DIGITS_RE.test(word)) {
      intervals.push(parseInterval(s, word, wordAt));
      pendingTagAt = -1;
    } else {
      if (pendingTagAt >= 0) throw syntaxError(s, wordAt, "interval-after-tag");
      if (word === "" || /^[0-9]/.test(word)) throw syntaxError(s, wordAt, "tag-or-sequence");
      if (!TAG_RE.test(word)) throw syntaxError(s, wordAt, "tag");
      if (intervals.length > 0) sources.push({ uuid, tag, intervals });
      tag = word;
      intervals = [];
      pendingTagAt = wordAt;
    }
    s.skipWhitespace();
  }
  if (pendingTagAt >= 0) throw syntaxError(s, s.pos, "interval-after-tag");
  sources.push({ uuid, tag, intervals });
}

/** Reads "n" or "n-m"; `first` (at `firstAt`) is the already consumed start. */
function parseInterval(s: Scanner, first: string, firstAt: number): GtidInterval {
  const start = parseSequence(first, firstAt);
  s.skipWhitespace();
  if (s.peek() !== "-") return { start, end: start };
  s.pos++;
  s.skipWhitespace();
  const lastAt = s.pos;
  const last = s.take(isWordCode);
  if (!DIGITS_RE.test(last)) throw syntaxError(s, lastAt, "sequence");
  const end = parseSequence(last, lastAt);
  if (end < start) {
    throw new ParseFailure({
      code: "gtid.interval-reversed",
      position: firstAt,
      token: excerpt(s.text.slice(firstAt, s.pos)),
    });
  }
  return { start, end };
}

function parseSequence(digits: string, at: number): bigint {
  const value = parseBoundedDecimal(digits, MYSQL_GTID_SEQUENCE_MAX);
  if (value === undefined || value < 1n) {
    throw new ParseFailure({
      code: "gtid.number-range",
      syntax: "mysql-gtid-set",
      position: at,
      token: excerpt(digits),
      field: "sequence",
      min: "1",
      max: MYSQL_GTID_SEQUENCE_MAX.toString(),
    });
  }
  return value;
}
