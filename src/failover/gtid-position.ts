// How far a replica has got, as GTID states: "reach" is everything it has received or executed
// (MySQL Retrieved_Gtid_Set ∪ gtid_executed; MariaDB Gtid_IO_Pos merged with gtid_current_pos), and
// "executed" is what it has applied. Reach decides who can be promoted without losing anything;
// executed decides who needs the least relay log applied first.
import { compareGtidStates, type GtidState, parseGtidState } from "../gtid/compare.ts";
import type { GtidError } from "../gtid/errors.ts";
import { mariadbMerge } from "../gtid/mariadb-gtid-compare.ts";
import { unionMysqlGtidSets } from "../gtid/mysql-gtid-set.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { ReachableInstance, ReplicationChannel } from "../model/instance-state.ts";

export function unionGtidStates(a: GtidState, b: GtidState): Result<GtidState, GtidError> {
  if (a.family === "mysql" && b.family === "mysql")
    return ok({ family: "mysql", set: unionMysqlGtidSets(a.set, b.set) });
  if (a.family === "mariadb" && b.family === "mariadb")
    return ok({ family: "mariadb", pos: mariadbMerge(a.pos, b.pos) });
  return err({ code: "gtid.flavor-mismatch", left: a.family, right: b.family });
}

/** a holds every transaction b holds. */
export function gtidContains(a: GtidState, b: GtidState): Result<boolean, GtidError> {
  const order = compareGtidStates(a, b);
  return order.ok ? ok(order.value === "equal" || order.value === "ahead") : order;
}

export interface ReplicaPosition {
  reach: GtidState;
  executed: GtidState;
}

/** The replica's position; `channel` is its channel from the failed primary, if it has one. */
export function replicaPosition(
  inst: ReachableInstance,
  channel: ReplicationChannel | undefined,
  operand: string,
): Result<ReplicaPosition, GtidError> {
  const executedText = inst.mariadbGtid?.currentPos || inst.gtidExecuted;
  const executed = parseGtidState(executedText, inst.flavor, operand);
  if (!executed.ok) return executed;
  const retrieved = parseGtidState(channel?.retrievedGtidSet ?? "", inst.flavor, operand);
  if (!retrieved.ok) return retrieved;
  const reach = unionGtidStates(retrieved.value, executed.value);
  return reach.ok ? ok({ reach: reach.value, executed: executed.value }) : reach;
}
