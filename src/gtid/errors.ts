// Every way GTID text can be wrong, as typed values. Words live in src/cli/messages/gtid.ts.

/** Which text format was being read. */
export type GtidSyntax = "mysql-gtid-set" | "mariadb-gtid-pos";

/** What the parser wanted at the failing position; the messages file words each one. */
export type GtidExpected =
  | "uuid" // MySQL: a server UUID starts every entry
  | "colon" // MySQL: ':' after the UUID
  | "tag-or-sequence" // MySQL: after ':' comes a tag or a transaction number
  | "tag" // MySQL: a tag is [a-z_][a-z0-9_]{0,31}, case-insensitive
  | "sequence" // a transaction number (after '-' in MySQL, the third field in MariaDB)
  | "interval-after-tag" // MySQL: a tag must be followed by ':' and at least one interval
  | "separator" // MySQL: ':' or ',' or the end
  | "domain" // MariaDB: the domain id that starts every entry
  | "dash" // MariaDB: '-' between the three fields
  | "server-id" // MariaDB: the server id field
  | "comma-or-end"; // MariaDB: ',' or the end

/** Which number was out of range. */
export type GtidNumberField = "sequence" | "domain" | "server-id";

/**
 * `position` is a 0-based character offset into the parsed text; `token` is the text found there
 * ("" at the end of input), cut to GTID_TOKEN_EXCERPT_CHARS. `operand` names which input failed
 * when a function parses two (e.g. "replica", "primary").
 */
export type GtidParseError =
  | {
      code: "gtid.syntax";
      syntax: GtidSyntax;
      position: number;
      token: string;
      expected: GtidExpected;
      operand?: string;
    }
  | {
      code: "gtid.number-range";
      syntax: GtidSyntax;
      position: number;
      token: string;
      field: GtidNumberField;
      /** Decimal strings: bigint does not survive JSON, and these errors get logged. */
      min: string;
      max: string;
      operand?: string;
    }
  | { code: "gtid.interval-reversed"; position: number; token: string; operand?: string }
  | {
      code: "gtid.duplicate-server";
      position: number;
      token: string;
      domain: number;
      serverId: number;
      operand?: string;
    }
  | { code: "gtid.too-long"; syntax: GtidSyntax; lengthChars: number; maxChars: number; operand?: string };

export type GtidError = GtidParseError | { code: "gtid.flavor-mismatch"; left: string; right: string };

/** Tokens quoted in errors are cut to this many characters so one bad value can't flood a log line. */
export const GTID_TOKEN_EXCERPT_CHARS = 40;

export function excerpt(text: string): string {
  return text.length <= GTID_TOKEN_EXCERPT_CHARS ? text : `${text.slice(0, GTID_TOKEN_EXCERPT_CHARS)}…`;
}

/** Labels a parse error with the input it came from, for functions that parse two. */
export function withOperand(error: GtidParseError, operand: string): GtidParseError {
  return { ...error, operand };
}
