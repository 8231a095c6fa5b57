// Errant transactions of a replica against a primary's GTID position, as the gtid module computes
// them, minus the primary's own newer transactions: the two probes are taken at different moments,
// so a replica probed after its primary may already hold what the primary wrote since. Those carry
// the primary's own server uuid (MySQL) or server id (MariaDB) and are not errant.
import { type ErrantGtids, errantGtidsOfStates, type GtidState, parseGtidState } from "../gtid/compare.ts";
import type { GtidError } from "../gtid/errors.ts";
import type { MariadbGap } from "../gtid/mariadb-gtid-compare.ts";
import type { MariadbGtidPos } from "../gtid/mariadb-gtid-pos.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Flavor } from "../model/instance-state.ts";

/** The primary's side of the comparison: its executed position and who it is. */
export interface PrimaryPosition {
  flavor: Flavor;
  gtidExecuted: string;
  serverId: number;
  serverUuid: string | null;
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
