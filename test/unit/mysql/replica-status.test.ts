import { describe, expect, test } from "bun:test";
import { dialectFor, parseServerVersion } from "../../../src/mysql/flavor.ts";
import {
  parseIoState,
  parseReplicaStatusRow,
  parseReplicaStatusRows,
  type StatusRow,
} from "../../../src/mysql/replica-status.ts";
import { loadFixture, rowsOf, VERSION_SQL } from "./load-fixture.ts";

function only(rows: StatusRow[]) {
  const r = parseReplicaStatusRows(rows);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  expect(r.value).toHaveLength(1);
  return r.value[0]!;
}

/** The statement the probe would send to the fixture's server, per its version row. */
function replicaSqlOf(file: string): string {
  const f = loadFixture(file);
  const v = rowsOf(f, VERSION_SQL)[0]!;
  const parsed = parseServerVersion(String(v.version), String(v.version_comment));
  if (!parsed.ok) throw new Error("fixture version unparsed");
  return dialectFor(parsed.value).replicaStatusSql;
}

describe("recorded MySQL outputs", () => {
  test("MySQL 5.7 (Master_/Slave_ names, Channel_name) → typed channel", () => {
    const sql = replicaSqlOf("mysql-5.7-replica-healthy.json");
    expect(sql).toBe("SHOW SLAVE STATUS");
    const c = only(rowsOf(loadFixture("mysql-5.7-replica-healthy.json"), sql));
    expect(c).toEqual({
      name: "",
      sourceHost: "localhost",
      sourcePort: 13000,
      sourceServerId: 1,
      ioState: "yes",
      sqlRunning: true,
      secondsBehind: 0,
      retrievedGtidSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5",
      executedGtidSet: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5",
      gtidAutoPosition: true,
      mariadbUsingGtid: null,
      sourceLogFile: "source-bin.000002",
      readSourceLogPos: 1307,
      relaySourceLogFile: "source-bin.000002",
      execSourceLogPos: 1307,
      lastIoErrno: 0,
      lastIoError: "",
      lastSqlErrno: 0,
      lastSqlError: "",
      sqlDelaySeconds: 0,
      heartbeatPeriodSeconds: null,
      connectRetrySeconds: 60,
    });
  });

  test.each([
    "mysql-8.0-replica-healthy.json",
    "percona-8.0-replica-healthy.json",
    "mysql-8.4-replica-healthy.json",
  ])("%s (8.0.22+ Source_/Replica_ names) → typed channel", (file) => {
    const sql = replicaSqlOf(file);
    expect(sql).toBe("SHOW REPLICA STATUS");
    const c = only(rowsOf(loadFixture(file), sql));
    expect(c.sourceHost).toBe("127.0.0.1");
    expect(c.sourcePort).toBe(13000);
    expect(c.sourceServerId).toBe(1);
    expect(c.ioState).toBe("yes");
    expect(c.sqlRunning).toBe(true);
    expect(c.secondsBehind).toBe(0);
    expect(c.sourceLogFile).toBe("master-bin.000001");
    expect(c.readSourceLogPos).toBe(927);
    expect(c.execSourceLogPos).toBe(927);
    expect(c.retrievedGtidSet).toBe("73f86016-978b-11ee-ade5-8d2a2a562feb:1-3");
    expect(c.executedGtidSet).toBe("73f86016-978b-11ee-ade5-8d2a2a562feb:1-3");
    expect(c.gtidAutoPosition).toBe(true);
    expect(c.connectRetrySeconds).toBe(1);
    expect(c.mariadbUsingGtid).toBeNull();
  });

  test("MySQL 5.6 (no Channel_name, empty GTID sets, Auto_Position 0)", () => {
    const sql = replicaSqlOf("mysql-5.6-replica-healthy.json");
    const c = only(rowsOf(loadFixture("mysql-5.6-replica-healthy.json"), sql));
    expect(c.name).toBe("");
    expect(c.gtidAutoPosition).toBe(false);
    expect(c.retrievedGtidSet).toBe("");
    expect(c.sourceHost).toBe("master");
    expect(c.readSourceLogPos).toBe(325);
  });

  test("old MySQL replica whose IO thread cannot connect: no/IO error/lag unknown, optional columns defaulted", () => {
    const c = only(rowsOf(loadFixture("mysql-5.1-replica-io-error.json"), "SHOW SLAVE STATUS"));
    expect(c.ioState).toBe("no");
    expect(c.sqlRunning).toBe(true);
    expect(c.secondsBehind).toBeNull();
    expect(c.lastIoErrno).toBe(2013);
    expect(c.lastIoError).toContain("error connecting to master");
    expect(c.sourceServerId).toBe(0);
    expect(c.gtidAutoPosition).toBe(false);
    expect(c.sqlDelaySeconds).toBe(0);
  });
});

describe("recorded MariaDB 10.11 outputs", () => {
  const sql = "SHOW ALL SLAVES STATUS";

  test("healthy GTID replica: Gtid_IO_Pos is the retrieved set, gtid_slave_pos the executed set", () => {
    const rows = rowsOf(loadFixture("mariadb-10.11-replica-healthy.json"), sql);
    const r = parseReplicaStatusRows(rows, { mariadbGtidSlavePos: "0-1-3" });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const c = r.value[0]!;
    expect(c.ioState).toBe("yes");
    expect(c.sqlRunning).toBe(true);
    expect(c.secondsBehind).toBe(0);
    expect(c.retrievedGtidSet).toBe("0-1-3");
    expect(c.executedGtidSet).toBe("0-1-3");
    expect(c.mariadbUsingGtid).toBe("Slave_Pos");
    expect(c.gtidAutoPosition).toBe(true);
    expect(c.sourcePort).toBe(25900);
    expect(c.sourceServerId).toBe(1);
    expect(c.heartbeatPeriodSeconds).toBe(30);
  });

  test("primary killed: IO 'Connecting' → connecting, with the last IO error; other connection unaffected", () => {
    const r = parseReplicaStatusRows(rowsOf(loadFixture("mariadb-10.11-replica-io-error.json"), sql));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.map((c) => [c.name, c.ioState, c.sqlRunning])).toEqual([
      ["", "connecting", true],
      ["from3", "yes", true],
    ]);
    expect(r.value[0]!.lastIoErrno).toBe(2003);
    expect(r.value[0]!.lastIoError).toContain("Connection refused");
    expect(r.value[0]!.secondsBehind).toBeNull();
  });

  test("SQL thread stopped on a duplicate key: sql no, errno 1062, lag unknown", () => {
    const c = only(rowsOf(loadFixture("mariadb-10.11-replica-sql-error.json"), sql));
    expect(c.ioState).toBe("yes");
    expect(c.sqlRunning).toBe(false);
    expect(c.lastSqlErrno).toBe(1062);
    expect(c.lastSqlError).toContain("Duplicate entry");
    expect(c.secondsBehind).toBeNull();
  });

  test("multi-source: every connection, named by Connection_name, default first", () => {
    const rows = rowsOf(loadFixture("mariadb-10.11-replica-multi-source.json"), sql);
    const r = parseReplicaStatusRows([...rows].reverse());
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.map((c) => [c.name, c.sourcePort])).toEqual([
      ["", 25900],
      ["from3", 25902],
    ]);
  });

  test("SHOW SLAVE STATUS (no Connection_name column) parses as the default channel", () => {
    const c = only(rowsOf(loadFixture("mariadb-10.11-replica-healthy.json"), "SHOW SLAVE STATUS"));
    expect(c.name).toBe("");
    expect(c.ioState).toBe("yes");
  });
});

describe("bad rows are typed errors, not crashes", () => {
  const good = rowsOf(loadFixture("mysql-8.4-replica-healthy.json"), "SHOW REPLICA STATUS")[0]!;

  test("every missing required column is reported at once", () => {
    const { Source_Host: _h, Replica_IO_Running: _io, ...rest } = good;
    expect(parseReplicaStatusRow(rest)).toEqual({
      ok: false,
      error: {
        code: "mysql.replica-status-column",
        channel: "",
        columns: ["Source_Host/Master_Host", "Replica_IO_Running/Slave_IO_Running"],
      },
    });
    expect(parseReplicaStatusRow({}).ok).toBe(false);
  });

  test("an IO state keel does not know", () => {
    const r = parseReplicaStatusRow({ ...good, Replica_IO_Running: "Maybe" });
    expect(r).toEqual({
      ok: false,
      error: {
        code: "mysql.replica-status-value",
        channel: "",
        column: "Replica_IO_Running/Slave_IO_Running",
        value: "Maybe",
      },
    });
  });

  test("a non-numeric port and a bad SQL state", () => {
    expect(parseReplicaStatusRow({ ...good, Source_Port: "x" }).ok).toBe(false);
    expect(parseReplicaStatusRow({ ...good, Replica_SQL_Running: "" }).ok).toBe(false);
  });

  test("one bad row fails the whole read", () => {
    expect(parseReplicaStatusRows([good, { ...good, Replica_IO_Running: "??" }]).ok).toBe(false);
  });
});

describe("details", () => {
  test.each([
    ["Yes", "yes"],
    ["No", "no"],
    ["Connecting", "connecting"],
    ["Preparing", "connecting"],
    ["", null],
  ] as const)("IO %p → %p", (text, state) => {
    expect(parseIoState(text)).toBe(state);
  });

  test("wrapped multi-line GTID sets are joined", () => {
    const good = rowsOf(loadFixture("mysql-8.4-replica-healthy.json"), "SHOW REPLICA STATUS")[0]!;
    const r = parseReplicaStatusRow({ ...good, Executed_Gtid_Set: "a:1-5,\nb:1-2" });
    expect(r.ok && r.value.executedGtidSet).toBe("a:1-5,b:1-2");
  });

  test("numbers from the driver and numbers as text read the same", () => {
    const good = rowsOf(loadFixture("mysql-8.4-replica-healthy.json"), "SHOW REPLICA STATUS")[0]!;
    const asText = parseReplicaStatusRow(good);
    const asNumbers = parseReplicaStatusRow({
      ...good,
      Read_Source_Log_Pos: 927,
      Source_Port: 13000,
      SQL_Delay: 0,
    });
    expect(asNumbers).toEqual(asText);
  });
});
