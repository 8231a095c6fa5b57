// May this server follow the current primary without losing or inventing history? Only when every
// transaction it has executed is one the primary has too (its GTIDs are contained in the
// primary's): then replicating from the primary with GTID auto-position just continues. Anything
// else is errant, and a person decides (keel rejoin --force, or a rebuild).
import { formatErrantGtids, type GtidState, hasErrantGtids, parseGtidState } from "../gtid/compare.ts";
import type { GtidError } from "../gtid/errors.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { LastKnownPosition } from "../model/cluster-view.ts";
import type { ReachableInstance } from "../model/instance-state.ts";
import { errantByBinlogState, errantOfStates } from "./errant.ts";
import { unionGtidStates } from "./gtid-position.ts";

export interface RejoinAssessment {
  /** The local server holds nothing the primary lacks. */
  contained: boolean;
  /** Its errant transactions as text ("" when contained). */
  errantGtids: string;
}

/**
 * Everything the server has: on MariaDB both gtid_binlog_pos (its own writes, replicated ones with
 * log_slave_updates) and gtid_current_pos (what it applied as a replica), since a former primary
 * and a replica each miss something in one of them.
 */
function localHistory(local: ReachableInstance): Result<GtidState, GtidError> {
  const executed = parseGtidState(local.gtidExecuted, local.flavor, "local");
  if (!executed.ok || local.mariadbGtid === null) return executed;
  const current = parseGtidState(local.mariadbGtid.currentPos, local.flavor, "local");
  if (!current.ok) return current;
  return unionGtidStates(executed.value, current.value);
}

function errantText(
  mine: GtidState,
  against: string,
  primary: LastKnownPosition,
  operand: string,
): Result<string, GtidError> {
  const theirs = parseGtidState(against, primary.flavor, operand);
  if (!theirs.ok) return err(theirs.error);
  const errant = errantOfStates(mine, theirs.value, primary);
  if (!errant.ok) return err(errant.error);
  return ok(hasErrantGtids(errant.value) ? formatErrantGtids(errant.value) : "");
}

/**
 * Compares the local server's GTIDs with the primary's last gossiped position. Transactions the
 * primary wrote after that position was taken are not held against the server (errant.ts).
 *
 * `promotedAt` is what the primary had when it was promoted (MariaDB: its @@gtid_slave_pos, which
 * RESET SLAVE ALL keeps). MariaDB positions keep one GTID per domain, so against the current
 * position alone a former primary's unreplicated 0-1-101 looks contained in a primary at 0-2-105;
 * against the promotion point 0-1-100 it is errant. Empty or null: only the current position counts.
 * The promotion point covers one failover; the primary's gtid_binlog_state (binlog-state.ts)
 * covers any number of them.
 */
export function assessRejoin(
  local: ReachableInstance,
  primary: LastKnownPosition,
  promotedAt: string | null = null,
): Result<RejoinAssessment, GtidError> {
  const mine = localHistory(local);
  if (!mine.ok) return err(mine.error);
  const current = errantText(mine.value, primary.gtidExecuted, primary, "primary");
  if (!current.ok) return current;
  let errant = current.value;
  if (promotedAt !== null && promotedAt !== "") {
    const sincePromotion = errantText(mine.value, promotedAt, primary, "promotion point");
    if (!sincePromotion.ok) return sincePromotion;
    if (sincePromotion.value !== "") errant = sincePromotion.value;
  }
  if (errant === "") errant = errantByBinlogState(local, primary);
  return ok({ contained: errant === "", errantGtids: errant });
}
