// Fixture data for the cluster list, quorum panel, event log and whole screens.
import type { ScreenModel, ScreenOverlay } from "../../../../src/console/views/screen.ts";
import { ANALYSIS_CODES, type AnalysisCode } from "../../../../src/model/analysis-code.ts";
import type {
  ClusterHealth,
  ClusterSummaryView,
  EventView,
  QuorumMemberView,
  QuorumView,
  TopologyInstanceView,
} from "../../../../src/model/topology-view.ts";
import { WALL_MS } from "./fixtures.ts";

const HEALTH_OF: Record<AnalysisCode, ClusterHealth> = {
  NoProblem: "ok",
  DeadPrimary: "failing-over",
  DeadPrimaryAndSomeReplicas: "failing-over",
  DeadPrimaryWithoutReplicas: "degraded",
  UnreachablePrimary: "degraded",
  PrimaryAgentDown: "degraded",
  AllReplicasNotReplicating: "degraded",
  LockedSemiSyncPrimary: "degraded",
  DeadIntermediatePrimary: "failing-over",
  ReplicaWrongSource: "degraded",
  ReplicationLag: "degraded",
  ErrantGTID: "degraded",
};

/** One cluster per failure type, plus the healths no failure type implies. */
export const CLUSTERS: ClusterSummaryView[] = [
  ...(Object.keys(ANALYSIS_CODES) as AnalysisCode[]).map((code, i) => ({
    cluster: `c${String(i).padStart(2, "0")}-${code.toLowerCase()}`.slice(0, 24),
    primaryKey: code === "DeadPrimaryWithoutReplicas" ? null : `10.0.${i}.1:3306`,
    epoch: i + 1,
    health: HEALTH_OF[code],
    instanceCount: 3,
    problems: code === "NoProblem" ? [] : [code],
  })),
  {
    cluster: "orders",
    primaryKey: "10.0.20.1:3306",
    epoch: 12,
    health: "no-quorum",
    instanceCount: 5,
    problems: [],
  },
  {
    cluster: "billing",
    primaryKey: "10.0.21.1:3306",
    epoch: 4,
    health: "degraded",
    instanceCount: 4,
    problems: ["ReplicationLag", "ErrantGTID", "ReplicaWrongSource"],
  },
  { cluster: "new-cluster", primaryKey: null, epoch: 0, health: "unknown", instanceCount: 0, problems: [] },
];

function member(nodeId: string, over: Partial<QuorumMemberView> = {}): QuorumMemberView {
  return {
    nodeId,
    role: "follower",
    lastContactAgeMs: 120,
    matchIndex: 1042,
    voter: true,
    witness: false,
    ...over,
  };
}

const leader = member("db1-a", { role: "leader", lastContactAgeMs: null });

export const QUORUMS: Record<string, QuorumView | null> = {
  healthy: {
    term: 7,
    leader: "db1-a",
    commitIndex: 1042,
    appliedIndex: 1042,
    quorumOk: true,
    members: [leader, member("db1-b"), member("witness-1", { witness: true, lastContactAgeMs: 310 })],
  },
  "witness absent": {
    term: 7,
    leader: "db1-a",
    commitIndex: 1042,
    appliedIndex: 1041,
    quorumOk: true,
    members: [
      leader,
      member("db1-b"),
      member("witness-1", { witness: true, role: "unknown", lastContactAgeMs: 48_000, matchIndex: 990 }),
    ],
  },
  "quorum lost": {
    term: 9,
    leader: null,
    commitIndex: 1042,
    appliedIndex: 1042,
    quorumOk: false,
    members: [
      member("db1-a", { role: "candidate", lastContactAgeMs: null, matchIndex: null }),
      member("db1-b", { role: "unknown", lastContactAgeMs: 15_000, matchIndex: null }),
      member("witness-1", { role: "unknown", witness: true, lastContactAgeMs: null, matchIndex: null }),
      member("db1-c", { role: "follower", voter: false, lastContactAgeMs: 200, matchIndex: 1000 }),
    ],
  },
  unknown: null,
};

export const EVENTS: EventView[] = [
  { atWallMs: WALL_MS, cluster: "db1", kind: "membership", severity: "info", text: "db1-c joined" },
  {
    atWallMs: WALL_MS + 61_000,
    cluster: "db1",
    kind: "detection",
    severity: "error",
    text: "DeadMaster on 127.0.0.1:23306 (confirmed by 2 of 2 replicas)",
  },
  {
    atWallMs: WALL_MS + 61_200,
    cluster: "db1",
    kind: "recovery-step",
    severity: "info",
    text: "step 1/5 fence 127.0.0.1:23306: done",
  },
  {
    atWallMs: WALL_MS + 61_900,
    cluster: "db1",
    kind: "hook-output",
    severity: "info",
    text: "orch_hook.sh: PreFailoverProcesses: notified #oncall for cluster db1, failed host 127.0.0.1:23306, successor candidate 127.0.0.1:23307",
  },
  {
    atWallMs: WALL_MS + 62_400,
    cluster: "db1",
    kind: "recovery-step",
    severity: "info",
    text: "step 2/5 promote 127.0.0.1:23307: done (epoch 4)",
  },
  {
    atWallMs: WALL_MS + 3_600_000,
    cluster: "billing-eu-west",
    kind: "refusal",
    severity: "warn",
    text: "failover refused: instance 10.0.21.3:3306 is downtimed by alice (nightly backup)",
  },
  {
    atWallMs: WALL_MS + 86_399_000,
    cluster: "db1",
    kind: "operator",
    severity: "info",
    text: "acknowledged by bob: checked, fine",
  },
];

/** A console mid-incident: the selected cluster lags, another is failing over. */
export function screenModel(topology: TopologyInstanceView[], overlay: ScreenOverlay = null): ScreenModel {
  return {
    clusters: CLUSTERS,
    selectedCluster: "c10-replicationlag",
    topology,
    selectedInstance: topology[1]?.key ?? null,
    quorum: QUORUMS["witness absent"] ?? null,
    events: EVENTS,
    overlay,
    status: "observer via 127.0.0.1:7946",
  };
}
