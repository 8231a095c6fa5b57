// The flavor-neutral face of src/gtid: candidate choice and errant-transaction checks call these
// with the text a probe read and the server's flavor, and never branch on flavor themselves.
import { err, ok, type Result } from "../lib/result.ts";
import type { Flavor } from "../model/instance-state.ts";
import { type GtidError, type GtidParseError, withOperand } from "./errors.ts";
import {
  compareMariadbGtidPos,
  formatMariadbGaps,
  type MariadbGap,
  mariadbErrant,
} from "./mariadb-gtid-compare.ts";
import { formatMariadbGtidPos, type MariadbGtidPos, parseMariadbGtidPos } from "./mariadb-gtid-pos.ts";
import { parseMysqlGtidSet } from "./mysql-gtid-parse.ts";
import {
  compareMysqlGtidSets,
  formatMysqlGtidSet,
  isMysqlGtidSetEmpty,
  type MysqlGtidSet,
  subtractMysqlGtidSets,
} from "./mysql-gtid-set.ts";
import type { GtidOrder } from "./order.ts";

export type { GtidOrder } from "./order.ts";

/** Which GTID text a flavor speaks: Percona Server uses MySQL's. */
export type GtidSyntaxFamily = "mysql" | "mariadb";

export function gtidFamilyOf(flavor: Flavor): GtidSyntaxFamily {
  return flavor === "mariadb" ? "mariadb" : "mysql";
}

/** One server's GTID state, parsed. */
export type GtidState =
  | { readonly family: "mysql"; readonly set: MysqlGtidSet }
  | { readonly family: "mariadb"; readonly pos: MariadbGtidPos };

/**
 * Parses MySQL gtid_executed or a MariaDB position (gtid_current_pos / gtid_binlog_pos) per flavor.
 * `operand`, when given, names the input in any error (a host, "replica", …).
 */
export function parseGtidState(
  text: string,
  flavor: Flavor,
  operand?: string,
): Result<GtidState, GtidParseError> {
  const label = (e: GtidParseError): GtidParseError => (operand === undefined ? e : withOperand(e, operand));
  if (gtidFamilyOf(flavor) === "mariadb") {
    const parsed = parseMariadbGtidPos(text);
    return parsed.ok ? ok({ family: "mariadb", pos: parsed.value }) : err(label(parsed.error));
  }
  const parsed = parseMysqlGtidSet(text);
  return parsed.ok ? ok({ family: "mysql", set: parsed.value }) : err(label(parsed.error));
}

export function formatGtidState(state: GtidState): string {
  return state.family === "mysql" ? formatMysqlGtidSet(state.set) : formatMariadbGtidPos(state.pos);
}

/** a relative to b; an error only when one is MySQL and the other MariaDB. */
export function compareGtidStates(a: GtidState, b: GtidState): Result<GtidOrder, GtidError> {
  if (a.family === "mysql" && b.family === "mysql") return ok(compareMysqlGtidSets(a.set, b.set));
  if (a.family === "mariadb" && b.family === "mariadb") return ok(compareMariadbGtidPos(a.pos, b.pos));
  return err({ code: "gtid.flavor-mismatch", left: a.family, right: b.family });
}

/**
 * "equal" | "ahead" (a has all of b and more) | "behind" | "diverged" (each has something the
 * other lacks). Parse errors name the input as operand "a" or "b".
 */
export function compareGtid(a: string, b: string, flavor: Flavor): Result<GtidOrder, GtidError> {
  const left = parseGtidState(a, flavor, "a");
  if (!left.ok) return left;
  const right = parseGtidState(b, flavor, "b");
  if (!right.ok) return right;
  return compareGtidStates(left.value, right.value);
}

/** What a replica has executed that its primary has not. */
export type ErrantGtids =
  | { readonly family: "mysql"; readonly set: MysqlGtidSet }
  | { readonly family: "mariadb"; readonly gaps: readonly MariadbGap[] };

export function errantGtidsOfStates(replica: GtidState, primary: GtidState): Result<ErrantGtids, GtidError> {
  if (replica.family === "mysql" && primary.family === "mysql") {
    return ok({ family: "mysql", set: subtractMysqlGtidSets(replica.set, primary.set) });
  }
  if (replica.family === "mariadb" && primary.family === "mariadb") {
    return ok({ family: "mariadb", gaps: mariadbErrant(replica.pos, primary.pos) });
  }
  return err({ code: "gtid.flavor-mismatch", left: replica.family, right: primary.family });
}

/**
 * The replica's errant transactions against the primary: for MySQL the GTID set
 * replica − primary, for MariaDB the domains and seq ranges where the replica is ahead.
 * Parse errors name the input as operand "replica" or "primary".
 */
export function errantGtids(
  replica: string,
  primary: string,
  flavor: Flavor,
): Result<ErrantGtids, GtidError> {
  const r = parseGtidState(replica, flavor, "replica");
  if (!r.ok) return r;
  const p = parseGtidState(primary, flavor, "primary");
  if (!p.ok) return p;
  return errantGtidsOfStates(r.value, p.value);
}

export function hasErrantGtids(errant: ErrantGtids): boolean {
  return errant.family === "mysql" ? !isMysqlGtidSetEmpty(errant.set) : errant.gaps.length > 0;
}

/** Text for logs and views; "" when there are none. */
export function formatErrantGtids(errant: ErrantGtids): string {
  return errant.family === "mysql" ? formatMysqlGtidSet(errant.set) : formatMariadbGaps(errant.gaps);
}
