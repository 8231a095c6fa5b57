import type { GtidError, GtidExpected, GtidNumberField, GtidSyntax } from "../../gtid/errors.ts";
import { defineMessages } from "./define.ts";

const SYNTAX_NAMES: Record<GtidSyntax, string> = {
  "mysql-gtid-set": "MySQL GTID set",
  "mariadb-gtid-pos": "MariaDB GTID position",
};

const EXPECTED_WORDS: Record<GtidExpected, string> = {
  uuid: "a server UUID like 3e11fa47-71ca-11e1-9e33-c80aa9429562",
  colon: "':' after the server UUID",
  "tag-or-sequence": "a transaction number or a tag after ':'",
  tag: "a tag of 1 to 32 letters, digits or '_' that does not start with a digit",
  sequence: "a transaction number",
  "interval-after-tag": "':' and a transaction number after the tag",
  separator: "':', ',' or the end of the set",
  domain: "a domain id",
  dash: "'-' between domain, server id and sequence number",
  "server-id": "a server id",
  "comma-or-end": "',' or the end of the position",
};

const FIELD_WORDS: Record<GtidNumberField, string> = {
  sequence: "transaction number",
  domain: "domain id",
  "server-id": "server id",
};

function where(e: { position: number; token: string; operand?: string }): string {
  const found = e.token === "" ? "the end of the text" : `'${e.token}'`;
  const of = e.operand === undefined ? "" : ` of ${e.operand}`;
  return `at offset ${e.position}${of} (found ${found})`;
}

const CHECK_SOURCE =
  "check the value the server reports (SELECT @@gtid_executed, or @@gtid_current_pos on MariaDB)";

export const gtidMessages = defineMessages<GtidError>({
  "gtid.syntax": (e) => ({
    problem: `invalid ${SYNTAX_NAMES[e.syntax]} ${where(e)}: expected ${EXPECTED_WORDS[e.expected]}`,
    fix: `${CHECK_SOURCE}; if you typed it, correct it to the form ${e.syntax === "mysql-gtid-set" ? "uuid:1-5:7,uuid2:tag:3" : "0-1-100,1-2-5"}`,
  }),
  "gtid.number-range": (e) => ({
    problem: `${FIELD_WORDS[e.field]} out of range in ${SYNTAX_NAMES[e.syntax]} ${where(e)}: allowed ${e.min} to ${e.max}`,
    fix: `${CHECK_SOURCE}; a value outside that range cannot come from a server`,
  }),
  "gtid.interval-reversed": (e) => ({
    problem: `GTID interval at offset ${e.position}${e.operand === undefined ? "" : ` of ${e.operand}`} ('${e.token}') ends before it starts`,
    fix: "write intervals low-high, e.g. 1-5 rather than 5-1",
  }),
  "gtid.duplicate-server": (e) => ({
    problem: `MariaDB GTID position lists domain ${e.domain} server ${e.serverId} twice ${where(e)}`,
    fix: "keep one entry per domain and server id, the one with the highest sequence number",
  }),
  "gtid.too-long": (e) => ({
    problem: `${SYNTAX_NAMES[e.syntax]}${e.operand === undefined ? "" : ` of ${e.operand}`} is ${e.lengthChars} characters, over keel's limit of ${e.maxChars}`,
    fix: "the server's GTID history is unusually fragmented; fill its gaps with empty transactions, or raise GTID_TEXT_MAX_CHARS and report it",
  }),
  "gtid.flavor-mismatch": (e) => ({
    problem: `cannot compare a ${e.left} GTID state with a ${e.right} one`,
    fix: "keep MySQL and MariaDB servers in separate keel clusters; their GTIDs are not comparable",
  }),
});
