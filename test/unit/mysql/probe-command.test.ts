import { describe, expect, test } from "bun:test";
import {
  BUILTIN_PROBE_DEFAULTS,
  formatInstanceSummary,
  renderProbeOutcome,
  resolveProbeTarget,
} from "../../../src/cli/probe.ts";
import { renderError } from "../../../src/cli/render-error.ts";
import { runCli } from "../../../src/main.ts";
import type { ReachableInstance, UnreachableInstance } from "../../../src/model/instance-state.ts";

const UNREACHABLE: UnreachableInstance = {
  reachable: false,
  key: { host: "127.0.0.1", port: 25999 },
  probedAtWallMs: 1,
  probeLatencyMs: 1.5,
  reason: "refused",
  errorCode: "ECONNREFUSED",
  message: "connect ECONNREFUSED 127.0.0.1:25999",
};

const REPLICA: ReachableInstance = {
  reachable: true,
  key: { host: "127.0.0.1", port: 25001 },
  probedAtWallMs: 1,
  probeLatencyMs: 1.25,
  flavor: "mariadb",
  version: "10.11.19-MariaDB-0+deb12u1-log",
  versionNumbers: [10, 11, 19],
  versionComment: "Debian 12",
  serverId: 2,
  serverUuid: null,
  reportHost: null,
  reportPort: null,
  readOnly: true,
  superReadOnly: null,
  logBin: true,
  logReplicaUpdates: true,
  binlogFormat: "ROW",
  gtidMode: "MARIADB",
  gtidExecuted: "0-1-4",
  mariadbGtid: {
    binlogPos: "0-1-4",
    binlogState: "",
    currentPos: "0-1-4",
    slavePos: "0-1-4",
    strictMode: true,
    domainId: 0,
  },
  binlog: { file: "mariadb-bin.000001", position: 967 },
  channels: [
    {
      name: "",
      sourceHost: "127.0.0.1",
      sourcePort: 25000,
      sourceServerId: 1,
      ioState: "connecting",
      sqlRunning: true,
      secondsBehind: null,
      retrievedGtidSet: "0-1-4",
      executedGtidSet: "0-1-4",
      gtidAutoPosition: true,
      mariadbUsingGtid: "Slave_Pos",
      sourceLogFile: "mariadb-bin.000001",
      readSourceLogPos: 967,
      relaySourceLogFile: "mariadb-bin.000001",
      execSourceLogPos: 967,
      lastIoErrno: 2003,
      lastIoError: "Can't connect",
      lastSqlErrno: 0,
      lastSqlError: "",
      sqlDelaySeconds: 0,
      heartbeatPeriodSeconds: 0.5,
      connectRetrySeconds: 1,
    },
  ],
  semiSync: {
    available: true,
    sourceEnabled: false,
    sourceActive: false,
    replicaEnabled: true,
    replicaActive: false,
    sourceClients: 0,
    sourceTimeoutMs: 10_000,
    waitForReplicaCount: 1,
  },
};

describe("resolveProbeTarget", () => {
  test("defaults, then env, then flags; the password file's first line only", () => {
    const none = resolveProbeTarget({}, {});
    expect(none).toEqual({
      ok: true,
      value: {
        address: { kind: "tcp", host: BUILTIN_PROBE_DEFAULTS.host, port: 3306 },
        user: "keel",
        password: "",
      },
    });
    const env = resolveProbeTarget(
      { port: 25000 },
      { KEEL_MYSQL_PASSWORD: "from-env", KEEL_MYSQL_USER: "mon" },
    );
    expect(env.ok && env.value).toEqual({
      address: { kind: "tcp", host: "127.0.0.1", port: 25000 },
      user: "mon",
      password: "from-env",
    });
    const file = resolveProbeTarget(
      { passwordFile: "/x", user: "u" },
      { KEEL_MYSQL_PASSWORD: "env" },
      undefined,
      () => "pw\n",
    );
    expect(file.ok && file.value.password).toBe("pw");
    expect(file.ok && file.value.user).toBe("u");
  });

  test("a socket replaces host/port; an unreadable password file is a typed error", () => {
    const s = resolveProbeTarget({ socket: "/run/mysqld.sock" }, {});
    expect(s.ok && s.value.address).toEqual({ kind: "socket", path: "/run/mysqld.sock" });
    const bad = resolveProbeTarget({ passwordFile: "/nonexistent/keel-pw" }, {});
    expect(bad).toEqual({
      ok: false,
      error: { code: "mysql.password-file", path: "/nonexistent/keel-pw", detail: "ENOENT" },
    });
    expect(renderError(bad.ok ? { code: "x" } : bad.error)).toContain("fix: point --password-file");
  });
});

describe("rendering", () => {
  test("human summary names flavor, role, GTIDs, each channel's threads/lag/errors and semi-sync", () => {
    const text = formatInstanceSummary(REPLICA).join("\n");
    expect(text).toContain("127.0.0.1:25001  mariadb 10.11.19-MariaDB-0+deb12u1-log");
    expect(text).toContain("role replica (1 channel(s))");
    expect(text).toContain("read_only ON");
    expect(text).toContain("slave_pos 0-1-4");
    expect(text).toContain(
      'channel "" from 127.0.0.1:25000 (server_id 1): io connecting, sql yes, lag unknown',
    );
    expect(text).toContain("last io error 2003: Can't connect");
    expect(text).toContain("semi-sync source OFF/inactive");
  });

  test("unreachable: JSON mode prints the state and exits 1; human mode is one coded error line", () => {
    const out: string[] = [];
    expect(renderProbeOutcome(UNREACHABLE, true, (t) => out.push(t))).toEqual({ exitCode: 1 });
    expect(JSON.parse(out.join("\n"))).toEqual(UNREACHABLE);
    const human = renderProbeOutcome(UNREACHABLE, false, () => {});
    if (!("error" in human)) throw new Error("expected an error outcome");
    expect(human.exitCode).toBe(1);
    expect(renderError(human.error)).toBe(
      "keel: cannot read 127.0.0.1:25999: refused (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:25999) " +
        "(mysql.unreachable); fix: start the server, or check --host/--port/--socket point at it",
    );
  });

  test("reachable JSON round-trips the InstanceState", () => {
    const out: string[] = [];
    expect(renderProbeOutcome(REPLICA, true, (t) => out.push(t))).toEqual({ exitCode: 0 });
    expect(JSON.parse(out.join("\n"))).toEqual(REPLICA);
  });
});

describe("keel probe end to end against nothing listening", () => {
  test("never prints the password, exits 1, one line", async () => {
    const out: string[] = [];
    const errs: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => errs.push(t),
      env: { KEEL_MYSQL_PASSWORD: "hunter2-secret" },
      isTty: false,
    };
    const code = await runCli(["probe", "--host", "127.0.0.1", "--port", "25998"], io);
    expect(code).toBe(1);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toContain("(mysql.unreachable)");
    expect(errs[0]).toContain("refused");
    expect([...out, ...errs].join("\n")).not.toContain("hunter2-secret");
    const jsonOut: string[] = [];
    const jsonCode = await runCli(["probe", "--json", "--port", "25998"], {
      ...io,
      out: (t) => jsonOut.push(t),
    });
    expect(jsonCode).toBe(1);
    expect(JSON.parse(jsonOut.join("\n"))).toMatchObject({
      reachable: false,
      reason: "refused",
      errorCode: "ECONNREFUSED",
    });
    expect(jsonOut.join("\n")).not.toContain("hunter2-secret");
  });
});
