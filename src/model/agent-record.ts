// What each agent gossips about itself: its local server as last probed, its view of the
// cluster's primary, and its raft role. Receivers judge freshness by their own clock (the age of
// the record and when they last heard from the member), never by the sender's wall clock.
import type { AgentKind } from "./cluster-view.ts";
import type { InstanceState, PromotionRule, ReachableInstance } from "./instance-state.ts";

export interface AgentPrimaryCheck {
  /** "host:port" of the primary the check targets (the ledger's primary as this agent knows it). */
  target: string;
  ok: boolean;
  /** How long the check has been failing without a success in between; 0 while ok. */
  failingForMs: number;
  /** Driver error code of the latest failure; null while ok. */
  errorCode: string | null;
}

export interface AgentRaftSummary {
  term: number;
  leader: string | null;
  role: "leader" | "follower" | "candidate" | "pre-candidate";
}

export interface AgentRecord {
  nodeId: string;
  cluster: string;
  kind: AgentKind;
  datacenter: string;
  promotionRule: PromotionRule;
  agentVersion: string;
  /** The address other servers use for this agent's mysqld ("host:port"); null for a witness. */
  instanceAddress: string | null;
  /** Sender's wall clock when produced: for display only, never for freshness. */
  producedAtWallMs: number;
  /** Latest probe of the local server; null for a witness or before the first probe. */
  instance: InstanceState | null;
  /** Last successful probe, kept after the server dies so its last GTID position stays known. */
  lastReachable: ReachableInstance | null;
  /** This agent's direct check of the cluster's primary; null for witnesses and the primary itself. */
  primaryCheck: AgentPrimaryCheck | null;
  raft: AgentRaftSummary | null;
}
