// Every refusal and exclusion the failover core reports, as typed values. The words (problem and
// fix) live in src/cli/messages/failover.ts; the event log stores these objects as they are.
import type { MemberStatus } from "../model/cluster-view.ts";
import type { UnreachableReason } from "../model/instance-state.ts";

/** Why one member cannot be promoted. */
export type CandidateExclusionReason =
  | { code: "failover.excluded-witness"; nodeId: string }
  | { code: "failover.excluded-must-not"; nodeId: string }
  | {
      code: "failover.excluded-downtimed";
      nodeId: string;
      owner: string;
      reason: string;
      remainingMs: number;
    }
  | {
      code: "failover.excluded-agent-unreachable";
      nodeId: string;
      memberStatus: MemberStatus;
      recordAgeMs: number;
    }
  | {
      code: "failover.excluded-instance-unreachable";
      nodeId: string;
      reason: UnreachableReason | "not-probed";
    }
  | { code: "failover.excluded-gtid-unreadable"; nodeId: string; gtidErrorCode: string }
  | { code: "failover.excluded-no-binlog"; nodeId: string }
  | { code: "failover.excluded-no-log-replica-updates"; nodeId: string }
  | {
      code: "failover.excluded-sql-thread-error";
      nodeId: string;
      channel: string;
      errno: number;
      error: string;
    }
  | { code: "failover.excluded-older-version"; nodeId: string; version: string; newestMajorMinor: string }
  | { code: "failover.excluded-errant-gtids"; nodeId: string; errantGtids: string };

export interface CandidateExclusion {
  nodeId: string;
  reason: CandidateExclusionReason;
}

/** Why no candidate was chosen at all. */
export type CandidateRefusal =
  | { code: "failover.no-candidate"; cluster: string; failedNodeId: string; excludedCount: number }
  | { code: "failover.preferred-unknown"; cluster: string; nodeId: string }
  | { code: "failover.preferred-not-eligible"; nodeId: string; exclusion: CandidateExclusionReason }
  | {
      code: "failover.transactions-would-be-lost";
      cluster: string;
      candidateNodeId: string;
      /** GTIDs known to exist (on the failed primary or a replica) that the candidate lacks. */
      missingGtids: string;
      /** Members known to hold some of them (the failed primary included). */
      holders: string[];
    }
  | {
      code: "failover.loss-undecidable";
      cluster: string;
      candidateNodeId: string;
      /** Why the positions could not be compared (gtid.flavor-mismatch, a parse error, …). */
      gtidErrorCode: string;
      /** Members whose position could not be shown to be within the candidate's. */
      holders: string[];
    };

/** Why a guard stopped an automatic recovery. */
export type GuardRefusal =
  | { code: "failover.paused-global" }
  | { code: "failover.paused-cluster"; cluster: string }
  | {
      code: "failover.cluster-downtimed";
      cluster: string;
      owner: string;
      reason: string;
      remainingMs: number;
    }
  | {
      code: "failover.instance-downtimed";
      cluster: string;
      nodeId: string;
      owner: string;
      reason: string;
      remainingMs: number;
    }
  | {
      code: "failover.recovery-blocked";
      cluster: string;
      lastRecoveryId: string;
      lastRecoveryAgeMs: number;
      recoveryBlockMs: number;
    }
  | { code: "failover.recovery-in-progress"; cluster: string; recoveryId: string };

export type FailoverError = CandidateExclusionReason | CandidateRefusal | GuardRefusal;
