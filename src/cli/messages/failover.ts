import type { FailoverError } from "../../failover/errors.ts";
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
