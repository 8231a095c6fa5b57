// One topology per instance state the console must show; each becomes a golden file under
// test/scenarios/console/. `detail` names the instance whose detail view is snapshotted too.
import type { TopologyInstanceView } from "../../../../src/model/topology-view.ts";
import { channel, mariadb, replicaOf, unreachable, view, WALL_MS } from "./fixtures.ts";

export interface TopologyScenario {
  name: string;
  about: string;
  instances: TopologyInstanceView[];
  detail?: string;
}

const P = "127.0.0.1:23306";
const R1 = "127.0.0.1:23307";
const R2 = "127.0.0.1:23308";
const R3 = "127.0.0.1:23309";

const UUID_A = "73f86016-978b-11ee-ade5-8d2a2a562feb";
const UUID_B = "8a94f357-aab4-11df-86ab-c80aa9429562";
const UUID_C = "1d4c2f0e-5b1a-11ef-9f0c-0242ac120002";
const MYSQL_EXECUTED = `${UUID_A}:1-1042,\n${UUID_B}:1-77:79-81,\n${UUID_C}:1-5`;

function healthy(): TopologyInstanceView[] {
  return [view(P, mariadb(P)), view(R1, replicaOf(R1, P)), view(R2, replicaOf(R2, P))];
}

function mysql84(key: string, source: string | null): ReturnType<typeof mariadb> {
  const base = mariadb(key, {
    flavor: "mysql",
    version: "8.4.3",
    versionNumbers: [8, 4, 3],
    versionComment: "MySQL Community Server - GPL",
    serverUuid: UUID_A,
    superReadOnly: source !== null,
    gtidMode: "ON",
    gtidExecuted: MYSQL_EXECUTED,
    mariadbGtid: null,
    binlog: { file: "source-bin.000002", position: 1307 },
    readOnly: source !== null,
  });
  if (source === null) {
    base.semiSync = { ...base.semiSync, sourceEnabled: true, sourceActive: true, sourceClients: 1 };
    return base;
  }
  base.semiSync = { ...base.semiSync, replicaEnabled: true, replicaActive: true };
  base.channels = [
    channel(source, {
      mariadbUsingGtid: null,
      retrievedGtidSet: MYSQL_EXECUTED,
      executedGtidSet: MYSQL_EXECUTED,
      sourceLogFile: "source-bin.000002",
      relaySourceLogFile: "source-bin.000002",
      readSourceLogPos: 1307,
      execSourceLogPos: 1307,
    }),
  ];
  return base;
}

const IO_ERROR =
  "error reconnecting to master 'repl@127.0.0.1:23306' - retry-time: 1  maximum-retries: 86400  message: " +
  "Can't connect to MySQL server on '127.0.0.1' (111 \"Connection refused\")";
const SQL_ERROR =
  "Could not execute Write_rows_v1 event on table app.orders; Duplicate entry '1042' for key 'PRIMARY', " +
  "Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000003, end_log_pos 8812";

export const TOPOLOGY_SCENARIOS: TopologyScenario[] = [
  {
    name: "primary-and-healthy-replicas",
    about: "primary rw, two replicas ok",
    instances: healthy(),
    detail: P,
  },
  {
    name: "replica-lagging",
    about: "one replica 42 s behind; a delayed replica within its SQL_Delay counts as ok",
    instances: [
      view(P, mariadb(P)),
      view(R1, replicaOf(R1, P, { channels: [channel(P, { secondsBehind: 42 })] }), {
        analysis: ["ReplicationLag"],
      }),
      view(R2, replicaOf(R2, P, { channels: [channel(P, { secondsBehind: 3605, sqlDelaySeconds: 3600 })] })),
    ],
    detail: R1,
  },
  {
    name: "io-connecting-with-error",
    about: "IO thread Connecting after the source refused; SBM NULL",
    instances: [
      view(P, mariadb(P)),
      view(
        R1,
        replicaOf(R1, P, {
          channels: [
            channel(P, {
              ioState: "connecting",
              secondsBehind: null,
              lastIoErrno: 2003,
              lastIoError: IO_ERROR,
            }),
          ],
        }),
      ),
    ],
    detail: R1,
  },
  {
    name: "sql-stopped-with-error",
    about: "SQL thread stopped on a duplicate key",
    instances: [
      view(P, mariadb(P)),
      view(
        R1,
        replicaOf(R1, P, {
          channels: [
            channel(P, {
              sqlRunning: false,
              secondsBehind: null,
              lastSqlErrno: 1062,
              lastSqlError: SQL_ERROR,
            }),
          ],
        }),
      ),
    ],
    detail: R1,
  },
  {
    name: "unreachable-refused",
    about: "primary refuses connections; its last known tokens stay, replicas lose their IO thread",
    instances: [
      view(P, unreachable(P, "refused"), {
        lastReachable: mariadb(P),
        isLedgerPrimary: true,
        analysis: ["DeadPrimary"],
      }),
      view(R1, replicaOf(R1, P, { channels: [channel(P, { ioState: "connecting", secondsBehind: null })] })),
    ],
    detail: P,
  },
  {
    name: "unreachable-timeout-never-seen",
    about: "a replica whose probe times out and that was never reached: only what is known",
    instances: [...healthy(), view(R3, unreachable(R3, "timeout"), { stateAgeMs: 1_200 })],
    detail: R3,
  },
  {
    name: "stale-agent",
    about: "agent dead, its last state 12 s old: unknown/unchecked with stale:12s and agent:dead",
    instances: [view(P, mariadb(P)), view(R1, replicaOf(R1, P), { agentStatus: "dead", stateAgeMs: 12_400 })],
    detail: R1,
  },
  {
    name: "suspect-and-no-agent",
    about: "one agent suspect; one server seen only as a source, with no agent and no probe",
    instances: [
      view(P, null, { nodeId: null, agentStatus: "none", stateAgeMs: 0 }),
      view(R1, replicaOf(R1, P), { agentStatus: "suspect" }),
    ],
    detail: P,
  },
  {
    name: "downtimed",
    about: "a replica in downtime for a backup, SQL thread stopped by the backup",
    instances: [
      view(P, mariadb(P)),
      view(R1, replicaOf(R1, P, { channels: [channel(P, { sqlRunning: false, secondsBehind: null })] }), {
        downtime: { untilWallMs: WALL_MS + 2 * 3_600_000, owner: "alice", reason: "nightly backup" },
      }),
    ],
    detail: R1,
  },
  {
    name: "errant-gtid",
    about: "a replica with a transaction the primary never had",
    instances: [
      view(P, mariadb(P)),
      view(R1, replicaOf(R1, P), { errantGtids: "0-23307-5", analysis: ["ErrantGTID"] }),
    ],
    detail: R1,
  },
  {
    name: "multi-source",
    about: "a replica of two primaries: under the first channel's source, the other noted",
    instances: [
      view(P, mariadb(P)),
      view(R1, mariadb(R1), { isLedgerPrimary: false }),
      view(
        R2,
        replicaOf(R2, P, { channels: [channel(P), channel(R1, { name: "reports", secondsBehind: 3 })] }),
      ),
    ],
    detail: R2,
  },
  {
    name: "chained-three-levels",
    about: "primary -> intermediate -> intermediate -> leaf",
    instances: [
      view(P, mariadb(P)),
      view(R1, replicaOf(R1, P)),
      view(R2, replicaOf(R2, R1)),
      view(R3, replicaOf(R3, R2, { logReplicaUpdates: false })),
    ],
  },
  {
    name: "co-primary-cycle",
    about: "two primaries replicating from each other, one replica under the second",
    instances: [
      view(P, replicaOf(P, R1, { readOnly: false }), { isLedgerPrimary: true }),
      view(R1, replicaOf(R1, P)),
      view(R2, replicaOf(R2, R1)),
    ],
  },
  {
    name: "unknown-source-and-report-host",
    about: "one replica names its source by report_host; another replicates from outside the cluster",
    instances: [
      view(P, mariadb(P, { reportHost: "db-primary.example", reportPort: 3306 })),
      view(R1, replicaOf(R1, "db-primary.example:3306")),
      view(R2, replicaOf(R2, "10.9.9.9:3306")),
    ],
  },
  {
    name: "mysql-8.4",
    about: "MySQL 8.4 with gtid_mode ON, semi-sync on both ends, super_read_only replica",
    instances: [view(P, mysql84(P, null)), view(R1, mysql84(R1, P))],
    detail: R1,
  },
];
