// analyzeCluster: from one observer's ClusterView to the failure types orchestrator users know.
// Pure: the runtime calls it every tick with a freshly assembled view; nothing here remembers state
// between calls, so the windows live in the view's ages (failingForMs, binlogStalledForMs).
import type { ClusterView } from "../model/cluster-view.ts";
import { type Analysis, type AnalysisSettings, DEFAULT_ANALYSIS_SETTINGS, makeAnalysis } from "./analysis.ts";
import { deadIntermediatePrimaries } from "./dead-intermediate.ts";
import { analyzePrimary } from "./primary-failure.ts";
import {
  allReplicasNotReplicating,
  errantReplicas,
  type FindingContext,
  laggingReplicas,
  lockedSemiSyncPrimary,
  replicasWithWrongSource,
} from "./replica-findings.ts";
import { addressesOf, findAgent, liveInstance } from "./view-facts.ts";

export type { Analysis, AnalysisSettings, ObserverTally, PrimaryEvidence } from "./analysis.ts";
export { DEFAULT_ANALYSIS_SETTINGS } from "./analysis.ts";

/**
 * Every problem found, most urgent first: the primary-level finding (dead, unreachable, agent
 * down), dead intermediates, then warnings about a serving primary and about single replicas.
 * [NoProblem] when nothing is found.
 */
export function analyzeCluster(view: ClusterView, settings: Partial<AnalysisSettings> = {}): Analysis[] {
  const s: AnalysisSettings = { ...DEFAULT_ANALYSIS_SETTINGS, ...settings };
  const primary = view.primary;
  if (primary === null) {
    return [
      makeAnalysis("NoProblem", {
        nodeId: null,
        key: null,
        description: `cluster ${view.cluster} has no primary in the ledger yet; nothing to analyse`,
      }),
    ];
  }
  const primaryAgent = findAgent(view, primary.nodeId);
  const ctx: FindingContext = {
    view,
    primary,
    primaryAgent,
    primaryAddresses: [primary.key, ...(primaryAgent === undefined ? [] : addressesOf(primaryAgent))],
    settings: s,
  };
  const found: Analysis[] = [];
  const primaryFinding = analyzePrimary(view, primary, s);
  if (primaryFinding !== null) found.push(primaryFinding);
  found.push(...deadIntermediatePrimaries(view, primary, s.staleAfterMs));

  const primaryInst = primaryAgent === undefined ? null : liveInstance(primaryAgent, s.staleAfterMs);
  if (primaryInst !== null) {
    const stopped = allReplicasNotReplicating(ctx);
    if (stopped !== null) found.push(stopped);
    const locked = lockedSemiSyncPrimary(ctx, primaryInst);
    if (locked !== null) found.push(locked);
  }
  found.push(...replicasWithWrongSource(ctx), ...laggingReplicas(ctx));
  if (primaryInst !== null) found.push(...errantReplicas(ctx, primaryInst));

  if (found.length > 0) return found;
  return [
    makeAnalysis("NoProblem", {
      nodeId: primary.nodeId,
      key: primary.key,
      description: `cluster ${view.cluster}: primary ${primary.nodeId} serves and its replicas replicate`,
    }),
  ];
}
