// Would promoting the candidate certainly lose transactions? "Known" transactions are the failed
// primary's last known position plus everything any other member is known to have received; what
// the candidate lacks of them is lost for good once it takes writes (MaxScale's failover-safe
// asks the same of the primary's last gtid_binlog_pos). A primary that still serves (switchover)
// loses nothing: the candidate catches up from it before promotion.
import {
  errantGtidsOfStates,
  formatErrantGtids,
  type GtidState,
  hasErrantGtids,
  parseGtidState,
} from "../gtid/compare.ts";
import type { AgentView } from "../model/cluster-view.ts";
import { gtidContains, replicaPosition, unionGtidStates } from "./gtid-position.ts";
import { channelTo, reachableInstance } from "./view-facts.ts";
import type { InstanceKey } from "../model/instance-state.ts";

export interface LostTransactionsRisk {
  /**
   * "none": the candidate holds every known transaction (the primary may have committed more
   * after its last probe, positionAgeMs ago); "certain": it lacks some; "unknown": nothing is known
   * of the failed primary's position, or the positions could not be compared; "primary-alive": the
   * primary serves, nothing need be lost.
   */
  level: "none" | "certain" | "unknown" | "primary-alive";
  /**
   * Set when some known position could not be compared with the candidate's (flavor mismatch,
   * unparsable set): the GTID error code. Nothing can then vouch that promotion loses nothing.
   */
  comparisonError?: string;
  /** What the candidate lacks; "" unless certain. */
  missingGtids: string;
  /** Members known to hold some of it (the failed primary included). */
  holders: string[];
  /** Age of the failed primary's last known position; null when unknown. */
  primaryPositionAgeMs: number | null;
}

export interface KnownHolder {
  nodeId: string;
  state: GtidState;
}

/**
 * What each other member is known to hold: its reach from its latest successful probe, even when
 * its agent has since gone quiet, else its last known executed position. Members with errant
 * GTIDs are left out: their extra transactions were never the primary's to lose.
 */
export function knownHolders(
  members: readonly AgentView[],
  failedAddresses: readonly InstanceKey[],
  errantNodeIds: ReadonlySet<string>,
): KnownHolder[] {
  const out: KnownHolder[] = [];
  for (const agent of members) {
    if (errantNodeIds.has(agent.nodeId)) continue;
    const inst = reachableInstance(agent);
    if (inst !== null) {
      const pos = replicaPosition(inst, channelTo(inst, failedAddresses), agent.nodeId);
      if (pos.ok) out.push({ nodeId: agent.nodeId, state: pos.value.reach });
      continue;
    }
    const last = agent.lastKnownPosition;
    const parsed = last === null ? null : parseGtidState(last.gtidExecuted, last.flavor, agent.nodeId);
    if (parsed?.ok) out.push({ nodeId: agent.nodeId, state: parsed.value });
  }
  return out;
}

export function assessLoss(
  candidateReach: GtidState,
  holders: readonly KnownHolder[],
  primaryPositionAgeMs: number | null,
): LostTransactionsRisk {
  let known: GtidState | null = null;
  let comparisonError: string | null = null;
  const lackers: string[] = [];
  for (const h of holders) {
    const held = gtidContains(candidateReach, h.state);
    if (held.ok && held.value) continue;
    if (!held.ok) comparisonError ??= held.error.code;
    lackers.push(h.nodeId);
    if (known === null) known = h.state;
    else {
      const merged = unionGtidStates(known, h.state);
      if (merged.ok) known = merged.value;
      else comparisonError ??= merged.error.code;
    }
  }
  const level = primaryPositionAgeMs === null ? "unknown" : "none";
  if (known === null) return { level, missingGtids: "", holders: [], primaryPositionAgeMs };
  const missing = errantGtidsOfStates(known, candidateReach);
  if (!missing.ok) comparisonError ??= missing.error.code;
  // An error says nothing about what is missing: never read it as "nothing lost".
  if (comparisonError !== null)
    return { level: "unknown", missingGtids: "", holders: lackers, primaryPositionAgeMs, comparisonError };
  if (!missing.ok || !hasErrantGtids(missing.value)) {
    return { level, missingGtids: "", holders: [], primaryPositionAgeMs };
  }
  return {
    level: "certain",
    missingGtids: formatErrantGtids(missing.value),
    holders: lackers,
    primaryPositionAgeMs,
  };
}
