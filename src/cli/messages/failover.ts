import type { FailoverError } from "../../failover/errors.ts";
import type { FenceAfterError, PlanError } from "../../failover/plan-errors.ts";
import type { ReconcileEvent } from "../../failover/reconcile-events.ts";
import { defineMessages } from "./define.ts";

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const failoverMessages = defineMessages<FailoverError>({
  "failover.excluded-witness": (e) => ({
    problem: `${e.nodeId} is a witness and has no database to promote`,
    fix: "nothing to do; witnesses only vote",
  }),
  "failover.excluded-must-not": (e) => ({
    problem: `${e.nodeId} has promotion rule must_not`,
    fix: `change promotion_rule of ${e.nodeId} in the config if it should be eligible`,
  }),
  "failover.excluded-downtimed": (e) => ({
    problem: `${e.nodeId} is downtimed by ${e.owner} for ${duration(e.remainingMs)} more (${e.reason})`,
    fix: `end the downtime of ${e.nodeId} with keel downtime if it may be promoted`,
  }),
  "failover.excluded-agent-unreachable": (e) => ({
    problem: `the agent of ${e.nodeId} is ${e.memberStatus} and its state is ${duration(e.recordAgeMs)} old`,
    fix: `check that keel runs on ${e.nodeId}'s host and that its gossip port is reachable`,
  }),
  "failover.excluded-instance-unreachable": (e) => ({
    problem:
      e.reason === "not-probed"
        ? `the agent of ${e.nodeId} has not probed its server yet`
        : `the server of ${e.nodeId} does not answer its own agent (${e.reason})`,
    fix: `start or repair mysqld on ${e.nodeId}, or check the agent's admin credentials`,
  }),
  "failover.excluded-gtid-unreadable": (e) => ({
    problem: `the GTID position of ${e.nodeId} could not be read (${e.gtidErrorCode})`,
    fix: `run SELECT @@gtid_executed (MySQL) or @@gtid_current_pos (MariaDB) on ${e.nodeId} and report the value if it looks valid`,
  }),
  "failover.excluded-no-binlog": (e) => ({
    problem: `${e.nodeId} runs without binary logging, so no replica could follow it`,
    fix: `enable log_bin on ${e.nodeId} (needs a restart)`,
  }),
  "failover.excluded-no-log-replica-updates": (e) => ({
    problem: `${e.nodeId} does not write replicated transactions to its binlog (log_slave_updates off)`,
    fix: `enable log_slave_updates (log_replica_updates) on ${e.nodeId}`,
  }),
  "failover.excluded-sql-thread-error": (e) => ({
    problem: `the SQL thread of ${e.nodeId}${e.channel === "" ? "" : ` (channel ${e.channel})`} stopped with error ${e.errno}: ${e.error}`,
    fix: `resolve the replication error on ${e.nodeId} and START SLAVE; SHOW SLAVE STATUS shows the details`,
  }),
  "failover.excluded-older-version": (e) => ({
    problem: `${e.nodeId} runs ${e.version}, older than ${e.newestMajorMinor} on another eligible replica`,
    fix: `upgrade ${e.nodeId}, or promote the newer replica`,
  }),
  "failover.excluded-errant-gtids": (e) => ({
    problem: `${e.nodeId} has transactions the primary never had: ${e.errantGtids}`,
    fix: `inspect them and either inject empty transactions on the primary or rebuild ${e.nodeId}; --force promotes it anyway`,
  }),
  "failover.no-candidate": (e) => ({
    problem: `no member of cluster ${e.cluster} can replace ${e.failedNodeId} (${e.excludedCount} excluded)`,
    fix: "see why each member was excluded in keel recoveries, fix one of them, then run keel failover",
  }),
  "failover.preferred-unknown": (e) => ({
    problem: `${e.nodeId} is not a member of cluster ${e.cluster}`,
    fix: "name a member listed by keel topology, or leave out --to",
  }),
  "failover.preferred-not-eligible": (e) => ({
    problem: `${e.nodeId} cannot be promoted (${e.exclusion.code})`,
    fix: "fix what excludes it (keel recoveries explains), or choose another member with --to",
  }),
  "failover.transactions-would-be-lost": (e) => ({
    problem: `promoting ${e.candidateNodeId} in cluster ${e.cluster} would lose transactions it lacks: ${e.missingGtids}${e.holders.length > 0 ? ` (held by ${e.holders.join(", ")})` : ""}`,
    fix: `bring back a member that holds them (${e.holders.join(", ") || "none reachable"}), or accept the loss with keel failover --force`,
  }),
  "failover.loss-undecidable": (e) => ({
    problem: `cannot tell whether promoting ${e.candidateNodeId} in cluster ${e.cluster} loses transactions: the GTID positions${e.holders.length > 0 ? ` of ${e.holders.join(", ")}` : ""} cannot be compared with its own (${e.gtidErrorCode})`,
    fix: `compare @@gtid_executed (MySQL) or @@gtid_binlog_pos (MariaDB) of those members by hand (every member must run the same flavor), then keel failover --force if nothing would be lost`,
  }),
  "failover.paused-global": () => ({
    problem: "automatic recovery is paused for every cluster",
    fix: "run keel resume when recoveries may run again",
  }),
  "failover.paused-cluster": (e) => ({
    problem: `automatic recovery of cluster ${e.cluster} is paused`,
    fix: `run keel resume -c ${e.cluster} when recoveries may run again`,
  }),
  "failover.cluster-downtimed": (e) => ({
    problem: `cluster ${e.cluster} is downtimed by ${e.owner} for ${duration(e.remainingMs)} more (${e.reason})`,
    fix: `end the downtime with keel downtime -c ${e.cluster}, or recover by hand with keel failover`,
  }),
  "failover.instance-downtimed": (e) => ({
    problem: `${e.nodeId} in cluster ${e.cluster} is downtimed by ${e.owner} for ${duration(e.remainingMs)} more (${e.reason})`,
    fix: `end the downtime of ${e.nodeId} with keel downtime, or recover by hand with keel failover -c ${e.cluster}`,
  }),
  "failover.recovery-blocked": (e) => ({
    problem: `cluster ${e.cluster} was recovered ${duration(e.lastRecoveryAgeMs)} ago (${e.lastRecoveryId}); automatic recovery is blocked for ${duration(e.recoveryBlockMs)} after one`,
    fix: `check the last recovery, then run keel ack -c ${e.cluster} to allow the next one, or recover by hand with keel failover`,
  }),
  "failover.recovery-in-progress": (e) => ({
    problem: `recovery ${e.recoveryId} of cluster ${e.cluster} has not finished`,
    fix: "wait for it to finish (keel recoveries shows its steps); the raft leader resumes it",
  }),
});

/** Recovery plans, the start-up fence_after check and what each agent's reconciler reports. */
export const failoverRecoveryMessages = defineMessages<PlanError | FenceAfterError | ReconcileEvent>({
  "failover.plan-same-node": (e) => ({
    problem: `${e.nodeId} cannot replace itself`,
    fix: "name another member with --to, or leave it out so keel chooses",
  }),
  "failover.plan-bad-node-id": (e) => ({
    problem: `node id "${e.nodeId}" cannot be recorded in a recovery plan (empty, or contains ':')`,
    fix: "use node_id values made of letters, digits, '.', '_' and '-' in every member's config",
  }),
  "failover.plan-member-unreachable": (e) => ({
    problem: `the ${e.role} ${e.nodeId} has no reachable server, so the plan cannot start`,
    fix:
      e.role === "primary"
        ? `a switchover needs a serving primary; use keel failover if ${e.nodeId} is down`
        : `start or repair mysqld on ${e.nodeId}, or choose another member with --to`,
  }),
  "failover.plan-duplicate-node": (e) => ({
    problem: `${e.nodeId} is listed twice among the members of the plan`,
    fix: "give every member of the cluster its own node_id",
  }),
  "failover.plan-too-many-steps": (e) => ({
    problem: `the recovery plan has ${e.steps} steps, more than the ${e.maxSteps} the ledger stores`,
    fix: "split the cluster, or report this: clusters of up to 15 members fit",
  }),
  "failover.plan-step-unknown": (e) => ({
    problem: `the ledger holds a recovery step this keel does not know: "${e.name}"`,
    fix: "run the same keel version on every agent, then let the leader resume the recovery",
  }),
  "failover.fence-after-unsafe": (e) => ({
    problem: `fence_after_ms ${e.fenceAfterMs} plus a ${e.marginMs} ms margin is longer than the ${e.detectionMs} ms (confirm_window_ms ${e.confirmWindowMs} + stale after ${e.staleAfterMs} ms) the majority needs to confirm an unreachable primary dead, so a cut-off primary could still take writes after another is promoted`,
    fix: `set failover.fence_after_ms to at most ${e.maxFenceAfterMs}, or raise failover.confirm_window_ms`,
  }),
  "failover.self-fenced": (e) => ({
    problem: `${e.nodeId} made its server read-only: its agent has not reached a quorum for ${e.lostForMs} ms (fence_after_ms ${e.fenceAfterMs})`,
    fix: `restore the network between ${e.nodeId} and the other agents; it becomes writable again only if the ledger still names it primary`,
  }),
  "failover.fenced-after-unresponsive": (e) => ({
    problem: `${e.nodeId}'s server did not answer its agent for ${e.unansweredForMs} ms (fence_after_ms ${e.fenceAfterMs}) while primary; it was made read-only as it answered again, since another primary may have been promoted meanwhile`,
    fix: `nothing if the ledger still names ${e.nodeId} primary: it is made writable again on the next probe; find out why mysqld hung (I/O stalls, swapping, a stopped process)`,
  }),
  "failover.fenced-not-primary": (e) => ({
    problem: `${e.nodeId} was writable although the ledger names ${e.primaryNodeId} primary of epoch ${e.epoch}; it is being made read-only`,
    fix: `check the writes ${e.nodeId} took for transactions missing on ${e.primaryNodeId}; keel rejoin once they are dealt with`,
  }),
  "failover.rejoin-refused-errant": (e) => ({
    problem: `${e.nodeId} stays read-only and out of replication: it has transactions primary ${e.primaryNodeId} lacks (${e.errantGtids})`,
    fix: `inspect them on ${e.nodeId} (save what matters), then rebuild ${e.nodeId} from ${e.primaryNodeId}; keel rejoin -i <host:port> --force only repoints it and discards nothing, so replication may refuse to start`,
  }),
  "failover.rejoin-disabled": (e) => ({
    problem: `${e.nodeId} stays read-only and out of replication because auto_rejoin is off`,
    fix: `run keel rejoin on ${e.nodeId} to make it a replica of ${e.primaryNodeId}, or set failover.auto_rejoin`,
  }),
  "failover.repoint-refused-errant": (e) => ({
    problem: `${e.nodeId} replicates from ${e.source} instead of primary ${e.primaryNodeId} and has transactions the primary lacks (${e.errantGtids})`,
    fix: `inspect them on ${e.nodeId}, then keel rejoin --force to move it to ${e.primaryNodeId}, or rebuild it`,
  }),
  "failover.gtid-incomparable": (e) => ({
    problem: `the GTIDs of ${e.nodeId} cannot be compared with primary ${e.primaryNodeId}'s (${e.gtidErrorCode})`,
    fix: `compare @@gtid_executed (MySQL) or @@gtid_binlog_pos (MariaDB) of ${e.nodeId} and ${e.primaryNodeId} by hand; both must run the same flavor`,
  }),
  "failover.primary-replicates": (e) => ({
    problem: `${e.nodeId} is the primary in the ledger but replicates from ${e.sources.join(", ")}; it is not made writable`,
    fix: `stop and reset replication on ${e.nodeId} (STOP SLAVE; RESET SLAVE ALL) if it should be the primary`,
  }),
  "failover.wrong-source-ambiguous": (e) => ({
    problem: `${e.nodeId} replicates from ${e.sources.join(", ")} on several channels, none of them primary ${e.primaryNodeId}`,
    fix: `point one channel of ${e.nodeId} at ${e.primaryNodeId} and remove the others, or keel rejoin --force`,
  }),
});
