// From a recovery's subject and the leader's snapshot to the plan the ledger will hold, or the
// typed reason there is none. Pure: candidate choice and planning are the failover core's; this
// file only decides which members play which part (failed, candidate, replicas) and, for a dead
// intermediate primary, which replicas move to the cluster's primary.
import type { Analysis, AnalysisSettings } from "../failover/analysis.ts";
import { analyzeCluster } from "../failover/analyze.ts";
import { type CandidateChoice, chooseCandidate } from "../failover/candidate.ts";
import type { CandidateRefusal } from "../failover/errors.ts";
import {
  buildPlan,
  type Plan,
  type PlanMember,
  type PlanSettings,
  planFailover,
  planSwitchover,
} from "../failover/plan.ts";
import type { PlanError } from "../failover/plan-errors.ts";
import type { StepAction } from "../failover/plan-steps.ts";
import { dbAgents } from "../failover/view-facts.ts";
import { err, type Result } from "../lib/result.ts";
import type { AnalysisCode } from "../model/analysis-code.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import { resolveMember } from "./cluster-snapshot.ts";
import type { IntentKind } from "./recovery-intent.ts";
import { possibleAckHolders } from "./ack-holders.ts";
import { serverReadNow } from "./position-refresh.ts";

export type RecoveryKind = "failover" | "switchover" | "intermediate";

/** One recovery as the runner handles it, rebuilt the same way by any leader from the ledger. */
export interface RecoverySubject {
  id: string;
  kind: RecoveryKind;
  trigger: "automatic" | "manual";
  /** The failed primary, the dead intermediate, or the primary switched over from. */
  failedNodeId: string;
  analysis: AnalysisCode;
  /** Operator's --to (node id or "host:port"); "" for any. */
  preferred: string;
  /** Operator's --force: accept errant GTIDs and certain loss, fail over a primary that answers. */
  force: boolean;
  intent: IntentKind | null;
}

/** Refusals of the planning itself, worded in src/cli/messages/planning.ts. */
export type PlanningCheckRefusal =
  /** Alive members whose server the leader could not read just now (position-refresh.ts). */
  | { code: "planning.position-unknown"; nodeIds: string[] }
  /** An automatic failover whose failure the analysis no longer finds by planning time. */
  | { code: "planning.failure-cleared"; nodeId: string }
  /** Unheard, unread semi-sync replicas of the failed primary: they may hold acknowledged writes. */
  | { code: "planning.ack-holders-unknown"; nodeId: string; nodeIds: string[] };

export type PlanningRefusal =
  | CandidateRefusal
  | PlanError
  | PlanningCheckRefusal
  | { code: "recovery.primary-serves"; nodeId: string }
  | { code: "recovery.no-primary"; cluster: string }
  | { code: "recovery.nothing-to-repoint"; nodeId: string };

/**
 * What planning is handed: the leader's snapshot, after a failover's position refresh with the
 * members it could not read (position-refresh.ts RefreshedSnapshot). Absent: not refreshed.
 */
export type PlanningSnapshot = ClusterSnapshot & {
  positionsUnknown?: readonly string[];
  answered?: readonly string[];
};

export interface PlanningSettings {
  plan: PlanSettings;
  staleAfterMs: number;
  analysis: Partial<AnalysisSettings>;
}

/**
 * A member's server counts as reachable when its fresh agent says so, or when it answered the
 * leader's own refresh just now. The second matters most: a replica whose agent gossip still
 * holds for dead (healed a moment ago) may be replicating from the failed primary, and a plan that
 * left it out would neither detach it nor compare the candidate with it, so a hung primary that
 * wakes could have it acknowledge a semi-sync commit the new primary never gets (chaos seed 1).
 */
function member(snapshot: PlanningSnapshot, nodeId: string, staleAfterMs: number): PlanMember {
  return {
    nodeId,
    agentAlive: snapshot.alive.has(nodeId),
    serverReachable: serverReadNow(snapshot, nodeId, staleAfterMs),
  };
}

function othersOf(
  snapshot: PlanningSnapshot,
  exclude: readonly string[],
  staleAfterMs: number,
  errant: ReadonlySet<string>,
): PlanMember[] {
  return dbAgents(snapshot.view)
    .filter((a) => !exclude.includes(a.nodeId))
    .map((a) => ({ ...member(snapshot, a.nodeId, staleAfterMs), errant: errant.has(a.nodeId) }));
}

/** Members holding transactions the failed primary never had, as the candidate choice found them. */
function errantOf(choice: Extract<CandidateChoice, { ok: true }>): Set<string> {
  const ranked = choice.ranking.filter((r) => r.errantGtids !== "").map((r) => r.nodeId);
  const excluded = choice.excluded
    .filter((e) => e.reason.code === "failover.excluded-errant-gtids")
    .map((e) => e.nodeId);
  return new Set([...ranked, ...excluded]);
}

/**
 * Before a failover is planned: the failure must still be there for an automatic one (it may
 * have cleared during detection hooks and the refresh), and every alive member's position must
 * have been read just now, since a member ranked on a stale position may be the one ahead.
 */
function failoverPrecheck(
  snapshot: PlanningSnapshot,
  subject: RecoverySubject,
  finding: Analysis | null,
  staleAfterMs: number,
): PlanningCheckRefusal | null {
  if (subject.kind !== "failover") return null;
  if (subject.trigger === "automatic" && finding === null)
    return { code: "planning.failure-cleared", nodeId: subject.failedNodeId };
  const unknown = snapshot.positionsUnknown ?? [];
  if (unknown.length > 0) return { code: "planning.position-unknown", nodeIds: [...unknown] };
  if (subject.force) return null;
  const holders = possibleAckHolders(snapshot, subject.failedNodeId, staleAfterMs);
  if (holders.length > 0)
    return { code: "planning.ack-holders-unknown", nodeId: subject.failedNodeId, nodeIds: holders };
  return null;
}

/** The analysis finding about `nodeId` now, if any (hostUnreachable and the failure type come from it). */
export function findingFor(snapshot: ClusterSnapshot, nodeId: string, s: PlanningSettings): Analysis | null {
  if (snapshot.view.primary === null) return null;
  const found = analyzeCluster(snapshot.view, s.analysis).find((a) => a.nodeId === nodeId && a.actionable);
  return found ?? null;
}

function preferredOf(snapshot: ClusterSnapshot, subject: RecoverySubject): string | undefined {
  if (subject.preferred === "") return undefined;
  return resolveMember(snapshot, subject.preferred) ?? subject.preferred;
}

/**
 * An old primary's fence (SET GLOBAL read_only) waits behind commits held in a semi-sync wait,
 * which end only at the source's rpl_semi_sync_master_timeout: cut off from its replicas, the
 * primary is read-only that much later than fence_after, still writable to any client that
 * reaches it. The wait for its fence grows by that timeout, as it last reported it.
 */
function failoverFenceSettings(
  snapshot: ClusterSnapshot,
  failedId: string,
  plan: PlanSettings,
): PlanSettings {
  const inst = snapshot.view.agents.find((a) => a.nodeId === failedId)?.instance ?? null;
  const semi = inst?.reachable ? inst.semiSync : null;
  const holdMs = semi?.sourceEnabled ? (semi.sourceTimeoutMs ?? 0) : 0;
  return holdMs > 0 ? { ...plan, fenceMarginMs: plan.fenceMarginMs + holdMs } : plan;
}

function planPrimaryChange(
  snapshot: PlanningSnapshot,
  subject: RecoverySubject,
  s: PlanningSettings,
): Result<Plan, PlanningRefusal> {
  const failedId = subject.failedNodeId;
  const finding = findingFor(snapshot, failedId, s);
  const unfit = failoverPrecheck(snapshot, subject, finding, s.staleAfterMs);
  if (unfit !== null) return err(unfit);
  if (subject.kind === "failover" && subject.trigger === "manual" && finding === null && !subject.force) {
    const failed = member(snapshot, failedId, s.staleAfterMs);
    if (failed.serverReachable) return err({ code: "recovery.primary-serves", nodeId: failedId });
  }
  const choice = chooseCandidate(snapshot.view, failedId, {
    force: subject.force,
    preferredNodeId: preferredOf(snapshot, subject),
    staleAfterMs: s.staleAfterMs,
  });
  if (!choice.ok) return err(choice.reason);
  const to = choice.candidate.nodeId;
  const replicas = othersOf(snapshot, [failedId, to], s.staleAfterMs, errantOf(choice));
  const common = {
    candidate: member(snapshot, to, s.staleAfterMs),
    replicas,
    epoch: snapshot.ledger.epoch,
    settings: s.plan,
  };
  const planned =
    subject.kind === "switchover"
      ? planSwitchover({ ...common, primary: member(snapshot, failedId, s.staleAfterMs) })
      : planFailover({
          ...common,
          settings: failoverFenceSettings(snapshot, failedId, s.plan),
          failed: member(snapshot, failedId, s.staleAfterMs),
          hostUnreachable: finding?.hostUnreachable ?? false,
          acceptLoss: subject.force,
        });
  return planned.ok ? planned : err(planned.error);
}

function planIntermediate(
  snapshot: ClusterSnapshot,
  subject: RecoverySubject,
  s: PlanningSettings,
): Result<Plan, PlanningRefusal> {
  const primary = snapshot.view.primary;
  if (primary === null) return err({ code: "recovery.no-primary", cluster: snapshot.cluster });
  const finding = findingFor(snapshot, subject.failedNodeId, s);
  const children = (finding?.replicaNodeIds ?? [])
    .filter((id) => id !== primary.nodeId)
    .map((id) => member(snapshot, id, s.staleAfterMs))
    .filter((m) => m.serverReachable)
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  if (children.length === 0)
    return err({ code: "recovery.nothing-to-repoint", nodeId: subject.failedNodeId });
  const actions: StepAction[] = [
    ...children.map((c): StepAction => ({ kind: "repoint", nodeId: c.nodeId, sourceNodeId: primary.nodeId })),
    { kind: "run-hooks", hook: "PostFailover" },
  ];
  const built = buildPlan("failover", actions, {
    fromNodeId: subject.failedNodeId,
    successor: primary.nodeId,
    alive: snapshot.alive,
    settings: s.plan,
  });
  return built.ok ? built : err(built.error);
}

export function planRecovery(
  snapshot: PlanningSnapshot,
  subject: RecoverySubject,
  s: PlanningSettings,
): Result<Plan, PlanningRefusal> {
  return subject.kind === "intermediate"
    ? planIntermediate(snapshot, subject, s)
    : planPrimaryChange(snapshot, subject, s);
}

/** The kind a recovery found in the ledger is of, from its id and analysis. */
export function kindOfRecovery(analysis: AnalysisCode, intent: IntentKind | null): RecoveryKind {
  if (intent === "switchover") return "switchover";
  return analysis === "DeadIntermediatePrimary" ? "intermediate" : "failover";
}
