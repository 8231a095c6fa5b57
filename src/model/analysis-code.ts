// Failure types keel detects, each with the name orchestrator users know (hook placeholders such
// as {failureType} carry the orchestrator name, so existing orch_hook.sh scripts keep working).

export const ANALYSIS_CODES = {
  NoProblem: "NoProblem",
  DeadPrimary: "DeadMaster",
  DeadPrimaryAndSomeReplicas: "DeadMasterAndSomeReplicas",
  DeadPrimaryWithoutReplicas: "DeadMasterWithoutReplicas",
  UnreachablePrimary: "UnreachableMaster",
  PrimaryAgentDown: "PrimaryAgentDown",
  AllReplicasNotReplicating: "AllMasterReplicasNotReplicating",
  LockedSemiSyncPrimary: "LockedSemiSyncMaster",
  DeadIntermediatePrimary: "DeadIntermediateMaster",
  ReplicaWrongSource: "ReplicaWrongSource",
  ReplicationLag: "ReplicationLag",
  ErrantGTID: "ErrantGTIDStructureWarning",
} as const;

export type AnalysisCode = keyof typeof ANALYSIS_CODES;

export function orchestratorName(code: AnalysisCode): string {
  return ANALYSIS_CODES[code];
}
