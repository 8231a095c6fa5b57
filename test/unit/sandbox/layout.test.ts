import { describe, expect, test } from "bun:test";
import { SANDBOX_INSTANCES_MAX, SANDBOX_SOCKET_PATH_MAX } from "../../../src/lib/limits.ts";
import {
  checkSocketPaths,
  configFileOf,
  planInstances,
  renderMyCnf,
  validateOptions,
} from "../../../src/sandbox/layout.ts";

describe("planInstances", () => {
  test("primary on the base port, replicas after it, server ids from 1", () => {
    const plan = planInstances("/s", { instances: 3, basePort: 24000 });
    expect(plan.map((i) => [i.port, i.serverId, i.sourcePort])).toEqual([
      [24000, 1, null],
      [24001, 2, 24000],
      [24002, 3, 24000],
    ]);
    expect(plan[1]).toEqual({
      port: 24001,
      serverId: 2,
      datadir: "/s/node-24001/data",
      socket: "/s/node-24001/mariadbd.sock",
      pidFile: "/s/node-24001/mariadbd.pid",
      errorLog: "/s/node-24001/error.log",
      sourcePort: 24000,
    });
    expect(configFileOf(plan[1]!)).toBe("/s/node-24001/my.cnf");
  });

  test.each([
    [3, [null, 100, 101]],
    [4, [null, 100, 100, 101]],
    [5, [null, 100, 100, 100, 101]],
  ])("chained with %i instances hangs only the last off instance 2", (n, sources) => {
    expect(
      planInstances("/s", { instances: n, basePort: 100, chained: true }).map((i) => i.sourcePort),
    ).toEqual(sources);
  });

  test("a single instance is a lone primary", () => {
    expect(planInstances("/s", { instances: 1, basePort: 100 }).map((i) => i.sourcePort)).toEqual([null]);
  });
});

describe("validateOptions", () => {
  const good = { dir: "/s", instances: 3, basePort: 24000 };
  test("accepts the limits themselves", () => {
    expect(validateOptions({ ...good, instances: 1 }).ok).toBe(true);
    expect(validateOptions({ ...good, instances: SANDBOX_INSTANCES_MAX }).ok).toBe(true);
    expect(validateOptions({ ...good, basePort: 65_535, instances: 1 }).ok).toBe(true);
    expect(validateOptions({ ...good, chained: true }).ok).toBe(true);
  });

  test("reports every problem at once", () => {
    const r = validateOptions({
      dir: " ",
      instances: SANDBOX_INSTANCES_MAX + 1,
      basePort: 65_530,
      chained: false,
    });
    if (r.ok) throw new Error("expected invalid");
    expect(r.error.code).toBe("sandbox.invalid-options");
    if (r.error.code !== "sandbox.invalid-options") return;
    expect(r.error.detail).toContain(`--instances must be 1..${SANDBOX_INSTANCES_MAX}`);
    expect(r.error.detail).toContain("--base-port must leave ports 65530..65539");
    expect(r.error.detail).toContain("--dir must not be empty");
  });

  test.each([
    [{ instances: 0 }, "--instances"],
    [{ instances: 2.5 }, "--instances"],
    [{ basePort: 80 }, "--base-port"],
    [{ instances: 2, chained: true }, "--chained needs at least 3"],
  ])("rejects %j", (patch, words) => {
    const r = validateOptions({ ...good, ...patch });
    expect(r.ok ? "ok" : r.error.code === "sandbox.invalid-options" && r.error.detail).toContain(words);
  });
});

describe("checkSocketPaths", () => {
  test("a socket path at the limit passes; one byte more is path-too-long", () => {
    const fixed = "/node-24000/mariadbd.sock".length;
    const dirAtLimit = `/${"d".repeat(SANDBOX_SOCKET_PATH_MAX - fixed - 1)}`;
    expect(checkSocketPaths(planInstances(dirAtLimit, { instances: 1, basePort: 24000 })).ok).toBe(true);
    const r = checkSocketPaths(planInstances(`${dirAtLimit}x`, { instances: 1, basePort: 24000 }));
    expect(r.ok ? "ok" : r.error.code).toBe("sandbox.path-too-long");
  });
});

describe("renderMyCnf", () => {
  const [primary, replica] = planInstances("/s", { instances: 2, basePort: 24000 });
  const settings = (text: string) =>
    new Map(
      text
        .split("\n")
        .filter((l) => l.includes(" = "))
        .map((l) => l.split(" = ") as [string, string]),
    );

  test("has everything replication and keel rely on, with this instance's own paths and ids", () => {
    const s = settings(renderMyCnf({ instance: replica!, semiSync: false, runAsRoot: true }));
    expect(Object.fromEntries(s)).toMatchObject({
      user: "root",
      datadir: "/s/node-24001/data",
      socket: "/s/node-24001/mariadbd.sock",
      "pid-file": "/s/node-24001/mariadbd.pid",
      "log-error": "/s/node-24001/error.log",
      port: "24001",
      "bind-address": "127.0.0.1",
      server_id: "2",
      report_host: "127.0.0.1",
      report_port: "24001",
      log_bin: "mariadb-bin",
      log_slave_updates: "ON",
      binlog_format: "ROW",
      gtid_strict_mode: "ON",
      read_only: "ON",
      performance_schema: "OFF",
      innodb_buffer_pool_size: "32M",
    });
    expect(renderMyCnf({ instance: replica!, semiSync: false, runAsRoot: true })).toContain(
      "\nskip-name-resolve\n",
    );
  });

  test("the primary starts read-only too; only semi-sync differs by role", () => {
    const p = settings(renderMyCnf({ instance: primary!, semiSync: true, runAsRoot: false }));
    const r = settings(renderMyCnf({ instance: replica!, semiSync: true, runAsRoot: false }));
    expect([p.get("read_only"), p.get("user")]).toEqual(["ON", undefined]);
    expect([p.get("rpl_semi_sync_master_enabled"), p.get("rpl_semi_sync_slave_enabled")]).toEqual([
      "ON",
      undefined,
    ]);
    expect([r.get("rpl_semi_sync_master_enabled"), r.get("rpl_semi_sync_slave_enabled")]).toEqual([
      undefined,
      "ON",
    ]);
    expect(r.get("rpl_semi_sync_master_timeout")).toBe("1000");
    const plain = settings(renderMyCnf({ instance: primary!, semiSync: false, runAsRoot: false }));
    expect([...plain.keys()].filter((k) => k.startsWith("rpl_semi_sync"))).toEqual([]);
  });
});
