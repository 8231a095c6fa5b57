// The SQL keel sends to change a server, per flavor and version: exact text, values kept apart
// from the SQL, and passwords never in the display form.
import { describe, expect, test } from "bun:test";
import { format } from "mysql2";
import { type ServerVersion, parseServerVersion } from "../../../src/mysql/flavor.ts";
import {
  type ActionDialect,
  actionDialectFor,
  type ChangeSourceSpec,
  changeSource,
  HEARTBEAT_PERIOD_SECONDS_MAX,
  heartbeatStatements,
  readOnlyState,
  readWaitResult,
  replicaStatus,
  resetReplicationAll,
  SOURCE_HOST_CHARS_MAX,
  setReadOnly,
  setSemiSync,
  startReplication,
  startReplicationSql,
  stopReplication,
  stopReplicationIo,
  waitForGtid,
} from "../../../src/mysql/statements.ts";
import { secretValuesOf } from "../../../src/mysql/statements-sql.ts";

function version(text: string, comment = "Source distribution"): ServerVersion {
  const v = parseServerVersion(text, comment);
  if (!v.ok) throw new Error(`bad version ${text}`);
  return v.value;
}

const D = {
  mariadb106: actionDialectFor(version("10.6.16-MariaDB-log")),
  mariadb1011: actionDialectFor(version("10.11.19-MariaDB-0+deb12u1-log")),
  mysql56: actionDialectFor(version("5.6.51-log")),
  mysql57: actionDialectFor(version("5.7.44-log")),
  mysql8021: actionDialectFor(version("8.0.21")),
  mysql8022: actionDialectFor(version("8.0.22")),
  mysql8035: actionDialectFor(version("8.0.35")),
  mysql84: actionDialectFor(version("8.4.3")),
  percona80: actionDialectFor(version("8.0.36-28", "Percona Server (GPL), Release 28")),
} satisfies Record<string, ActionDialect>;

const SPEC: ChangeSourceSpec = {
  host: "db2.example",
  port: 3306,
  user: "repl",
  password: "s3cret'pw\\x",
  connectRetrySeconds: 1,
  heartbeatPeriodSeconds: 0.5,
  demoteToReplica: false,
};

function changeSql(d: ActionDialect, spec: Partial<ChangeSourceSpec> = {}): string[] {
  const r = changeSource(d, { ...SPEC, ...spec });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.map((s) => s.display);
}

describe("replication verbs per dialect", () => {
  test.each([
    [
      "mariadb1011",
      "STOP SLAVE",
      "STOP SLAVE IO_THREAD",
      "START SLAVE",
      "START SLAVE SQL_THREAD",
      "RESET SLAVE ALL",
      "SHOW SLAVE STATUS",
    ],
    [
      "mysql57",
      "STOP SLAVE",
      "STOP SLAVE IO_THREAD",
      "START SLAVE",
      "START SLAVE SQL_THREAD",
      "RESET SLAVE ALL",
      "SHOW SLAVE STATUS",
    ],
    [
      "mysql8021",
      "STOP SLAVE",
      "STOP SLAVE IO_THREAD",
      "START SLAVE",
      "START SLAVE SQL_THREAD",
      "RESET SLAVE ALL",
      "SHOW SLAVE STATUS",
    ],
    [
      "mysql8022",
      "STOP REPLICA",
      "STOP REPLICA IO_THREAD",
      "START REPLICA",
      "START REPLICA SQL_THREAD",
      "RESET REPLICA ALL",
      "SHOW REPLICA STATUS",
    ],
    [
      "mysql84",
      "STOP REPLICA",
      "STOP REPLICA IO_THREAD",
      "START REPLICA",
      "START REPLICA SQL_THREAD",
      "RESET REPLICA ALL",
      "SHOW REPLICA STATUS",
    ],
  ] as const)("%s", (name, stop, stopIo, start, startSql, reset, status) => {
    const d = D[name];
    expect([
      stopReplication(d).sql,
      stopReplicationIo(d).sql,
      startReplication(d).sql,
      startReplicationSql(d).sql,
      resetReplicationAll(d).sql,
      replicaStatus(d).sql,
    ]).toEqual([stop, stopIo, start, startSql, reset, status]);
  });
});

describe("read_only", () => {
  test("MariaDB has no super_read_only: one statement each way", () => {
    expect(setReadOnly(D.mariadb1011, true).map((s) => s.sql)).toEqual(["SET GLOBAL read_only = ON"]);
    expect(setReadOnly(D.mariadb1011, false).map((s) => s.sql)).toEqual(["SET GLOBAL read_only = OFF"]);
    expect(readOnlyState(D.mariadb1011).sql).toBe("SELECT @@global.read_only AS read_only");
  });

  test("MySQL ≥ 5.7.8: read_only then super_read_only on; super_read_only first off", () => {
    for (const d of [D.mysql57, D.mysql8035, D.mysql84, D.percona80]) {
      expect(setReadOnly(d, true).map((s) => s.sql)).toEqual([
        "SET GLOBAL read_only = ON",
        "SET GLOBAL super_read_only = ON",
      ]);
      expect(setReadOnly(d, false).map((s) => s.sql)).toEqual([
        "SET GLOBAL super_read_only = OFF",
        "SET GLOBAL read_only = OFF",
      ]);
      expect(readOnlyState(d).sql).toContain("@@global.super_read_only AS super_read_only");
    }
  });

  test("MySQL 5.6 predates super_read_only", () => {
    expect(setReadOnly(D.mysql56, true).map((s) => s.sql)).toEqual(["SET GLOBAL read_only = ON"]);
    expect(readOnlyState(D.mysql56).sql).not.toContain("super_read_only");
  });
});

describe("changeSource", () => {
  const opts =
    "HOST='db2.example', PORT=3306, USER='repl', PASSWORD='***', CONNECT_RETRY=1, HEARTBEAT_PERIOD=0.5";
  const master = opts.replace(/(^|, )/g, "$1MASTER_");
  const source = opts.replace(/(^|, )/g, "$1SOURCE_");

  test.each([
    ["mariadb1011", [`CHANGE MASTER TO ${master}, MASTER_USE_GTID=slave_pos`]],
    ["mariadb106", [`CHANGE MASTER TO ${master}, MASTER_USE_GTID=slave_pos`]],
    ["mysql56", [`CHANGE MASTER TO ${master}, MASTER_AUTO_POSITION=1`]],
    ["mysql57", [`CHANGE MASTER TO ${master}, MASTER_AUTO_POSITION=1`]],
    ["mysql8022", [`CHANGE MASTER TO ${master}, MASTER_AUTO_POSITION=1, GET_MASTER_PUBLIC_KEY=1`]],
    [
      "mysql8035",
      [`CHANGE REPLICATION SOURCE TO ${source}, SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1`],
    ],
    ["mysql84", [`CHANGE REPLICATION SOURCE TO ${source}, SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1`]],
  ] as const)("%s repoint", (name, expected) => {
    expect(changeSql(D[name])).toEqual([...expected]);
  });

  test("demoting on MariaDB 10.10+ asks CHANGE MASTER to adopt the binlog position", () => {
    expect(changeSql(D.mariadb1011, { demoteToReplica: true })).toEqual([
      `CHANGE MASTER TO ${master}, MASTER_USE_GTID=slave_pos, MASTER_DEMOTE_TO_SLAVE=1`,
    ]);
  });

  test("demoting on older MariaDB adopts gtid_current_pos first", () => {
    expect(changeSql(D.mariadb106, { demoteToReplica: true })).toEqual([
      "SET GLOBAL gtid_slave_pos = @@global.gtid_current_pos",
      `CHANGE MASTER TO ${master}, MASTER_USE_GTID=slave_pos`,
    ]);
  });

  test("MySQL needs no demotion step: auto-position uses gtid_executed", () => {
    expect(changeSql(D.mysql84, { demoteToReplica: true })).toEqual(changeSql(D.mysql84));
  });

  test("values travel apart from the SQL; the driver escapes the password; display masks it", () => {
    const r = changeSource(D.mariadb1011, { ...SPEC, password: "p'; DROP TABLE t; -- \\" });
    if (!r.ok) throw new Error("expected ok");
    const st = r.value[0]!;
    expect(st.sql).not.toContain("DROP");
    expect(st.values).toEqual(["db2.example", 3306, "repl", "p'; DROP TABLE t; -- \\", 1, 0.5]);
    expect(st.display).not.toContain("DROP");
    expect(secretValuesOf(st)).toEqual(["p'; DROP TABLE t; -- \\"]);
    expect(format(st.sql, [...st.values])).toContain("MASTER_PASSWORD='p\\'; DROP TABLE t; -- \\\\'");
  });

  test("heartbeat periods are rounded to the millisecond the servers accept", () => {
    expect(changeSql(D.mariadb1011, { heartbeatPeriodSeconds: 0.12345 })[0]).toContain(
      "MASTER_HEARTBEAT_PERIOD=0.123",
    );
  });

  test.each([
    [{ host: "" }, "host"],
    [{ host: "h".repeat(SOURCE_HOST_CHARS_MAX + 1) }, "host"],
    [{ port: 0 }, "port"],
    [{ port: 65_536 }, "port"],
    [{ port: 3306.5 }, "port"],
    [{ user: "" }, "user"],
    [{ connectRetrySeconds: 0 }, "connectRetrySeconds"],
    [{ heartbeatPeriodSeconds: -1 }, "heartbeatPeriodSeconds"],
    [{ heartbeatPeriodSeconds: HEARTBEAT_PERIOD_SECONDS_MAX + 1 }, "heartbeatPeriodSeconds"],
    [{ heartbeatPeriodSeconds: Number.NaN }, "heartbeatPeriodSeconds"],
  ] as const)("refuses %j", (bad, field) => {
    const r = changeSource(D.mysql84, { ...SPEC, ...bad });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "mysql.invalid-change-source", field });
  });

  test("accepts values at the limits", () => {
    const r = changeSource(D.mysql84, {
      ...SPEC,
      host: "h".repeat(SOURCE_HOST_CHARS_MAX),
      port: 65_535,
      heartbeatPeriodSeconds: HEARTBEAT_PERIOD_SECONDS_MAX,
    });
    expect(r.ok).toBe(true);
  });
});

describe("waiting for a GTID position", () => {
  test("MariaDB MASTER_GTID_WAIT takes fractional seconds", () => {
    const st = waitForGtid(D.mariadb1011, "0-1-42,1-2-7", 2.5);
    expect(st.sql).toBe("SELECT MASTER_GTID_WAIT(?, ?) AS result");
    expect(st.values).toEqual(["0-1-42,1-2-7", 2.5]);
    expect(st.display).toBe("SELECT MASTER_GTID_WAIT('0-1-42,1-2-7', 2.5) AS result");
  });

  test("MySQL WAIT_FOR_EXECUTED_GTID_SET gets whole seconds, at least one", () => {
    const gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";
    expect(waitForGtid(D.mysql84, gtid, 2.2).display).toBe(
      `SELECT WAIT_FOR_EXECUTED_GTID_SET('${gtid}', 3) AS result`,
    );
    expect(waitForGtid(D.mysql57, gtid, 0.1).values).toEqual([gtid, 1]);
    expect(waitForGtid(D.mysql56, gtid, 1).sql).toBe(
      "SELECT WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS(?, ?) AS result",
    );
  });

  test.each([
    ["mariadb1011", 0, "reached"],
    ["mariadb1011", -1, "timeout"],
    ["mariadb1011", null, "failed"],
    ["mysql84", 0, "reached"],
    ["mysql84", "1", "timeout"],
    ["mysql84", 2, "failed"],
    ["mysql56", 17, "reached"],
    ["mysql56", -1, "timeout"],
    ["mysql56", null, "failed"],
  ] as const)("%s result %p means %s", (name, value, outcome) => {
    expect(readWaitResult(D[name], value)).toBe(outcome);
  });
});

describe("semi-sync and the heartbeat", () => {
  test("each family's variable names", () => {
    expect(setSemiSync(D.mariadb1011, "source", true).sql).toBe(
      "SET GLOBAL rpl_semi_sync_master_enabled = ON",
    );
    expect(setSemiSync(D.mysql57, "replica", false).sql).toBe("SET GLOBAL rpl_semi_sync_slave_enabled = OFF");
    expect(setSemiSync(D.mysql84, "source", true).sql).toBe("SET GLOBAL rpl_semi_sync_source_enabled = ON");
    expect(setSemiSync(D.mysql84, "replica", true).sql).toBe("SET GLOBAL rpl_semi_sync_replica_enabled = ON");
  });

  test("the heartbeat upserts this server's row in keel.heartbeat", () => {
    const hb = heartbeatStatements();
    expect(hb.upsert.sql).toContain(
      "INSERT INTO keel.heartbeat (server_id, written_at) VALUES (@@server_id, NOW(6))",
    );
    expect(hb.createTable.sql).toContain("CREATE TABLE IF NOT EXISTS keel.heartbeat");
  });
});
