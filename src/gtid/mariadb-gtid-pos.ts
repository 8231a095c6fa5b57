// MariaDB GTID positions as values: "0-1-100,1-2-5" is, per replication domain, the last
// transaction (domain-server-seq) a server has. @@gtid_binlog_state-like text may list several
// server ids for one domain; all are kept, and the domain's position is its highest seq.
import { GTID_TEXT_MAX_CHARS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { excerpt, type GtidExpected, type GtidNumberField, type GtidParseError } from "./errors.ts";
import { isDigitCode, ParseFailure, parseBoundedDecimal, Scanner } from "./scanner.ts";

export interface MariadbGtid {
  /** gtid_domain_id, 0..2^32-1. */
  readonly domain: number;
  /** server_id of the server that first wrote the transaction, 0..2^32-1. */
  readonly serverId: number;
  /** 0..2^64-1, so bigint. */
  readonly seq: bigint;
}

/** Canonical by construction: sorted by domain then server id, one entry per (domain, server id). */
export interface MariadbGtidPos {
  readonly gtids: readonly MariadbGtid[];
}

export const EMPTY_MARIADB_GTID_POS: MariadbGtidPos = { gtids: [] };

export const MARIADB_DOMAIN_MAX = 2n ** 32n - 1n;
export const MARIADB_SERVER_ID_MAX = 2n ** 32n - 1n;
export const MARIADB_SEQ_MAX = 2n ** 64n - 1n;

export function compareMariadbGtidKey(a: MariadbGtid, b: MariadbGtid): number {
  if (a.domain !== b.domain) return a.domain - b.domain;
  return a.serverId - b.serverId;
}

/**
 * Builds a canonical position from GTIDs in any order. A (domain, server id) given twice keeps its
 * higher seq: that server's later transaction implies its earlier one. The caller vouches that the
 * numbers are in range (the parser checks).
 */
export function mariadbGtidPosFromGtids(gtids: readonly MariadbGtid[]): MariadbGtidPos {
  const sorted = gtids.slice().sort(compareMariadbGtidKey);
  const out: MariadbGtid[] = [];
  for (const gtid of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && compareMariadbGtidKey(last, gtid) === 0) {
      if (gtid.seq > last.seq) out[out.length - 1] = gtid;
    } else {
      out.push(gtid);
    }
  }
  return { gtids: out };
}

export function formatMariadbGtid(gtid: MariadbGtid): string {
  return `${gtid.domain}-${gtid.serverId}-${gtid.seq}`;
}

/** Canonical text: "0-1-100,1-2-5", sorted by domain (then server id), as MariaDB prints positions. */
export function formatMariadbGtidPos(pos: MariadbGtidPos): string {
  return pos.gtids.map(formatMariadbGtid).join(",");
}

export function isMariadbGtidPosEmpty(pos: MariadbGtidPos): boolean {
  return pos.gtids.length === 0;
}

export function mariadbGtidPosEqual(a: MariadbGtidPos, b: MariadbGtidPos): boolean {
  if (a.gtids.length !== b.gtids.length) return false;
  return a.gtids.every((x, i) => {
    const y = b.gtids[i] as MariadbGtid;
    return x.domain === y.domain && x.serverId === y.serverId && x.seq === y.seq;
  });
}

const SEPARATORS = ",-";

function syntaxError(s: Scanner, at: number, expected: GtidExpected): ParseFailure {
  return new ParseFailure({
    code: "gtid.syntax",
    syntax: "mariadb-gtid-pos",
    position: at,
    token: s.tokenAt(at),
    expected,
  });
}

/**
 * Parses a comma list of domain-server-seq (whitespace allowed around commas). The empty string is
 * the empty position. The same (domain, server id) twice is an error: no server prints that.
 */
export function parseMariadbGtidPos(text: string): Result<MariadbGtidPos, GtidParseError> {
  if (text.length > GTID_TEXT_MAX_CHARS) {
    return err({
      code: "gtid.too-long",
      syntax: "mariadb-gtid-pos",
      lengthChars: text.length,
      maxChars: GTID_TEXT_MAX_CHARS,
    });
  }
  const s = new Scanner(text, SEPARATORS);
  const seen = new Set<string>();
  const gtids: MariadbGtid[] = [];
  try {
    s.skipWhitespace();
    while (!s.atEnd()) {
      const at = s.pos;
      const gtid = parseGtid(s);
      const key = `${gtid.domain}-${gtid.serverId}`;
      if (seen.has(key)) {
        const token = excerpt(s.text.slice(at, s.pos));
        return err({ code: "gtid.duplicate-server", position: at, token, ...pickKey(gtid) });
      }
      seen.add(key);
      gtids.push(gtid);
      s.skipWhitespace();
      if (s.atEnd()) break;
      if (s.peek() !== ",") throw syntaxError(s, s.pos, "comma-or-end");
      s.pos++;
      s.skipWhitespace();
      // Without this a trailing comma would end the loop as if the text were complete.
      if (s.atEnd()) throw syntaxError(s, s.pos, "domain");
    }
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    throw e;
  }
  return ok(mariadbGtidPosFromGtids(gtids));
}

function pickKey(gtid: MariadbGtid): { domain: number; serverId: number } {
  return { domain: gtid.domain, serverId: gtid.serverId };
}

function parseGtid(s: Scanner): MariadbGtid {
  const domain = parseField(s, "domain", MARIADB_DOMAIN_MAX, "domain");
  if (s.peek() !== "-") throw syntaxError(s, s.pos, "dash");
  s.pos++;
  const serverId = parseField(s, "server-id", MARIADB_SERVER_ID_MAX, "server-id");
  if (s.peek() !== "-") throw syntaxError(s, s.pos, "dash");
  s.pos++;
  const seq = parseField(s, "sequence", MARIADB_SEQ_MAX, "sequence");
  return { domain: Number(domain), serverId: Number(serverId), seq };
}

function parseField(s: Scanner, expected: GtidExpected, max: bigint, field: GtidNumberField): bigint {
  const at = s.pos;
  const digits = s.take(isDigitCode);
  if (digits === "") throw syntaxError(s, at, expected);
  const value = parseBoundedDecimal(digits, max);
  if (value === undefined) {
    throw new ParseFailure({
      code: "gtid.number-range",
      syntax: "mariadb-gtid-pos",
      position: at,
      token: excerpt(digits),
      field,
      min: "0",
      max: max.toString(),
    });
  }
  return value;
}
