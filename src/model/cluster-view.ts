// What one observer (normally the cluster's raft leader) knows about one replication cluster at one
// instant: the input of failure analysis and candidate choice. The runtime assembles it from gossip
// records and the ledger. Every time in it is already relative to the observer's monotonic now
// (ages and durations in ms), so analysis never compares clocks of different hosts.
import type { Flavor, InstanceKey, InstanceState, PromotionRule } from "./instance-state.ts";

/** SWIM membership status of an agent, as the observer's gossip layer sees it. */
export type MemberStatus = "alive" | "suspect" | "dead" | "left";

/** A DB agent runs next to a MySQL/MariaDB server; a witness only votes and gossips. */
export type AgentKind = "agent" | "witness";

/** The ledger's current primary of the cluster. */
export interface LedgerPrimary {
  nodeId: string;
  /** The address replicas use to reach the primary (what CHANGE MASTER names). */
  key: InstanceKey;
  /** Increases with every promotion; a server is writable only as primary of the current epoch. */
  epoch: number;
}

/**
 * One agent's direct MySQL handshake to the cluster's primary, run every probe interval with a
 * short timeout. An attempt still outstanding past its timeout counts as failed.
 */
export interface PrimaryCheck {
  /** The latest completed attempt reached the primary. */
  ok: boolean;
  /** How long the check has been failing without a success in between; 0 while ok. */
  failingForMs: number;
  /** Age of the latest completed attempt, as of the observer's now. */
  checkedAgeMs: number;
  /** Driver error code of the latest failure (ECONNREFUSED, ETIMEDOUT, …). */
  errorCode?: string;
}

/**
 * The GTID position of an agent's server at its most recent successful probe. It survives the
 * server going away, so candidate choice knows how far a dead primary had got.
 */
export interface LastKnownPosition {
  flavor: Flavor;
  /** MySQL @@gtid_executed; MariaDB @@gtid_binlog_pos. */
  gtidExecuted: string;
  serverId: number;
  /** MySQL @@server_uuid; null on MariaDB. */
  serverUuid: string | null;
  /** MariaDB @@gtid_binlog_state ("" on MySQL or when unknown). */
  mariadbBinlogState?: string;
  /** How old that probe is, as of the observer's now. */
  ageMs: number;
}

export interface AgentView {
  /** Stable agent id from the config; also the raft member id. */
  nodeId: string;
  kind: AgentKind;
  memberStatus: MemberStatus;
  /** How old the agent's freshest gossiped state is, as of the observer's now. */
  recordAgeMs: number;
  /**
   * The address the rest of the cluster uses for this agent's server (advertised host:port from
   * the config, the form replicas' CHANGE MASTER uses); null for witnesses.
   */
  key: InstanceKey | null;
  /** The agent's latest probe of its own server; null for witnesses and before the first probe. */
  instance: InstanceState | null;
  /** Most recent successful probe's GTID position; null for witnesses or when never reachable. */
  lastKnownPosition: LastKnownPosition | null;
  /** Free text from the config; "" when unset. Candidate choice prefers the failed primary's. */
  datacenter: string;
  promotionRule: PromotionRule;
  /** This agent's check of the cluster primary; null for witnesses and for the primary's own agent. */
  primaryCheck: PrimaryCheck | null;
  /**
   * Primary only: how long its binlog coordinates have not moved (for LockedSemiSyncPrimary).
   * Absent when unknown or not the primary.
   */
  binlogStalledForMs?: number;
  /** keel version the agent runs, for the topology view and mixed-version checks. */
  agentVersion: string;
}

/** Suppresses automatic recovery of one instance or of the whole cluster. */
export type DowntimeView =
  | { scope: "instance"; nodeId: string; remainingMs: number; owner: string; reason: string }
  | { scope: "cluster"; remainingMs: number; owner: string; reason: string };

/** Operators' pause switches; either one stops automatic recovery. */
export interface PauseState {
  /** `keel pause` without a cluster: every cluster. */
  global: boolean;
  /** `keel pause -c CLUSTER`. */
  cluster: boolean;
}

export interface ClusterView {
  cluster: string;
  /** The observer's monotonic clock at assembly; every age above is relative to it. */
  nowMs: number;
  /** null before the ledger has named a primary (a cluster being bootstrapped). */
  primary: LedgerPrimary | null;
  /** Every member of the cluster known to gossip or the ledger, witnesses included. */
  agents: AgentView[];
  /** Active downtimes only (remainingMs > 0 when assembled). */
  downtimes: DowntimeView[];
  paused: PauseState;
}
