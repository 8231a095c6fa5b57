import { describe, expect, test } from "bun:test";
import { parseServerVersion, probeStatements } from "../../../src/mysql/flavor.ts";
import { assembleInstance, parseBoolean, type ProbeReadings } from "../../../src/mysql/instance-assembly.ts";
import type { StatusRow } from "../../../src/mysql/replica-status.ts";
import { type Fixture, loadFixture, rowsOf } from "./load-fixture.ts";

const META = { key: { host: "127.0.0.1", port: 25901 }, probedAtWallMs: 1_000, probeLatencyMs: 2 };

/** A recorded MariaDB fixture holds the rows of exactly the statements the probe sends. */
function readingsOf(f: Fixture): ProbeReadings {
  const selects = Object.keys(f.results).filter((k) => k.startsWith("SELECT"));
  const vars = rowsOf(f, selects[0]!)[0]!;
  const parsed = parseServerVersion(String(vars.version), String(vars.version_comment));
  if (!parsed.ok) throw new Error("bad fixture version");
  const s = probeStatements(parsed.value);
  return {
    variables: rowsOf(f, s.variables)[0]!,
    replicaStatus: rowsOf(f, s.replicaStatus),
    binlogStatus: rowsOf(f, s.binlogStatus),
    semiSyncVariables: rowsOf(f, s.semiSyncVariables),
    semiSyncStatus: rowsOf(f, s.semiSyncStatus),
  };
}

function assemble(file: string) {
  const r = assembleInstance(readingsOf(loadFixture(file)), META);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe("assembleInstance from recorded MariaDB 10.11", () => {
  test("primary: writable, binlog coordinates, GTID positions, semi-sync source active with one client", () => {
    const s = assemble("mariadb-10.11-primary-healthy.json");
    expect(s.reachable).toBe(true);
    expect(s.flavor).toBe("mariadb");
    expect(s.versionNumbers).toEqual([10, 11, 19]);
    expect(s.serverId).toBe(1);
    expect(s.serverUuid).toBeNull();
    expect(s.readOnly).toBe(false);
    expect(s.superReadOnly).toBeNull();
    expect(s.logBin).toBe(true);
    expect(s.gtidMode).toBe("MARIADB");
    expect(s.gtidExecuted).toBe("0-1-3");
    expect(s.mariadbGtid).toEqual({
      binlogPos: "0-1-3",
      binlogState: "0-1-3",
      currentPos: "0-1-3",
      slavePos: "",
      strictMode: false,
      domainId: 0,
    });
    expect(s.binlog).toEqual({ file: "mysql-bin.000001", position: 799 });
    expect(s.channels).toEqual([]);
    expect(s.semiSync).toEqual({
      available: true,
      sourceEnabled: true,
      sourceActive: true,
      replicaEnabled: true,
      replicaActive: false,
      sourceClients: 1,
      sourceTimeoutMs: 10_000,
      waitForReplicaCount: 1,
    });
    expect(s.key).toEqual(META.key);
    expect(s.probeLatencyMs).toBe(2);
  });

  test("replica: one channel whose executed set is @@gtid_slave_pos; semi-sync replica active", () => {
    const s = assemble("mariadb-10.11-replica-healthy.json");
    expect(s.channels).toHaveLength(1);
    expect(s.channels[0]!.executedGtidSet).toBe(s.mariadbGtid!.slavePos);
    expect(s.channels[0]!.executedGtidSet).toBe("0-1-3");
    expect(s.semiSync.replicaEnabled).toBe(true);
    expect(s.semiSync.replicaActive).toBe(true);
  });

  test("IO error and multi-source fixtures assemble with every channel", () => {
    expect(assemble("mariadb-10.11-replica-io-error.json").channels.map((c) => c.ioState)).toEqual([
      "connecting",
      "yes",
    ]);
    const multi = assemble("mariadb-10.11-replica-multi-source.json");
    expect(multi.channels.map((c) => c.name)).toEqual(["", "from3"]);
    expect(multi.mariadbGtid!.slavePos).toBe("0-1-4,3-3-3");
    expect(multi.channels.every((c) => c.executedGtidSet === "0-1-4,3-3-3")).toBe(true);
  });
});

describe("assembleInstance for MySQL", () => {
  const mysqlVars: StatusRow = {
    version: "8.4.3",
    version_comment: "MySQL Community Server - GPL",
    server_id: 2,
    report_host: null,
    report_port: 3306,
    read_only: 1,
    super_read_only: 1,
    log_bin: 1,
    log_replica_updates: 1,
    binlog_format: "ROW",
    server_uuid: "73f86016-978b-11ee-ade5-8d2a2a562feb",
    gtid_mode: "ON",
    gtid_executed: "73f86016-978b-11ee-ade5-8d2a2a562feb:1-3,\n9a2b7c1d-0000-11ef-8000-0242ac120002:1-2",
  };
  const f = loadFixture("mysql-8.4-replica-healthy.json");
  const readings: ProbeReadings = {
    variables: mysqlVars,
    replicaStatus: rowsOf(f, "SHOW REPLICA STATUS"),
    binlogStatus: rowsOf(f, "SHOW BINARY LOG STATUS"),
    semiSyncVariables: [
      { Variable_name: "rpl_semi_sync_replica_enabled", Value: "ON" },
      { Variable_name: "rpl_semi_sync_source_enabled", Value: "OFF" },
      { Variable_name: "rpl_semi_sync_source_timeout", Value: "1000" },
      { Variable_name: "rpl_semi_sync_source_wait_for_replica_count", Value: "2" },
    ],
    semiSyncStatus: [{ Variable_name: "Rpl_semi_sync_replica_status", Value: "ON" }],
  };

  test("8.4 replica with the recorded channel and binlog status", () => {
    const r = assembleInstance(readings, META);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value;
    expect(s.flavor).toBe("mysql");
    expect(s.readOnly).toBe(true);
    expect(s.superReadOnly).toBe(true);
    expect(s.serverUuid).toBe("73f86016-978b-11ee-ade5-8d2a2a562feb");
    expect(s.gtidMode).toBe("ON");
    expect(s.gtidExecuted).toBe(
      "73f86016-978b-11ee-ade5-8d2a2a562feb:1-3,9a2b7c1d-0000-11ef-8000-0242ac120002:1-2",
    );
    expect(s.mariadbGtid).toBeNull();
    expect(s.binlog).toEqual({ file: "source-bin.000002", position: 1307 });
    expect(s.channels[0]!.sourcePort).toBe(13000);
    expect(s.semiSync).toMatchObject({
      available: true,
      replicaEnabled: true,
      replicaActive: true,
      sourceTimeoutMs: 1000,
    });
    expect(s.semiSync.waitForReplicaCount).toBe(2);
  });

  test("binary logging off → no binlog coordinates even if a row came back", () => {
    const r = assembleInstance({ ...readings, variables: { ...mysqlVars, log_bin: 0 } }, META);
    expect(r.ok && r.value.binlog).toBeNull();
  });

  test("a non-boolean read_only and an unknown version are typed errors", () => {
    expect(assembleInstance({ ...readings, variables: { ...mysqlVars, read_only: "maybe" } }, META)).toEqual({
      ok: false,
      error: { code: "mysql.variable", name: "read_only", value: "maybe" },
    });
    const bad = assembleInstance({ ...readings, variables: { ...mysqlVars, version: "x" } }, META);
    expect(!bad.ok && bad.error.code).toBe("mysql.unknown-version");
  });

  test("parseBoolean", () => {
    expect([1, "1", "ON", "on", "YES", 0, "0", "OFF", null, "2"].map(parseBoolean)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      null,
      null,
    ]);
  });
});
