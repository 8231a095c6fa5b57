// Words for the reconciler (fencing, rejoin) and its commands: downtime, ack, pause, resume, rejoin.
import type { ReconcileEvent } from "../../failover/reconcile-events.ts";
import type { ReconcileActionError } from "../../runtime/reconcile-actions.ts";
import type { RejoinApiError } from "../../runtime/reconcile-api.ts";
import type { RejoinPendingReason } from "../../runtime/reconciler.ts";
import { type ErrorWording, defineMessages } from "./define.ts";
import { failoverRecoveryMessages } from "./failover.ts";
import { mysqlActionsMessages } from "./mysql-actions.ts";

export type ReconcileCliError =
  | Exclude<ReconcileActionError, { code: "mysql.action-failed" }>
  | RejoinApiError
  | { code: "reconcile.bad-rpc" }
  | { code: "reconcile.other-cluster"; cluster: string; configCluster: string; configPath: string }
  | { code: "reconcile.bad-duration"; text: string; maxMs: number }
  | { code: "reconcile.rejoin-refused"; instance: string; nodeId: string; event: ReconcileEvent }
  | { code: "reconcile.rejoin-pending"; instance: string; nodeId: string; reason: RejoinPendingReason }
  | { code: "reconcile.rejoin-is-primary"; instance: string; nodeId: string }
  | { code: "reconcile.rejoin-failed"; instance: string; nodeId: string; error: ReconcileActionError };

/** An event of the pure reconciler, worded by the failover table. */
function eventWords(e: ReconcileEvent): ErrorWording {
  const wording = (
    failoverRecoveryMessages as unknown as Record<string, (x: ReconcileEvent) => ErrorWording>
  )[e.code];
  return wording ? wording(e) : { problem: e.code, fix: "see the agent's log" };
}

function actionWords(e: ReconcileActionError): ErrorWording {
  if (e.code === "mysql.action-failed") return mysqlActionsMessages["mysql.action-failed"](e);
  return reconcileMessages[e.code](e as never);
}

const PENDING: Record<RejoinPendingReason, string> = {
  "no-primary": "the ledger names no primary yet",
  "no-probe": "its agent has no answer from its server yet",
  busy: "another change to its server is under way",
  waiting: "the primary's GTID position has not reached its agent yet",
};

const FORCE_FIX =
  "--force only repoints (it injects and discards nothing; the errant transactions stay on the server and may break replication later)";

export const reconcileMessages = defineMessages<ReconcileCliError>({
  "reconcile.epoch-moved": (e) => ({
    problem: `the server was not made writable: the ledger moved to epoch ${e.currentEpoch} (primary ${e.primary ?? "none"}) after epoch ${e.epoch} was decided`,
    fix: "nothing to do: the agent follows the ledger's current primary on its next probe",
  }),
  "reconcile.action-threw": (e) => ({
    problem: `a reconcile action failed unexpectedly (${e.detail})`,
    fix: "report this with the agent's log; the next probe retries the action",
  }),
  "reconcile.bad-rpc": () => ({
    problem: "a rejoin request between agents was malformed",
    fix: "run the same keel release on every agent",
  }),
  "reconcile.unknown-instance": (e) => ({
    problem: `no agent of this cluster watches ${e.instance}`,
    fix: "name the server as host:port the way 'keel topology' shows it, or its agent's node id",
  }),
  "reconcile.rejoin-unanswered": (e) => ({
    problem: `agent ${e.nodeId} (beside ${e.instance}) did not answer the rejoin request within ${e.waitedMs} ms`,
    fix: `check that agent ${e.nodeId} runs ('keel members'); the request stays in force there for a minute, so check 'keel topology' before retrying`,
  }),
  "reconcile.bad-request": (e) => ({
    problem: `the agent refused the rejoin request: ${e.detail}`,
    fix: "run the same keel release for the CLI and the agent",
  }),
  "reconcile.other-cluster": (e) => ({
    problem: `cluster ${e.cluster} is not the cluster of ${e.configPath} (${e.configCluster})`,
    fix: `use the config of an agent of ${e.cluster} (--config), or leave out -c`,
  }),
  "reconcile.bad-duration": (e) => ({
    problem: `"${e.text}" is not a duration up to ${Math.round(e.maxMs / 86_400_000)} days`,
    fix: "write it as a number with a unit: 90s, 30m, 1h, 2d (a bare number counts seconds)",
  }),
  "reconcile.rejoin-refused": (e) => {
    const w = eventWords(e.event);
    const errant =
      e.event.code === "failover.rejoin-refused-errant" || e.event.code === "failover.repoint-refused-errant";
    return {
      problem: w.problem,
      fix: errant
        ? `inspect those transactions on ${e.instance}; if they may be thrown away, rebuild it from the primary, or keel rejoin -i ${e.instance} --force (${FORCE_FIX})`
        : w.fix,
    };
  },
  "reconcile.rejoin-pending": (e) => ({
    problem: `${e.instance} (agent ${e.nodeId}) did not rejoin yet: ${PENDING[e.reason]}`,
    fix: "the request stays in force for a minute: watch 'keel topology', and retry if it is still detached",
  }),
  "reconcile.rejoin-is-primary": (e) => ({
    problem: `${e.instance} (agent ${e.nodeId}) is the ledger's primary: it has no primary to rejoin`,
    fix: "to make it a replica, move the primary first: keel switchover",
  }),
  "reconcile.rejoin-failed": (e) => {
    const w = actionWords(e.error);
    return { problem: `${e.instance} could not rejoin: ${w.problem}`, fix: w.fix };
  },
});
