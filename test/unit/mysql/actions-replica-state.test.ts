// The decisions promote and repoint take from one replica-status answer, on rows recorded from
// real MariaDB 10.11 and MySQL 8.4 servers (test/fixtures/mysql), varied one column at a time.
import { describe, expect, test } from "bun:test";
import {
  isReplicating,
  judgeStart,
  type ReplicaThreads,
  readReplicaThreads,
  relayTailAbandoned,
  replicatesFrom,
} from "../../../src/mysql/actions-replica-state.ts";
import type { StatusRow } from "../../../src/mysql/replica-status.ts";
import { loadFixture, rowsOf } from "./load-fixture.ts";

const mariadbHealthy = rowsOf(loadFixture("mariadb-10.11-replica-healthy.json"), "SHOW SLAVE STATUS")[0]!;
const mariadbSqlError = rowsOf(loadFixture("mariadb-10.11-replica-sql-error.json"), "SHOW SLAVE STATUS")[0]!;
const mariadbIoError = rowsOf(loadFixture("mariadb-10.11-replica-io-error.json"), "SHOW SLAVE STATUS")[0]!;
const mysqlHealthy = rowsOf(loadFixture("mysql-8.4-replica-healthy.json"), "SHOW REPLICA STATUS")[0]!;

function threads(
  row: StatusRow,
  changes: Record<string, string | number | null> = {},
  mariadbGtidSlavePos?: string,
): ReplicaThreads {
  const ctx = mariadbGtidSlavePos === undefined ? {} : { mariadbGtidSlavePos };
  const r = readReplicaThreads([{ ...row, ...changes }], ctx);
  if (!r.ok || r.value === null) throw new Error(`unreadable row: ${JSON.stringify(r)}`);
  return r.value;
}

describe("readReplicaThreads", () => {
  test("no rows: no replication configured", () => {
    expect(readReplicaThreads([])).toEqual({ ok: true, value: null });
  });

  test("a healthy MariaDB replica", () => {
    const t = threads(mariadbHealthy);
    expect(t).toMatchObject({ sourceHost: "127.0.0.1", sourcePort: 25900, ioState: "yes", sqlRunning: true });
    expect(t.relayApplied).toBe(true);
    expect(isReplicating(t)).toBe(true);
  });

  test("a healthy MySQL 8.4 replica (new column names, numbers as text)", () => {
    const t = threads(mysqlHealthy);
    expect(t.ioState).toBe("yes");
    expect(t.relayApplied).toBe(true);
    expect(t.gtidAutoPosition).toBe(true);
  });

  test("executed behind read with the SQL thread stopped: relay log not applied", () => {
    const t = threads(mariadbSqlError);
    expect(t.relayApplied).toBe(false);
    expect(t.positions).toBe("read mysql-bin.000001:967, executed mysql-bin.000001:799");
  });

  test("the SQL thread's 'has read all relay log' alone never passes for applied (review 1, item 8)", () => {
    // Parallel replication: the coordinator says it while workers still apply. Before the fix this
    // was "applied", and promote's STOP + RESET ALL then threw the rest away.
    const mysqlBehind = threads(mysqlHealthy, {
      Executed_Gtid_Set: "73f86016-978b-11ee-ade5-8d2a2a562feb:1",
    });
    expect(mysqlBehind.relayApplied).toBe(false);
    expect(mysqlBehind.unappliedTransactions).toBe(2n);
    expect(mysqlBehind.sqlReadAllRelayLog).toBe(true);
    const mariadbBehind = threads(mariadbHealthy, { Exec_Master_Log_Pos: 700 }, "0-1-1");
    expect(mariadbBehind.relayApplied).toBe(false);
    expect(mariadbBehind.unappliedTransactions).toBe(2n);
  });

  test("GTIDs decide over positions: all retrieved executed is applied whatever the positions say", () => {
    // A transaction the dead source never finished sending moves the read position, not the GTIDs.
    expect(threads(mysqlHealthy, { Exec_Source_Log_Pos: "700" }).relayApplied).toBe(true);
    expect(threads(mariadbHealthy, { Exec_Master_Log_Pos: 700 }, "0-1-3").relayApplied).toBe(true);
    expect(threads(mariadbHealthy, {}, "0-1-3").executedGtid).toBe("0-1-3");
  });

  test("without GTIDs to compare, positions decide, and the state text still does not", () => {
    expect(threads(mariadbHealthy, { Exec_Master_Log_Pos: 700 }).relayApplied).toBe(false); // slave pos not read
    expect(threads(mariadbHealthy).relayApplied).toBe(true);
    const nothingRetrieved = threads(mysqlHealthy, { Retrieved_Gtid_Set: "", Exec_Source_Log_Pos: "700" });
    expect(nothingRetrieved.unappliedTransactions).toBeNull();
    expect(nothingRetrieved.relayApplied).toBe(false);
  });

  test("a trailing transaction the dead source never finished: believed only when receiving stopped, one missing, executed still", () => {
    const cut = { Executed_Gtid_Set: "73f86016-978b-11ee-ade5-8d2a2a562feb:1-2", Replica_IO_Running: "No" };
    const t = threads(mysqlHealthy, cut);
    expect(t.relayApplied).toBe(false);
    expect(relayTailAbandoned(t, 1_000, 1_000)).toBe(true);
    expect(relayTailAbandoned(t, 999, 1_000)).toBe(false); // executed moved recently: workers apply
    expect(
      relayTailAbandoned(threads(mysqlHealthy, { ...cut, Replica_IO_Running: "Connecting" }), 5_000, 1_000),
    ).toBe(false);
    const two = threads(mysqlHealthy, {
      ...cut,
      Executed_Gtid_Set: "73f86016-978b-11ee-ade5-8d2a2a562feb:1",
    });
    expect(relayTailAbandoned(two, 5_000, 1_000)).toBe(false);
    const reading = threads(mysqlHealthy, {
      ...cut,
      Replica_SQL_Running_State: "Waiting for dependent transaction to commit",
    });
    expect(relayTailAbandoned(reading, 5_000, 1_000)).toBe(false);
    const stopped = threads(mysqlHealthy, { ...cut, Replica_SQL_Running: "No" });
    expect(relayTailAbandoned(stopped, 5_000, 1_000)).toBe(false);
  });

  test("a different relay source file is behind whatever the positions say", () => {
    const t = threads(mariadbHealthy, {
      Relay_Master_Log_File: "mysql-bin.000000",
      Exec_Master_Log_Pos: 5_000,
      Slave_SQL_Running_State: "",
    });
    expect(t.relayApplied).toBe(false);
  });

  test("the default channel is chosen among several", () => {
    const named = { ...mariadbHealthy, Connection_name: "other", Master_Port: 1111 };
    const unnamed = { ...mariadbHealthy, Connection_name: "", Master_Port: 2222 };
    const r = readReplicaThreads([named, unnamed]);
    expect(r.ok && r.value?.sourcePort).toBe(2222);
  });

  test("a row missing required columns is an error, not a guess", () => {
    const { Slave_IO_Running: _, ...broken } = mariadbHealthy;
    const r = readReplicaThreads([broken]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("mysql.replica-status-column");
  });
});

describe("replicatesFrom", () => {
  const t = threads(mariadbHealthy);
  test("same host and port, both threads running, GTID positioning", () => {
    expect(replicatesFrom(t, { host: "127.0.0.1", port: 25900 })).toBe(true);
  });
  test.each([
    ["another port", t, { host: "127.0.0.1", port: 25901 }],
    ["another host", t, { host: "10.0.0.1", port: 25900 }],
    ["IO connecting", threads(mariadbIoError), { host: "127.0.0.1", port: 25900 }],
    [
      "file/position replication",
      threads(mariadbHealthy, { Using_Gtid: "No" }),
      { host: "127.0.0.1", port: 25900 },
    ],
    ["nothing configured", null, { host: "127.0.0.1", port: 25900 }],
  ] as const)("not when %s", (_name, threadsSeen, source) => {
    expect(replicatesFrom(threadsSeen, source)).toBe(false);
  });
});

describe("judgeStart", () => {
  test("running", () => {
    expect(judgeStart(threads(mariadbHealthy))).toEqual({ kind: "running" });
  });

  test("IO connecting with an error may still connect: keep waiting", () => {
    const v = judgeStart(threads(mariadbIoError));
    expect(v.kind).toBe("waiting");
    if (v.kind === "waiting") expect(v.detail).toContain("IO connecting");
  });

  test("IO stopped with an error (1236: the source lacks our GTIDs) fails at once", () => {
    const v = judgeStart(
      threads(mariadbIoError, {
        Slave_IO_Running: "No",
        Last_IO_Errno: 1236,
        Last_IO_Error: "not in the master's binlog",
      }),
    );
    expect(v).toEqual({
      kind: "failed",
      errorCode: "REPLICATION_NOT_RUNNING",
      detail: "IO thread error 1236: not in the master's binlog",
    });
  });

  test("SQL thread stopped with an error fails at once", () => {
    const v = judgeStart(threads(mariadbSqlError));
    expect(v.kind).toBe("failed");
    if (v.kind === "failed") expect(v.errorCode).toBe("SQL_THREAD_ERROR");
  });

  test("nothing configured after a start is a failure", () => {
    expect(judgeStart(null).kind).toBe("failed");
  });
});
