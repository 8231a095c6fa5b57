// The shape of what analysis reports and the knobs it takes. Descriptions and evidence are for
// people and the audit log; code, actionable and hostUnreachable are what the runtime acts on.
import { type AnalysisCode, orchestratorName } from "../model/analysis-code.ts";
import type { InstanceKey } from "../model/instance-state.ts";

export interface AnalysisSettings {
  /**
   * How long a majority of observers' primary checks must have failed without a break before a
   * primary whose agent is silent (host gone, or mysqld hung) counts as dead.
   */
  confirmWindowMs: number;
  /**
   * The same window when the primary's own agent fresh-reports mysqld down (refused/reset): nothing
   * is left to fence, so confirmation may be immediate.
   */
  mysqldDownConfirmWindowMs: number;
  /** An agent record, or a primary check, older than this no longer counts as evidence. */
  staleAfterMs: number;
  /** Replication lag above this (not counting an intended SQL delay) is reported. */
  lagWarnSeconds: number;
  /** A semi-sync primary short of acknowledging replicas whose binlog has not moved for this long is locked. */
  lockedSemiSyncAfterMs: number;
}

/**
 * Defaults for a 500 ms probe interval: a record that missed three probes is stale, and a primary
 * whose host is gone must fail every majority observer's handshake for a second on top of that. A
 * primary whose own agent reports mysqld down is confirmed as soon as a majority fails to connect.
 * lagWarnSeconds and lockedSemiSyncAfterMs follow orchestrator's ReasonableReplicationLagSeconds.
 */
export const DEFAULT_ANALYSIS_SETTINGS: Readonly<AnalysisSettings> = Object.freeze({
  confirmWindowMs: 1_000,
  mysqldDownConfirmWindowMs: 0,
  staleAfterMs: 1_500,
  lagWarnSeconds: 10,
  lockedSemiSyncAfterMs: 10_000,
});

/** Which observers' primary checks said what, for the primary under analysis. */
export interface ObserverTally {
  /** DB agents that check the primary (every member with a database except the primary's own). */
  observers: number;
  /** Confirmations required: a strict majority of observers. */
  needed: number;
  /** The confirmation window that applied (depends on the primary-side evidence). */
  windowMs: number;
  /** Failing for at least windowMs. */
  confirmed: string[];
  /** Failing, but not yet for windowMs. */
  pending: string[];
  /** The latest check reached the primary. */
  reaching: string[];
  /** No fresh check: the observer's agent is stale/dead or its check is old or missing. */
  silent: string[];
}

/** What the primary's side says when it cannot vouch for its server. */
export type PrimaryEvidence =
  | "mysqld-down" // own agent fresh, its probe refused/reset: nothing left to fence
  | "mysqld-unresponsive" // own agent fresh, its probe timed out or failed otherwise
  | "agent-unreachable"; // own agent dead, stale or unknown: the host may be gone

export interface Analysis {
  code: AnalysisCode;
  /** orchestrator's name for the code: what {failureType} carries to hooks. */
  orchestratorName: string;
  /** The failed or affected member; null for cluster-wide findings. */
  nodeId: string | null;
  key: InstanceKey | null;
  description: string;
  /** True when the finding warrants automatic recovery (the guards still apply). */
  actionable: boolean;
  /** One line per observation behind the finding, naming the agent that made it. */
  evidence: string[];
  /** Primary-level findings: who confirmed; null otherwise. */
  confirmations: ObserverTally | null;
  /** Primary-level findings: what the primary's own side said; null when its agent vouches for it. */
  primaryEvidence: PrimaryEvidence | null;
  /**
   * The old primary may take writes again later: its host may be up but cut off (agent silent), or
   * its mysqld hangs under a live agent. Recovery must see it fenced or down, or wait past
   * fence_after + margin for its agent to have fenced it, before a new one becomes writable.
   */
  hostUnreachable: boolean;
  /** Members replicating from the subject (its replicas to repoint, {countReplicas}). */
  replicaNodeIds: string[];
}

export interface AnalysisFields {
  nodeId: string | null;
  key: InstanceKey | null;
  description: string;
  actionable?: boolean;
  evidence?: string[];
  confirmations?: ObserverTally | null;
  primaryEvidence?: PrimaryEvidence | null;
  hostUnreachable?: boolean;
  replicaNodeIds?: string[];
}

export function makeAnalysis(code: AnalysisCode, fields: AnalysisFields): Analysis {
  return {
    code,
    orchestratorName: orchestratorName(code),
    nodeId: fields.nodeId,
    key: fields.key,
    description: fields.description,
    actionable: fields.actionable ?? false,
    evidence: fields.evidence ?? [],
    confirmations: fields.confirmations ?? null,
    primaryEvidence: fields.primaryEvidence ?? null,
    hostUnreachable: fields.hostUnreachable ?? false,
    replicaNodeIds: fields.replicaNodeIds ?? [],
  };
}
