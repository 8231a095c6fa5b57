// wait-relay-applied on MariaDB: the relay log counts as applied only when gtid_slave_pos holds
// every retrieved GTID (Gtid_IO_Pos). Positions that look caught up, or the SQL thread saying it
// has read all relay log, are not enough: parallel workers may still be applying.
import { describe, expect, test } from "bun:test";
import type { Connection } from "mysql2/promise";
import { AdminConnection } from "../../../../src/mysql/admin-connection.ts";
import { parseServerVersion } from "../../../../src/mysql/flavor.ts";
import type { StatusRow } from "../../../../src/mysql/replica-status.ts";
import { actionDialectFor } from "../../../../src/mysql/statements.ts";
import { runServerStep, type ServerAccess } from "../../../../src/runtime/server-step.ts";
import { loadFixture } from "../../mysql/load-fixture.ts";

const statusRow = (): StatusRow => {
  const f = loadFixture("mariadb-10.11-replica-healthy.json");
  const row = f.results["SHOW SLAVE STATUS"]?.[0];
  if (row === undefined) throw new Error("fixture lacks SHOW SLAVE STATUS");
  // Positions caught up and the state text saying all is read, but ten transactions retrieved.
  return { ...row, Gtid_IO_Pos: "0-1-10" };
};

/** An admin connection whose server answers SHOW SLAVE STATUS and gtid_slave_pos from fakes. */
function connection(slavePos: () => string): { c: AdminConnection; queries: string[] } {
  const queries: string[] = [];
  const conn = {
    query: (o: { sql: string }) => {
      queries.push(o.sql);
      if (/SLAVE STATUS|REPLICA STATUS/i.test(o.sql)) return Promise.resolve([[statusRow()], []]);
      if (/gtid_slave_pos/i.test(o.sql)) return Promise.resolve([[{ gtid: slavePos() }], []]);
      return Promise.reject(new Error(`unexpected statement ${o.sql}`));
    },
    destroy: () => undefined,
  } as unknown as Connection;
  const version = parseServerVersion("10.11.6-MariaDB-log", "mariadb.org binary distribution");
  if (!version.ok) throw new Error("version");
  const dialect = actionDialectFor(version.value);
  return { c: new AdminConnection(conn, "db2", 3306, version.value, dialect, "pw", 1_000), queries };
}

const access: ServerAccess = {
  target: { address: { kind: "tcp", host: "db2", port: 3306 }, user: "keel", password: "pw" },
  replication: { user: "repl", password: "repl" },
  semiSync: false,
};

const step = (boundMs: number) => ({
  action: { kind: "wait-relay-applied" as const, nodeId: "db2" },
  source: null,
  gtid: null,
  boundMs,
});

describe("wait-relay-applied through actions.ts waitRelayApplied", () => {
  test("not applied while gtid_slave_pos lacks retrieved GTIDs, though positions look caught up", async () => {
    const { c, queries } = connection(() => "0-1-8");
    const out = await runServerStep(c, access, step(60));
    expect(out.ok).toBe(false);
    expect(out.detail).toContain("RELAY_LOG_NOT_APPLIED");
    expect(queries.some((q) => /gtid_slave_pos/i.test(q))).toBe(true);
  });

  test("applied once gtid_slave_pos contains everything retrieved", async () => {
    let pos = "0-1-9";
    const { c } = connection(() => pos);
    const waiting = runServerStep(c, access, step(5_000));
    pos = "0-1-10";
    const out = await waiting;
    expect(out.ok).toBe(true);
    expect(out.detail).toContain("relay log applied");
  });
});
