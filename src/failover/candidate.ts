// chooseCandidate: which member to promote when the primary fails (or is switched over), and why
// each other member was not chosen. Safe by default: a candidate that certainly lacks known
// transactions, or has errant ones, is refused unless the operator forces it.
import { type GtidState, parseGtidState } from "../gtid/compare.ts";
import type { AgentView, ClusterView } from "../model/cluster-view.ts";
import type { InstanceKey } from "../model/instance-state.ts";
import { DEFAULT_ANALYSIS_SETTINGS } from "./analysis.ts";
import {
  assessMember,
  type EligibilityContext,
  type EligibleMember,
  splitByVersion,
} from "./candidate-eligibility.ts";
import { explainRanking, type RankedCandidate, rankCandidates } from "./candidate-rank.ts";
import type { PrimaryPosition } from "./errant.ts";
import type { CandidateExclusion, CandidateRefusal } from "./errors.ts";
import { assessLoss, knownHolders, type LostTransactionsRisk } from "./lost-transactions.ts";
import { addressesOf, findAgent, liveInstance, reachableInstance } from "./view-facts.ts";

export type { RankedCandidate, RankKey } from "./candidate-rank.ts";
export type { LostTransactionsRisk } from "./lost-transactions.ts";

export interface CandidateOptions {
  /** Accept errant GTIDs and certain transaction loss (an operator's `--force`). */
  force?: boolean;
  /** Switchover/failover `--to`: this member or nothing. */
  preferredNodeId?: string;
  /** Agent records older than this are stale; defaults to the analysis default. */
  staleAfterMs?: number;
}

export type CandidateChoice =
  | {
      ok: true;
      candidate: RankedCandidate;
      /** Every eligible member, best first, each non-chosen one saying why. */
      ranking: RankedCandidate[];
      excluded: CandidateExclusion[];
      lostTransactionsRisk: LostTransactionsRisk;
    }
  | { ok: false; reason: CandidateRefusal; excluded: CandidateExclusion[] };

function primaryPositionOf(
  failed: AgentView | undefined,
): (PrimaryPosition & { ageMs: number | null }) | null {
  if (failed === undefined) return null;
  if (failed.lastKnownPosition !== null) return failed.lastKnownPosition;
  const inst = reachableInstance(failed);
  return inst === null
    ? null
    : { ...inst, mariadbBinlogState: inst.mariadbGtid?.binlogState ?? "", ageMs: null };
}

function parsedPosition(p: PrimaryPosition | null): GtidState | null {
  if (p === null) return null;
  const parsed = parseGtidState(p.gtidExecuted, p.flavor, "primary");
  return parsed.ok ? parsed.value : null;
}

interface Assessed {
  eligible: EligibleMember[];
  excluded: CandidateExclusion[];
  errantNodeIds: Set<string>;
}

function assessAll(members: readonly AgentView[], ctx: EligibilityContext): Assessed {
  const out: Assessed = { eligible: [], excluded: [], errantNodeIds: new Set() };
  for (const agent of members) {
    const verdict = assessMember(agent, ctx);
    if (verdict.eligible) {
      out.eligible.push(verdict.member);
      if (verdict.member.errantGtids !== "") out.errantNodeIds.add(agent.nodeId);
    } else {
      out.excluded.push({ nodeId: agent.nodeId, reason: verdict.reason });
      if (verdict.reason.code === "failover.excluded-errant-gtids") out.errantNodeIds.add(agent.nodeId);
    }
  }
  const { kept, older } = splitByVersion(out.eligible);
  out.eligible = kept;
  out.excluded.push(...older.map((reason) => ({ nodeId: reason.nodeId, reason })));
  out.excluded.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return out;
}

export function chooseCandidate(
  view: ClusterView,
  failedPrimaryNodeId: string,
  opts: CandidateOptions = {},
): CandidateChoice {
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_ANALYSIS_SETTINGS.staleAfterMs;
  const failed = findAgent(view, failedPrimaryNodeId);
  const ledgerKey = view.primary?.nodeId === failedPrimaryNodeId ? [view.primary.key] : [];
  const failedAddresses = [...ledgerKey, ...(failed === undefined ? [] : addressesOf(failed))];
  const primaryPosition = primaryPositionOf(failed);
  const members = view.agents.filter((a) => a.nodeId !== failedPrimaryNodeId && a.memberStatus !== "left");
  const ctx: EligibilityContext = {
    view,
    failedAddresses,
    primaryPosition,
    force: opts.force === true,
    staleAfterMs,
  };
  const { eligible, excluded, errantNodeIds } = assessAll(members, ctx);

  const preferredId = opts.preferredNodeId;
  if (preferredId !== undefined) {
    if (!members.some((m) => m.nodeId === preferredId)) {
      return {
        ok: false,
        reason: { code: "failover.preferred-unknown", cluster: view.cluster, nodeId: preferredId },
        excluded,
      };
    }
    const exclusion = excluded.find((e) => e.nodeId === preferredId);
    if (exclusion !== undefined) {
      return {
        ok: false,
        reason: { code: "failover.preferred-not-eligible", nodeId: preferredId, exclusion: exclusion.reason },
        excluded,
      };
    }
  }
  if (eligible.length === 0) {
    const reason: CandidateRefusal = {
      code: "failover.no-candidate",
      cluster: view.cluster,
      failedNodeId: failedPrimaryNodeId,
      excludedCount: excluded.length,
    };
    return { ok: false, reason, excluded };
  }

  const ranking = rankCandidates(eligible, {
    primaryState: parsedPosition(primaryPosition),
    failedDatacenter: failed?.datacenter ?? null,
  });
  const candidate = ranking.find((r) => r.nodeId === preferredId) ?? (ranking[0] as RankedCandidate);
  explainRanking(ranking, candidate, preferredId !== undefined);
  const chosen = eligible.find((m) => m.agent.nodeId === candidate.nodeId) as EligibleMember;

  const risk = lossRisk(view, failed, failedPrimaryNodeId, chosen, {
    failedAddresses,
    errantNodeIds,
    staleAfterMs,
  });
  if (risk.level === "certain" && opts.force !== true) {
    const reason: CandidateRefusal = {
      code: "failover.transactions-would-be-lost",
      cluster: view.cluster,
      candidateNodeId: candidate.nodeId,
      missingGtids: risk.missingGtids,
      holders: risk.holders,
    };
    return { ok: false, reason, excluded };
  }
  if (risk.comparisonError !== undefined && opts.force !== true) {
    const reason: CandidateRefusal = {
      code: "failover.loss-undecidable",
      cluster: view.cluster,
      candidateNodeId: candidate.nodeId,
      gtidErrorCode: risk.comparisonError,
      holders: risk.holders,
    };
    return { ok: false, reason, excluded };
  }
  return { ok: true, candidate, ranking, excluded, lostTransactionsRisk: risk };
}

function lossRisk(
  view: ClusterView,
  failed: AgentView | undefined,
  failedNodeId: string,
  chosen: EligibleMember,
  known: { failedAddresses: InstanceKey[]; errantNodeIds: ReadonlySet<string>; staleAfterMs: number },
): LostTransactionsRisk {
  if (failed !== undefined && liveInstance(failed, known.staleAfterMs) !== null) {
    return { level: "primary-alive", missingGtids: "", holders: [], primaryPositionAgeMs: 0 };
  }
  const others = view.agents.filter(
    (a) =>
      a.kind === "agent" &&
      a.nodeId !== chosen.agent.nodeId &&
      (a.memberStatus !== "left" || a.nodeId === failedNodeId),
  );
  const holders = knownHolders(others, known.failedAddresses, known.errantNodeIds);
  const position = primaryPositionOf(failed);
  const ageMs = position === null ? null : (position.ageMs ?? 0);
  return assessLoss(chosen.position.reach, holders, ageMs);
}
