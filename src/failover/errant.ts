// Errant transactions of a replica against a primary's GTID position, as the gtid module computes
// them, minus the primary's own newer transactions: the two probes are taken at different moments,
// so a replica probed after its primary may already hold what the primary wrote since. Those carry
// the primary's own server uuid (MySQL) or server id (MariaDB) and are not errant.
import {
  type ErrantGtids,
  errantGtidsOfStates,
  formatErrantGtids,
  type GtidState,
  hasErrantGtids,
  parseGtidState,
} from "../gtid/compare.ts";
import type { GtidError } from "../gtid/errors.ts";
import type { MariadbGap } from "../gtid/mariadb-gtid-compare.ts";
import type { MariadbGtidPos } from "../gtid/mariadb-gtid-pos.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Flavor, ReachableInstance } from "../model/instance-state.ts";
import { errantAgainstBinlogState } from "./binlog-state.ts";

/** The primary's side of the comparison: its executed position and who it is. */
export interface PrimaryPosition {
  flavor: Flavor;
  gtidExecuted: string;
  serverId: number;
  serverUuid: string | null;
  /** MariaDB @@gtid_binlog_state ("" or absent: unknown; see binlog-state.ts). */
  mariadbBinlogState?: string;
}

function onlyPrimaryWrites(gap: MariadbGap, replica: MariadbGtidPos, primaryServerId: number): boolean {
  // A domain the primary's (older) position doesn't list yet is its first writes when every
  // replica GTID there carries the primary's server id: a fresh cluster's first transactions.
  if (gap.kind === "conflict") return false;
  const base = gap.kind === "ahead" && gap.baseSeq !== null ? gap.baseSeq : -1n;
  return replica.gtids
    .filter((g) => g.domain === gap.domain && g.seq > base)
    .every((g) => g.serverId === primaryServerId);
}

export function errantOfStates(
  replica: GtidState,
  primaryState: GtidState,
  primary: Pick<PrimaryPosition, "serverId" | "serverUuid">,
): Result<ErrantGtids, GtidError> {
  const raw = errantGtidsOfStates(replica, primaryState);
  if (!raw.ok) return raw;
  const errant = raw.value;
  if (errant.family === "mysql") {
    const uuid = primary.serverUuid?.toLowerCase() ?? null;
    return ok({ family: "mysql", set: { sources: errant.set.sources.filter((s) => s.uuid !== uuid) } });
  }
  if (replica.family !== "mariadb") return ok(errant);
  const pos = replica.pos;
  return ok({
    family: "mariadb",
    gaps: errant.gaps.filter((g) => !onlyPrimaryWrites(g, pos, primary.serverId)),
  });
}

/** Errant transactions of a replica's executed GTIDs (text as probed) against the primary's. */
export function errantAgainstPrimary(
  replicaExecuted: string,
  replicaFlavor: Flavor,
  primary: PrimaryPosition,
): Result<ErrantGtids, GtidError> {
  const r = parseGtidState(replicaExecuted, replicaFlavor, "replica");
  if (!r.ok) return err(r.error);
  const p = parseGtidState(primary.gtidExecuted, primary.flavor, "primary");
  if (!p.ok) return err(p.error);
  return errantOfStates(r.value, p.value, primary);
}

/**
 * The replica's errant GTIDs as text ("" when none): against the primary's position, and on
 * MariaDB also against its binlog state, which positions (one GTID per domain) cannot replace once
 * several primaries have written to a domain.
 */
export function errantTextAgainstPrimary(
  replica: ReachableInstance,
  primary: PrimaryPosition,
): Result<string, GtidError> {
  const byPosition = errantAgainstPrimary(replica.gtidExecuted, replica.flavor, primary);
  if (!byPosition.ok) return byPosition;
  if (hasErrantGtids(byPosition.value)) return ok(formatErrantGtids(byPosition.value));
  return ok(errantByBinlogState(replica, primary));
}

/** MariaDB: the replica's GTIDs the primary's binlog state lacks, as text; "" when none or unknown. */
export function errantByBinlogState(
  replica: ReachableInstance,
  primary: Pick<PrimaryPosition, "serverId" | "mariadbBinlogState">,
): string {
  const g = replica.mariadbGtid;
  if (g === null || !primary.mariadbBinlogState) return "";
  return errantAgainstBinlogState(
    [g.binlogState, g.binlogPos, g.currentPos],
    primary.mariadbBinlogState,
    primary.serverId,
  );
}

/** errantTextAgainstPrimary against a primary probed live. */
export function errantTextAgainstLive(
  replica: ReachableInstance,
  primary: ReachableInstance,
): Result<string, GtidError> {
  return errantTextAgainstPrimary(replica, {
    ...primary,
    mariadbBinlogState: primary.mariadbGtid?.binlogState ?? "",
  });
}
