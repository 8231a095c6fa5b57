// Words for the planner's own refusals (src/runtime/recovery-planning.ts): they end up in a
// recovery's ledger detail ("<code>: …") and the leader's recovery.refused event.
import type { PlanningCheckRefusal } from "../../runtime/recovery-planning.ts";
import { defineMessages } from "./define.ts";

export const planningMessages = defineMessages<PlanningCheckRefusal>({
  "planning.position-unknown": (e) => ({
    problem: `the leader could not read where ${e.nodeIds.join(", ")} stand${e.nodeIds.length === 1 ? "s" : ""} although ${e.nodeIds.length === 1 ? "its agent sees its" : "their agents see their"} server answer, so the most advanced replica is not known and promoting another could lose transactions`,
    fix: "let the raft leader reach every member's MySQL port with the admin credentials (firewall, grants, max_connections); the failover is tried again on the next detection",
  }),
  "planning.ack-holders-unknown": (e) => ({
    problem: `${e.nodeIds.join(", ")} ${e.nodeIds.length === 1 ? "was a semi-sync replica" : "were semi-sync replicas"} of ${e.nodeId} and can be neither heard nor read now, so ${e.nodeIds.length === 1 ? "it" : "they"} may hold writes ${e.nodeId} acknowledged that no reachable member has; failing over could lose them`,
    fix: `restore the network to ${e.nodeIds.join(", ")} (the failover is tried again on the next detection, or ${e.nodeId} comes back), or accept the loss with keel failover -c <cluster> --force`,
  }),
  "planning.failure-cleared": (e) => ({
    problem: `the failure of ${e.nodeId} is no longer seen by planning time, so no failover was planned`,
    fix: "nothing to do if 'keel topology' shows the cluster healthy; a failure that comes back is detected again",
  }),
});
