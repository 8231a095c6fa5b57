// The plain data the console views and `keel topology` render. The runtime fills it from gossip
// records and the ledger; the views never look anywhere else. Ages are relative to the observer's
// now (as in cluster-view.ts); wall times are only for showing a clock to a human.
import type { AnalysisCode } from "./analysis-code.ts";
import type { MemberStatus } from "./cluster-view.ts";
import type { InstanceState, PromotionRule, ReachableInstance } from "./instance-state.ts";

/** SWIM status of the instance's agent; "none" when no agent has ever reported for it. */
export type AgentStatus = MemberStatus | "none";

export interface DowntimeNote {
  untilWallMs: number;
  reason: string;
  owner: string;
}

export interface TopologyInstanceView {
  /** host:port as the cluster addresses it (the agent's advertised address). */
  key: string;
  /** The agent's id; null for an instance known only as some replica's source. */
  nodeId: string | null;
  /** The latest probe; null before the first one arrives. */
  instance: InstanceState | null;
  /**
   * The most recent successful probe, kept by the runtime so an unreachable server still shows
   * where it sat in the tree and its last known version/rw/binlog. null when never reached.
   */
  lastReachable: ReachableInstance | null;
  agentStatus: AgentStatus;
  /** Age of the freshest state the observer holds for this instance. */
  stateAgeMs: number;
  downtime: DowntimeNote | null;
  /** Transactions only this instance has (GTID set text); null when none or unknown. */
  errantGtids: string | null;
  isLedgerPrimary: boolean;
  promotionRule: PromotionRule;
  /** Free text from the config; "" when unset. */
  datacenter: string;
  /** Detected problems whose subject is this instance. */
  analysis: AnalysisCode[];
}

export type ClusterHealth = "ok" | "degraded" | "failing-over" | "no-quorum" | "unknown";

export interface ClusterSummaryView {
  cluster: string;
  primaryKey: string | null;
  /** Ledger epoch of the current primary; 0 before the first promotion. */
  epoch: number;
  health: ClusterHealth;
  instanceCount: number;
  problems: AnalysisCode[];
}

/** Raft role as the observer last heard it; "unknown" for a member it has no word from. */
export type QuorumRole = "leader" | "follower" | "candidate" | "pre-candidate" | "unknown";

export interface QuorumMemberView {
  nodeId: string;
  role: QuorumRole;
  /** Since the leader last heard from the member; null for the leader itself or never. */
  lastContactAgeMs: number | null;
  /** Highest log index known replicated on the member; null when unknown. */
  matchIndex: number | null;
  voter: boolean;
  witness: boolean;
}

export interface QuorumView {
  term: number;
  leader: string | null;
  commitIndex: number;
  appliedIndex: number;
  members: QuorumMemberView[];
  quorumOk: boolean;
}

export type EventKind =
  | "detection"
  | "recovery-step"
  | "hook-output"
  | "refusal"
  | "membership"
  | "operator"
  | "quorum";

export type EventSeverity = "info" | "warn" | "error";

export interface EventView {
  atWallMs: number;
  cluster: string;
  kind: EventKind;
  severity: EventSeverity;
  text: string;
}
