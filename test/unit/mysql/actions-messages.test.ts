// Every action error renders as one line naming the problem and a fix, reachable through
// allMessages, and no secret survives into it.
import { describe, expect, test } from "bun:test";
import { allMessages } from "../../../src/cli/messages/index.ts";
import { type MysqlActionsError, mysqlActionsMessages } from "../../../src/cli/messages/mysql-actions.ts";
import { renderError } from "../../../src/cli/render-error.ts";
import { ACTION_CODE, type ActionError } from "../../../src/mysql/admin-connection.ts";

function actionError(errorCode: string, errno: number | null = null): ActionError {
  return {
    code: "mysql.action-failed",
    action: "repoint",
    host: "db2",
    port: 3306,
    errno,
    errorCode,
    message: "something happened",
    statement: "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='***'",
  };
}

describe("mysql action messages", () => {
  const samples: MysqlActionsError[] = [
    ...Object.values(ACTION_CODE).map((c) => actionError(c)),
    actionError("ER_SPECIFIC_ACCESS_DENIED_ERROR", 1227),
    actionError("ECONNREFUSED"),
    actionError("ER_SOMETHING_NEW", 9999),
    { code: "mysql.invalid-change-source", field: "port", value: "0" },
  ];

  test.each(samples.map((s) => [s.code, s] as const))("%s has a problem and a fix", (_code, e) => {
    const words = (
      mysqlActionsMessages[e.code] as (x: MysqlActionsError) => { problem: string; fix: string }
    )(e);
    expect(words.problem.length).toBeGreaterThan(10);
    expect(words.fix.length).toBeGreaterThan(10);
    expect(allMessages[e.code]).toBeDefined();
  });

  test("every keel action code has its own fix, not the generic one", () => {
    const generic = mysqlActionsMessages["mysql.action-failed"](actionError("ER_SOMETHING_NEW")).fix;
    for (const c of Object.values(ACTION_CODE)) {
      expect(mysqlActionsMessages["mysql.action-failed"](actionError(c)).fix).not.toBe(generic);
    }
  });

  test("the rendered line names action, server, code, errno and the masked statement", () => {
    const line = renderError(actionError("ER_SPECIFIC_ACCESS_DENIED_ERROR", 1227));
    expect(line).toContain("repoint on db2:3306 failed: ER_SPECIFIC_ACCESS_DENIED_ERROR (1227)");
    expect(line).toContain("MASTER_PASSWORD='***'");
    expect(line).toContain("REPLICATION SLAVE ADMIN");
    expect(line.split("\n")).toHaveLength(1);
  });
});
