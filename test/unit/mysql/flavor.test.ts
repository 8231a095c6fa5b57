import { describe, expect, test } from "bun:test";
import {
  atLeast,
  dialectFor,
  parseServerVersion,
  probeStatements,
  SEMI_SYNC_NEW_NAMES,
  SEMI_SYNC_OLD_NAMES,
  type ServerVersion,
} from "../../../src/mysql/flavor.ts";

function version(v: string, comment: string): ServerVersion {
  const r = parseServerVersion(v, comment);
  if (!r.ok) throw new Error(`unparsed ${v}`);
  return r.value;
}

describe("parseServerVersion", () => {
  test.each([
    ["10.11.6-MariaDB-0+deb12u1-log", "Debian 12", "mariadb", [10, 11, 6]],
    ["5.5.5-10.4.32-MariaDB", "mariadb.org binary distribution", "mariadb", [10, 4, 32]],
    ["11.4.2-MariaDB", "MariaDB Server", "mariadb", [11, 4, 2]],
    ["8.0.36-28", "Percona Server (GPL), Release 28, Revision 47601f19", "percona", [8, 0, 36]],
    ["5.7.44-48-log", "Percona Server (GPL), Release 48, Revision 497f936a373", "percona", [5, 7, 44]],
    ["8.4.3", "MySQL Community Server - GPL", "mysql", [8, 4, 3]],
    ["5.7.44-log", "MySQL Community Server (GPL)", "mysql", [5, 7, 44]],
  ] as const)("%s → %s %p", (v, comment, flavor, numbers) => {
    const r = version(v, comment);
    expect(r.flavor).toBe(flavor);
    expect(r.versionNumbers).toEqual([...numbers]);
    expect(r.version).toBe(v);
  });

  test("unparseable and too-old versions are a typed error", () => {
    expect(parseServerVersion("garbage", "")).toEqual({
      ok: false,
      error: { code: "mysql.unknown-version", version: "garbage", versionComment: "" },
    });
    expect(parseServerVersion("5.5.62-log", "MySQL Community Server (GPL)").ok).toBe(false);
    expect(parseServerVersion("5.6.5", "MySQL Community Server (GPL)").ok).toBe(true);
  });

  test("atLeast compares numerically, not as text", () => {
    expect(atLeast([8, 0, 9], 8, 0, 22)).toBe(false);
    expect(atLeast([8, 0, 22], 8, 0, 22)).toBe(true);
    expect(atLeast([8, 1, 0], 8, 0, 22)).toBe(true);
    expect(atLeast([10, 0, 0], 8, 4, 0)).toBe(true);
  });
});

describe("dialectFor", () => {
  test.each([
    ["5.7.44", "SHOW SLAVE STATUS", "SHOW MASTER STATUS", true, "log_slave_updates"],
    ["8.0.21", "SHOW SLAVE STATUS", "SHOW MASTER STATUS", true, "log_slave_updates"],
    ["8.0.22", "SHOW REPLICA STATUS", "SHOW MASTER STATUS", true, "log_slave_updates"],
    ["8.0.26", "SHOW REPLICA STATUS", "SHOW MASTER STATUS", true, "log_replica_updates"],
    ["8.4.3", "SHOW REPLICA STATUS", "SHOW BINARY LOG STATUS", true, "log_replica_updates"],
    ["5.7.7", "SHOW SLAVE STATUS", "SHOW MASTER STATUS", false, "log_slave_updates"],
  ] as const)("MySQL %s", (v, replicaSql, binlogSql, superReadOnly, logVar) => {
    const d = dialectFor(version(v, "MySQL Community Server - GPL"));
    expect(d.replicaStatusSql).toBe(replicaSql);
    expect(d.binlogStatusSql).toBe(binlogSql);
    expect(d.hasSuperReadOnly).toBe(superReadOnly);
    expect(d.logReplicaUpdatesVariable).toBe(logVar);
    expect(d.channelNameColumn).toBe("Channel_Name");
  });

  test("MariaDB lists every multi-source connection and never gets MySQL 8.4 syntax", () => {
    const d = dialectFor(version("10.11.6-MariaDB-0+deb12u1-log", "Debian 12"));
    expect(d.replicaStatusSql).toBe("SHOW ALL SLAVES STATUS");
    expect(d.binlogStatusSql).toBe("SHOW MASTER STATUS");
    expect(d.channelNameColumn).toBe("Connection_name");
    expect(d.hasSuperReadOnly).toBe(false);
    expect(d.semiSyncNames).toEqual([SEMI_SYNC_OLD_NAMES]);
    expect(d.semiSyncBuiltIn).toBe(true);
    expect(dialectFor(version("10.2.44-MariaDB", "")).semiSyncBuiltIn).toBe(false);
  });

  test("semi-sync names: new family preferred from MySQL 8.0.26, old only before", () => {
    expect(dialectFor(version("8.0.25", "")).semiSyncNames).toEqual([SEMI_SYNC_OLD_NAMES]);
    expect(dialectFor(version("8.0.26", "")).semiSyncNames).toEqual([
      SEMI_SYNC_NEW_NAMES,
      SEMI_SYNC_OLD_NAMES,
    ]);
  });

  test("MySQL 5.6 has no channels column", () => {
    expect(dialectFor(version("5.6.36-log", "")).channelNameColumn).toBeNull();
  });
});

describe("probeStatements", () => {
  test("MariaDB reads its GTID positions and no MySQL-only variables", () => {
    const s = probeStatements(version("10.11.6-MariaDB-log", ""));
    for (const v of [
      "gtid_binlog_pos",
      "gtid_current_pos",
      "gtid_slave_pos",
      "gtid_strict_mode",
      "gtid_domain_id",
    ]) {
      expect(s.variables).toContain(`@@${v} AS ${v}`);
    }
    expect(s.variables).not.toContain("super_read_only");
    expect(s.variables).not.toContain("server_uuid");
    expect(s.variables).not.toContain("gtid_mode");
    expect(s.variables.startsWith("SELECT ")).toBe(true);
  });

  test("MySQL reads uuid, gtid_mode, gtid_executed and super_read_only", () => {
    const s = probeStatements(version("8.0.36", "MySQL Community Server - GPL"));
    expect(s.variables).toContain("@@server_uuid AS server_uuid");
    expect(s.variables).toContain("@@gtid_executed AS gtid_executed");
    expect(s.variables).toContain("@@super_read_only AS super_read_only");
    expect(s.variables).toContain("@@log_replica_updates AS log_replica_updates");
    expect(s.variables).not.toContain("gtid_binlog_pos");
  });
});
