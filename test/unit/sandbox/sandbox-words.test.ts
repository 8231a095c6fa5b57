// The sandbox's errors as people read them, its SQL and its tables.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxMessages } from "../../../src/cli/messages/sandbox.ts";
import { renderError, wordError } from "../../../src/cli/render-error.ts";
import { formatTable, renderStatus, renderUp } from "../../../src/cli/sandbox-render.ts";
import { bootstrapUsersSql } from "../../../src/sandbox/datadir-template.ts";
import { planInstances } from "../../../src/sandbox/layout.ts";
import { changeMasterSql } from "../../../src/sandbox/replication-wiring.ts";
import type { SandboxError } from "../../../src/sandbox/sandbox-types.ts";
import { statusFromRows } from "../../../src/sandbox/sandbox-status.ts";
import {
  errorLogTail,
  findServerPid,
  isServerProcess,
  lastLines,
} from "../../../src/sandbox/server-process.ts";

describe("sandbox error words", () => {
  const samples: SandboxError[] = [
    { code: "sandbox.mariadbd-missing", path: "/m" },
    { code: "sandbox.invalid-options", detail: "d" },
    { code: "sandbox.already-running", dir: "/s", ports: [1] },
    { code: "sandbox.not-found", dir: "/s" },
    { code: "sandbox.state-corrupt", path: "/s/sandbox.json", detail: "d" },
    { code: "sandbox.unknown-port", dir: "/s", port: 9, ports: [1, 2] },
    { code: "sandbox.port-in-use", port: 1 },
    { code: "sandbox.path-too-long", path: "/p", limit: 107 },
    { code: "sandbox.fs-failed", path: "/p", detail: "d" },
    { code: "sandbox.install-failed", detail: "d", logTail: [] },
    { code: "sandbox.start-failed", port: 1, errorLog: "/e", reason: "r", logTail: [] },
    { code: "sandbox.stop-timeout", port: 1, pid: 2, waitedMs: 3 },
    { code: "sandbox.sql-failed", port: 1, action: "a", detail: "d" },
    {
      code: "sandbox.replication-not-running",
      port: 1,
      sourcePort: 2,
      ioRunning: "No",
      sqlRunning: "Yes",
      lastError: "",
    },
  ];

  test("every code has a sample here and words naming a problem and a fix", () => {
    expect(samples.map((e): string => e.code).sort()).toEqual(Object.keys(sandboxMessages).sort());
    for (const e of samples) {
      const w = wordError(e);
      expect(w.problem.length).toBeGreaterThan(10);
      expect(w.fix.length).toBeGreaterThan(10);
      expect(/\.$/.test(w.problem) || /\.$/.test(w.fix)).toBe(false);
    }
  });

  test("missing mariadbd says how to install it, on one line", () => {
    expect(renderError({ code: "sandbox.mariadbd-missing", path: "/usr/sbin/mariadbd" } as never)).toBe(
      "keel: MariaDB server binary not found or not executable at /usr/sbin/mariadbd (sandbox.mariadbd-missing); fix: apt-get install -y mariadb-server",
    );
  });

  test("a failed start names the instance and quotes the error log", () => {
    const line = renderError({
      code: "sandbox.start-failed",
      port: 24001,
      errorLog: "/s/node-24001/error.log",
      reason: "mariadbd exited during startup",
      logTail: ["[ERROR] unknown variable 'x=1'", "[ERROR] Aborting"],
    } as never);
    expect(line).toContain("port 24001 did not start: mariadbd exited during startup");
    expect(line).toContain("[ERROR] unknown variable 'x=1' | [ERROR] Aborting");
    expect(line).toContain("fix: read /s/node-24001/error.log");
    expect(line.includes("\n")).toBe(false);
  });
});

describe("sandbox SQL", () => {
  test("CHANGE MASTER uses GTID slave_pos, fast retry and heartbeat", () => {
    expect(changeMasterSql(24000)).toBe(
      "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=24000, MASTER_USER='repl', MASTER_PASSWORD='repl', " +
        "MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=0.5",
    );
  });

  test("bootstrap creates keel (ALL, GRANT OPTION) on 127.0.0.1 and localhost and repl for replication", () => {
    const sql = bootstrapUsersSql();
    expect(sql.startsWith("FLUSH PRIVILEGES;")).toBe(true);
    expect(sql).toContain("GRANT ALL PRIVILEGES ON *.* TO 'keel'@'127.0.0.1' WITH GRANT OPTION;");
    expect(sql).toContain("GRANT ALL PRIVILEGES ON *.* TO 'keel'@'localhost' WITH GRANT OPTION;");
    expect(sql).toContain("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'127.0.0.1';");
  });
});

describe("status folding and tables", () => {
  const [primary, replica] = planInstances("/s", { instances: 2, basePort: 24000 });

  test("a replica row becomes a replica status", () => {
    const s = statusFromRows(
      replica!,
      77,
      { read_only: 1, gtid_current_pos: "0-1-5" },
      {
        Master_Port: 24000,
        Slave_IO_Running: "Connecting",
        Slave_SQL_Running: "Yes",
        Seconds_Behind_Master: null,
        Last_IO_Error: "cannot connect",
        Last_SQL_Error: "",
      },
    );
    expect(s).toEqual({
      port: 24001,
      serverId: 2,
      pid: 77,
      alive: true,
      reachable: true,
      role: "replica",
      plannedSourcePort: 24000,
      readOnly: true,
      sourcePort: 24000,
      ioRunning: "connecting",
      sqlRunning: true,
      secondsBehind: null,
      gtidCurrentPos: "0-1-5",
      lastError: "cannot connect",
    });
  });

  test("no replica row means primary", () => {
    const s = statusFromRows(primary!, 1, { read_only: 0, gtid_current_pos: "" }, undefined);
    expect([s.role, s.readOnly, s.ioRunning, s.sourcePort, s.lastError]).toEqual([
      "primary",
      false,
      null,
      null,
      null,
    ]);
    expect(renderStatus([s])).toEqual([
      "INSTANCE         PID  STATE  ROLE     RW  SOURCE  IO  SQL  GTID",
      "127.0.0.1:24000  1    up     primary  rw  -       -   -    (empty)",
    ]);
  });

  test("tables pad every column to its widest cell", () => {
    expect(formatTable(["A", "BB"], [["xxx", "y"]])).toEqual(["A    BB", "xxx  y"]);
  });

  test("up names the intermediate of a chained sandbox", () => {
    const instances = planInstances("/s", { instances: 3, basePort: 100, chained: true });
    const lines = renderUp(
      {
        dir: "/s",
        basePort: 100,
        instances,
        ownerPid: 1,
        semiSync: true,
        chained: true,
        createdAtWallMs: 0,
        mariadbd: "m",
      },
      1_234,
    );
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[2])).toEqual(["primary", "intermediate", "replica"]);
    expect(lines[4]).toBe(
      "sandbox up in /s: 3 instances (semi-sync, chained), 1.2 s; admin user 'keel' on 127.0.0.1",
    );
  });
});

describe("server processes and logs", () => {
  test("lastLines keeps the last n non-empty lines", () => {
    expect(lastLines("a\n\nb\nc\n", 2)).toEqual(["b", "c"]);
  });

  test("errorLogTail reads only the end of a large log", () => {
    const dir = mkdtempSync(join(tmpdir(), "keel-unit-log-"));
    try {
      const log = join(dir, "error.log");
      writeFileSync(log, `${"noise line\n".repeat(50_000)}[ERROR] the real reason\n[ERROR] Aborting\n`);
      expect(errorLogTail(log, 2)).toEqual(["[ERROR] the real reason", "[ERROR] Aborting"]);
      expect(errorLogTail(join(dir, "absent.log"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a process is only a server if it runs with that exact defaults file", () => {
    expect(isServerProcess(process.pid, "/nonexistent/my.cnf")).toBe(false);
    expect(findServerPid("/nonexistent/mariadbd.pid", "/nonexistent/my.cnf")).toBeNull();
  });
});
