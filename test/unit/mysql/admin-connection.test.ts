// What an AdminConnection reports when a statement fails: the server's words for ordinary
// statements (admin password masked), and for a statement carrying a secret never the server's
// words at all, since a syntax error quotes the SQL back escaped and cut at any length.
import { describe, expect, test } from "bun:test";
import type { Connection } from "mysql2/promise";
import { AdminConnection } from "../../../src/mysql/admin-connection.ts";
import { parseServerVersion } from "../../../src/mysql/flavor.ts";
import { actionDialectFor, changeSource, type Statement } from "../../../src/mysql/statements.ts";
import { fixed } from "../../../src/mysql/statements-sql.ts";

const ADMIN_PASSWORD = "adm1n-secret";

function serverError(message: string, errno = 1064, code = "ER_PARSE_ERROR") {
  return Object.assign(new Error(message), { code, errno, sqlState: "42000", fatal: false });
}

function connectionFailingWith(e: unknown): AdminConnection {
  const conn = { query: () => Promise.reject(e), destroy: () => undefined } as unknown as Connection;
  const version = parseServerVersion("10.11.6-MariaDB", "mariadb.org binary distribution");
  if (!version.ok) throw new Error("version");
  const dialect = actionDialectFor(version.value);
  return new AdminConnection(conn, "db2", 3306, version.value, dialect, ADMIN_PASSWORD, 1_000);
}

function changeMasterWith(password: string): Statement {
  const version = parseServerVersion("10.11.6-MariaDB", "");
  if (!version.ok) throw new Error("version");
  const sts = changeSource(actionDialectFor(version.value), {
    host: "db1",
    port: 3306,
    user: "repl",
    password,
    connectRetrySeconds: 1,
    heartbeatPeriodSeconds: 1,
    demoteToReplica: false,
  });
  if (!sts.ok) throw new Error(sts.error.code);
  const last = sts.value.at(-1);
  if (last === undefined) throw new Error("no statement");
  return last;
}

describe("AdminConnection failures", () => {
  // Each echo is what a server could send back about the statement; none may reach the caller.
  const cases: [what: string, password: string, echo: string][] = [
    [
      "escaped quote and backslash",
      "pa'ss\\word",
      "near 'pa\\'ss\\\\word', MASTER_CONNECT_RETRY=1' at line 1",
    ],
    ["a password shorter than 4 characters", "p1", "near 'p1', MASTER_CONNECT_RETRY=1' at line 1"],
    ["a truncated excerpt", "hunter2-long-secret", "near 'hunter2-lo' at line 1"],
  ];
  test.each(cases)(
    "a secret statement's error never carries the server's words: %s",
    async (_, password, echo) => {
      const c = connectionFailingWith(serverError(`You have an error in your SQL syntax; ${echo}`));
      const r = await c.run("repoint", changeMasterWith(password));
      if (r.ok) throw new Error("expected a failure");
      expect(r.error).toMatchObject({ errno: 1064, errorCode: "ER_PARSE_ERROR", action: "repoint" });
      expect(r.error.message).toBe(
        "error 1064 (ER_PARSE_ERROR); the message is withheld because the statement carries a password",
      );
      expect(r.error.statement).toContain("MASTER_PASSWORD='***'");
      const everything = JSON.stringify(r.error);
      expect(everything).not.toContain(echo);
      expect(everything).not.toContain(password);
    },
  );

  test("an ordinary statement keeps the server's first line, the admin password masked in both forms", async () => {
    const c = connectionFailingWith(
      serverError(
        `Variable 'x' can't be set to '${ADMIN_PASSWORD}' or 'adm1n-secret'\nmore`,
        1231,
        "ER_WRONG_VALUE_FOR_VAR",
      ),
    );
    const r = await c.run("fence", fixed("SET GLOBAL read_only = ON"));
    if (r.ok) throw new Error("expected a failure");
    expect(r.error.message).toBe("Variable 'x' can't be set to '***' or '***'");
    expect(r.error.errorCode).toBe("ER_WRONG_VALUE_FOR_VAR");
  });
});
