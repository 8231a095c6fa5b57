// What a recovery's hooks are told, worked out from the recovery's subject, the leader's snapshot
// and the plan's outcomes so far in the ledger: failed and successor addresses, the replicas,
// which of them were lost (their repoint failed or was never planned) and whether it succeeded.
import type { Plan } from "../failover/plan.ts";
import { formatInstanceKey } from "../model/instance-state.ts";
import type { Recovery } from "../raft/ledger.ts";
import { type ClusterSnapshot, serverKeyOf } from "./cluster-snapshot.ts";
import type { HookFacts } from "./recovery-hooks.ts";
import { manualCommand, manualFailureType } from "./recovery-intent.ts";
import type { RecoverySubject } from "./recovery-planning.ts";
import { orchestratorName } from "../model/analysis-code.ts";

export interface RecoveryProgress {
  plan: Plan;
  recovery: Recovery | null;
}

function keyText(snapshot: ClusterSnapshot, nodeId: string): string {
  const key = serverKeyOf(snapshot, nodeId);
  return key === null ? nodeId : formatInstanceKey(key);
}

/** Members that replicate (or replicated) from the subject: every other DB member for a primary. */
function replicaIdsOf(subject: RecoverySubject, snapshot: ClusterSnapshot, plan: Plan | null): string[] {
  if (subject.kind === "intermediate")
    return plan === null
      ? []
      : plan.steps.flatMap((s) => (s.action.kind === "repoint" ? [s.action.nodeId] : []));
  return snapshot.facts
    .filter((f) => f.kind === "agent" && f.status !== "left" && f.nodeId !== subject.failedNodeId)
    .map((f) => f.nodeId);
}

function statusOf(r: Recovery | null, index: number): string {
  return r?.steps[index]?.status ?? "pending";
}

export function hookFactsOf(
  subject: RecoverySubject,
  snapshot: ClusterSnapshot,
  progress: RecoveryProgress | null,
  autoRecovery: boolean,
): HookFacts {
  const plan = progress?.plan ?? null;
  const recovery = progress?.recovery ?? null;
  const replicaIds = replicaIdsOf(subject, snapshot, plan);
  const successorId = plan?.successor ?? null;
  const repointed = new Set(
    (plan?.steps ?? [])
      .filter(
        (s) =>
          (s.action.kind === "repoint" || s.action.kind === "demote") &&
          statusOf(recovery, s.index) === "done",
      )
      .map((s) => (s.action as { nodeId: string }).nodeId),
  );
  const lost = replicaIds.filter((id) => id !== successorId && !repointed.has(id));
  const failedSteps = (plan?.steps ?? []).filter((s) => statusOf(recovery, s.index) === "failed");
  const pointDone =
    plan !== null && (plan.pointOfNoReturn === -1 || statusOf(recovery, plan.pointOfNoReturn) === "done");
  const manual = subject.intent;
  return {
    recoveryId: subject.id,
    cluster: snapshot.cluster,
    failureType: manual === null ? orchestratorName(subject.analysis) : manualFailureType(manual),
    description: `${subject.kind} of ${subject.failedNodeId} (${orchestratorName(subject.analysis)})`,
    failed: serverKeyOf(snapshot, subject.failedNodeId),
    intermediate: subject.kind === "intermediate",
    replicaHosts: replicaIds.map((id) => keyText(snapshot, id)),
    successor: successorId === null ? null : serverKeyOf(snapshot, successorId),
    lostReplicas: progress === null ? [] : lost.map((id) => keyText(snapshot, id)),
    isSuccessful: pointDone && failedSteps.length === 0,
    isDowntimed: subject.failedNodeId in snapshot.ledger.downtimes,
    autoRecovery,
    command: manual === null ? "" : manualCommand(manual),
  };
}
