// One cluster's health at a glance, from the ledger, the members and the display analysis. The
// worst condition wins: no quorum, then a running recovery, then anything degraded.
import type { Analysis } from "../failover/analyze.ts";
import type { AnalysisCode } from "../model/analysis-code.ts";
import type { LedgerPrimary } from "../model/cluster-view.ts";
import { formatInstanceKey } from "../model/instance-state.ts";
import type { ClusterHealth, ClusterSummaryView, TopologyInstanceView } from "../model/topology-view.ts";
import type { MemberFacts } from "./member-facts.ts";

export interface ClusterSummary extends ClusterSummaryView {
  primaryNodeId: string | null;
  /** The primary is inferred from the servers' roles: the ledger has not named one yet. */
  primaryInferred: boolean;
}

export interface HealthInput {
  cluster: string;
  primary: (LedgerPrimary & { inferred: boolean }) | null;
  ledger: { recoveryActive: boolean; quorumOk: boolean | null } | undefined;
  members: readonly MemberFacts[];
  instances: readonly TopologyInstanceView[];
  analyses: readonly Analysis[];
}

function problemsOf(analyses: readonly Analysis[]): AnalysisCode[] {
  return [...new Set(analyses.map((a) => a.code).filter((c) => c !== "NoProblem"))];
}

/** A DB member gone or unsure, or a server not answering, is worth a look even without a finding. */
function somethingDown(members: readonly MemberFacts[], instances: readonly TopologyInstanceView[]): boolean {
  const agentDown = members.some((m) => m.status === "dead" || m.status === "suspect");
  return agentDown || instances.some((i) => i.instance !== null && !i.instance.reachable);
}

export function clusterHealth(h: HealthInput, problems: readonly AnalysisCode[]): ClusterHealth {
  if (!h.members.some((m) => m.record !== null)) return "unknown";
  if (h.ledger?.quorumOk === false) return "no-quorum";
  if (h.ledger?.recoveryActive) return "failing-over";
  if (problems.length > 0 || h.primary === null || somethingDown(h.members, h.instances)) return "degraded";
  return "ok";
}

export function summarizeCluster(h: HealthInput): ClusterSummary {
  const problems = problemsOf(h.analyses);
  return {
    cluster: h.cluster,
    primaryKey: h.primary === null ? null : formatInstanceKey(h.primary.key),
    primaryNodeId: h.primary?.nodeId ?? null,
    primaryInferred: h.primary?.inferred ?? false,
    epoch: h.primary?.epoch ?? 0,
    health: clusterHealth(h, problems),
    instanceCount: h.instances.length,
    problems,
  };
}
