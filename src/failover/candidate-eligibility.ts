// Which members may be promoted, and for each one that may not, the first reason why. The order of
// the checks is the order an operator fixes things in: membership, policy, reachability, server
// settings, replication health, then GTID history.
import type { AgentView, ClusterView } from "../model/cluster-view.ts";
import type { InstanceKey, ReachableInstance, ReplicationChannel } from "../model/instance-state.ts";
import { errantTextAgainstPrimary, type PrimaryPosition } from "./errant.ts";
import type { CandidateExclusionReason } from "./errors.ts";
import { type ReplicaPosition, replicaPosition } from "./gtid-position.ts";
import { channelTo, isAgentFresh, liveInstance } from "./view-facts.ts";

export interface EligibleMember {
  agent: AgentView;
  inst: ReachableInstance;
  /** Its channel from the failed primary (else its default channel), if any. */
  channel: ReplicationChannel | undefined;
  position: ReplicaPosition;
  /** Errant GTIDs against the failed primary; "" when none or unknown. Non-empty only when forced. */
  errantGtids: string;
}

export interface EligibilityContext {
  view: ClusterView;
  failedAddresses: InstanceKey[];
  primaryPosition: PrimaryPosition | null;
  force: boolean;
  staleAfterMs: number;
}

export type Eligibility =
  | { eligible: true; member: EligibleMember }
  | { eligible: false; reason: CandidateExclusionReason };

function policyExclusion(agent: AgentView, ctx: EligibilityContext): CandidateExclusionReason | null {
  const nodeId = agent.nodeId;
  if (agent.kind === "witness") return { code: "failover.excluded-witness", nodeId };
  if (agent.promotionRule === "must_not") return { code: "failover.excluded-must-not", nodeId };
  const downtime = ctx.view.downtimes.find(
    (d) => d.scope === "instance" && d.nodeId === nodeId && d.remainingMs > 0,
  );
  if (downtime !== undefined) {
    const { owner, reason, remainingMs } = downtime;
    return { code: "failover.excluded-downtimed", nodeId, owner, reason, remainingMs };
  }
  if (!isAgentFresh(agent, ctx.staleAfterMs)) {
    const { memberStatus, recordAgeMs } = agent;
    return { code: "failover.excluded-agent-unreachable", nodeId, memberStatus, recordAgeMs };
  }
  return null;
}

function serverExclusion(
  agent: AgentView,
  inst: ReachableInstance,
  channel: ReplicationChannel | undefined,
): CandidateExclusionReason | null {
  const nodeId = agent.nodeId;
  if (!inst.logBin) return { code: "failover.excluded-no-binlog", nodeId };
  if (!inst.logReplicaUpdates) return { code: "failover.excluded-no-log-replica-updates", nodeId };
  if (channel !== undefined && !channel.sqlRunning && channel.lastSqlErrno !== 0) {
    const { name, lastSqlErrno: errno, lastSqlError: error } = channel;
    return { code: "failover.excluded-sql-thread-error", nodeId, channel: name, errno, error };
  }
  return null;
}

export function assessMember(agent: AgentView, ctx: EligibilityContext): Eligibility {
  const policy = policyExclusion(agent, ctx);
  if (policy !== null) return { eligible: false, reason: policy };
  const nodeId = agent.nodeId;
  const inst = liveInstance(agent, ctx.staleAfterMs);
  if (inst === null) {
    const reason = agent.instance === null || agent.instance.reachable ? "not-probed" : agent.instance.reason;
    return { eligible: false, reason: { code: "failover.excluded-instance-unreachable", nodeId, reason } };
  }
  const channel = channelTo(inst, ctx.failedAddresses) ?? inst.channels.find((c) => c.name === "");
  const server = serverExclusion(agent, inst, channel);
  if (server !== null) return { eligible: false, reason: server };
  const position = replicaPosition(inst, channel, nodeId);
  if (!position.ok) {
    return {
      eligible: false,
      reason: { code: "failover.excluded-gtid-unreadable", nodeId, gtidErrorCode: position.error.code },
    };
  }
  let errantText = "";
  if (ctx.primaryPosition !== null) {
    const errant = errantTextAgainstPrimary(inst, ctx.primaryPosition);
    if (!errant.ok) {
      return {
        eligible: false,
        reason: { code: "failover.excluded-gtid-unreadable", nodeId, gtidErrorCode: errant.error.code },
      };
    }
    errantText = errant.value;
  }
  if (errantText !== "" && !ctx.force) {
    return {
      eligible: false,
      reason: { code: "failover.excluded-errant-gtids", nodeId, errantGtids: errantText },
    };
  }
  return {
    eligible: true,
    member: { agent, inst, channel, position: position.value, errantGtids: errantText },
  };
}

function majorMinorBelow(a: readonly number[], b: readonly number[]): boolean {
  const [aMajor = 0, aMinor = 0] = a;
  const [bMajor = 0, bMinor = 0] = b;
  return aMajor < bMajor || (aMajor === bMajor && aMinor < bMinor);
}

/**
 * Promoting a server older than another promotable one would undo a rolling upgrade (and leave
 * newer replicas behind an older source), so only the newest major.minor among the otherwise
 * eligible members stays eligible.
 */
export function splitByVersion(members: readonly EligibleMember[]): {
  kept: EligibleMember[];
  older: CandidateExclusionReason[];
} {
  let newest: readonly number[] = [0, 0];
  for (const m of members) if (majorMinorBelow(newest, m.inst.versionNumbers)) newest = m.inst.versionNumbers;
  const newestMajorMinor = `${newest[0]}.${newest[1]}`;
  const kept: EligibleMember[] = [];
  const older: CandidateExclusionReason[] = [];
  for (const m of members) {
    if (!majorMinorBelow(m.inst.versionNumbers, newest)) kept.push(m);
    else {
      const { nodeId } = m.agent;
      older.push({
        code: "failover.excluded-older-version",
        nodeId,
        version: m.inst.version,
        newestMajorMinor,
      });
    }
  }
  return { kept, older };
}
