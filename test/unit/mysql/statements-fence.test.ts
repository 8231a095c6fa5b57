// The statements fence uses to get past commits stuck waiting for a semi-sync ACK.
import { describe, expect, test } from "bun:test";
import { parseServerVersion } from "../../../src/mysql/flavor.ts";
import {
  actionDialectFor,
  killConnection,
  readThreadIds,
  semiSyncAckWaiters,
  setReadOnlyWithin,
} from "../../../src/mysql/statements.ts";

function dialect(text: string) {
  const v = parseServerVersion(text, "Source distribution");
  if (!v.ok) throw new Error(text);
  return actionDialectFor(v.value);
}

describe("fence's statements", () => {
  test("ACK waiters: both wordings (MariaDB 'slave', MySQL 8.0.26+ 'replica'), never this session", () => {
    const sql = semiSyncAckWaiters().sql.toLowerCase();
    expect(sql).toContain("waiting for semi-sync ack from slave");
    expect(sql).toContain("waiting for semi-sync ack from replica");
    expect(sql).toContain("id <> connection_id()");
  });

  test("thread ids: only positive safe integers survive; a kill is built only for those", () => {
    expect(
      readThreadIds([{ id: 12 }, { id: "13" }, { id: 0 }, { id: -4 }, { id: "x; DROP" }, { id: 2 ** 60 }]),
    ).toEqual([12, 13]);
    expect(killConnection(12)?.sql).toBe("KILL CONNECTION 12");
    expect(killConnection(0)).toBeNull();
    expect(killConnection(1.5)).toBeNull();
  });

  test("a bounded SET: MariaDB per statement, MySQL per session", () => {
    const maria = setReadOnlyWithin(dialect("10.11.19-MariaDB-log"), true, 1).map((s) => s.sql);
    expect(maria.every((s) => s.startsWith("SET STATEMENT lock_wait_timeout=1 FOR SET GLOBAL"))).toBe(true);
    const mysql = setReadOnlyWithin(dialect("8.0.35"), true, 0.2).map((s) => s.sql);
    expect(mysql[0]).toBe("SET SESSION lock_wait_timeout = 1");
    expect(mysql.slice(1).join(";")).toContain("super_read_only");
  });
});
