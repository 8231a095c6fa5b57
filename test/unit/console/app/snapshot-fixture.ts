// A console snapshot for the app tests: cluster "main" (a primary, two healthy replicas, one
// downtimed replica, one must_not replica) and cluster "orders" (a primary and one replica).
import type { ConsoleCluster, ConsoleSnapshot } from "../../../../src/console/console-source.ts";
import type { TopologyInstanceView } from "../../../../src/model/topology-view.ts";
import { mariadb, replicaOf, view, WALL_MS } from "../views/fixtures.ts";

export { WALL_MS };

export const MAIN_PRIMARY = "127.0.0.1:31001";

export function mainInstances(): TopologyInstanceView[] {
  return [
    view(MAIN_PRIMARY, mariadb(MAIN_PRIMARY)),
    view("127.0.0.1:31002", replicaOf("127.0.0.1:31002", MAIN_PRIMARY)),
    view("127.0.0.1:31003", replicaOf("127.0.0.1:31003", MAIN_PRIMARY)),
    view("127.0.0.1:31004", replicaOf("127.0.0.1:31004", MAIN_PRIMARY), {
      downtime: { untilWallMs: WALL_MS + 3_600_000, reason: "disk swap", owner: "ops" },
    }),
    view("127.0.0.1:31005", replicaOf("127.0.0.1:31005", MAIN_PRIMARY), { promotionRule: "must_not" }),
  ];
}

export function cluster(
  name: string,
  instances: TopologyInstanceView[],
  over: Partial<ConsoleCluster> = {},
): ConsoleCluster {
  const primary = instances.find((i) => i.isLedgerPrimary)?.key ?? null;
  return {
    summary: {
      cluster: name,
      primaryKey: primary,
      epoch: 3,
      health: "ok",
      instanceCount: instances.length,
      problems: [],
    },
    instances,
    quorum: {
      term: 4,
      leader: "node-31001",
      commitIndex: 12,
      appliedIndex: 12,
      quorumOk: true,
      members: instances.map((i) => ({
        nodeId: i.nodeId ?? i.key,
        role: i.isLedgerPrimary ? "leader" : "follower",
        lastContactAgeMs: i.isLedgerPrimary ? null : 120,
        matchIndex: 12,
        voter: true,
        witness: false,
      })),
    },
    paused: false,
    ...over,
  };
}

export function snapshot(over: Partial<ConsoleSnapshot> = {}): ConsoleSnapshot {
  return {
    clusters: [
      cluster("main", mainInstances()),
      cluster("orders", [
        view("127.0.0.1:31101", mariadb("127.0.0.1:31101")),
        view("127.0.0.1:31102", replicaOf("127.0.0.1:31102", "127.0.0.1:31101")),
      ]),
    ],
    events: [
      {
        atWallMs: WALL_MS - 5_000,
        cluster: "main",
        kind: "membership",
        severity: "info",
        text: "node-31003 joined",
      },
    ],
    origin: "agent 127.0.0.1:31080",
    takenAtWallMs: WALL_MS,
    ...over,
  };
}
