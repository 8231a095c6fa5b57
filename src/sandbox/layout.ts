// Pure planning of a sandbox: which ports, server ids, paths and wiring, and each server's my.cnf.
// No I/O here so the shape of a topology is table-tested without starting anything.
import { SANDBOX_INSTANCES_MAX, SANDBOX_SOCKET_PATH_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { SandboxError, SandboxInstance, SandboxOptions } from "./sandbox-types.ts";

const PORT_MAX = 65_535;

/** Every option problem at once, as one detail line. */
export function validateOptions(o: SandboxOptions): Result<void, SandboxError> {
  const problems: string[] = [];
  if (!Number.isInteger(o.instances) || o.instances < 1 || o.instances > SANDBOX_INSTANCES_MAX)
    problems.push(`--instances must be 1..${SANDBOX_INSTANCES_MAX}, got ${o.instances}`);
  const lastPort = o.basePort + Math.max(0, o.instances - 1);
  if (!Number.isInteger(o.basePort) || o.basePort < 1024 || lastPort > PORT_MAX)
    problems.push(`--base-port must leave ports ${o.basePort}..${lastPort} within 1024..${PORT_MAX}`);
  if (o.chained && o.instances < 3)
    problems.push(`--chained needs at least 3 instances (primary, intermediate, leaf), got ${o.instances}`);
  if (o.dir.trim() === "") problems.push("--dir must not be empty");
  if (problems.length > 0) return err({ code: "sandbox.invalid-options", detail: problems.join("; ") });
  return ok(undefined);
}

export function instanceDirOf(dir: string, port: number): string {
  return `${dir}/node-${port}`;
}

/** The my.cnf beside an instance's datadir. */
export function configFileOf(instance: SandboxInstance): string {
  return instance.datadir.replace(/\/data$/, "/my.cnf");
}

/**
 * Instance i listens on basePort+i with server_id i+1. Instance 0 is the primary; the others
 * replicate from it, except that a chained sandbox hangs the last one off instance 1.
 */
export function planInstances(
  dir: string,
  o: Pick<SandboxOptions, "instances" | "basePort" | "chained">,
): SandboxInstance[] {
  const out: SandboxInstance[] = [];
  for (let i = 0; i < o.instances; i++) {
    const port = o.basePort + i;
    const home = instanceDirOf(dir, port);
    let sourcePort: number | null = i === 0 ? null : o.basePort;
    if (o.chained && i === o.instances - 1 && i >= 2) sourcePort = o.basePort + 1;
    out.push({
      port,
      serverId: i + 1,
      datadir: `${home}/data`,
      socket: `${home}/mariadbd.sock`,
      pidFile: `${home}/mariadbd.pid`,
      errorLog: `${home}/error.log`,
      sourcePort,
    });
  }
  return out;
}

export function checkSocketPaths(instances: readonly SandboxInstance[]): Result<void, SandboxError> {
  for (const inst of instances) {
    if (Buffer.byteLength(inst.socket) > SANDBOX_SOCKET_PATH_MAX)
      return err({ code: "sandbox.path-too-long", path: inst.socket, limit: SANDBOX_SOCKET_PATH_MAX });
  }
  return ok(undefined);
}

export interface MyCnfInput {
  instance: SandboxInstance;
  semiSync: boolean;
  runAsRoot: boolean;
  /** The address the server listens on and reports; chaos-lab hosts use their namespace's own. */
  bindAddress?: string;
}

/**
 * One server's whole configuration; started with --defaults-file so no global config leaks in.
 * Every server starts read_only (a restarted old primary must not take writes by itself);
 * sandboxUp makes only the primary writable. Semi-sync lives here, not in SET GLOBAL, so it
 * survives stop/start.
 */
export function renderMyCnf({
  instance,
  semiSync,
  runAsRoot,
  bindAddress = "127.0.0.1",
}: MyCnfInput): string {
  const isPrimary = instance.sourcePort === null;
  const lines = [
    "# Written by keel sandbox. Started with --defaults-file; nothing else is read.",
    "[mariadbd]",
    ...(runAsRoot ? ["user = root"] : []),
    `datadir = ${instance.datadir}`,
    `socket = ${instance.socket}`,
    `pid-file = ${instance.pidFile}`,
    `log-error = ${instance.errorLog}`,
    `port = ${instance.port}`,
    `bind-address = ${bindAddress}`,
    "skip-name-resolve",
    `server_id = ${instance.serverId}`,
    `report_host = ${bindAddress}`,
    `report_port = ${instance.port}`,
    "log_bin = mariadb-bin",
    "log_bin_index = mariadb-bin.index",
    "relay_log = relay-bin",
    "relay_log_index = relay-bin.index",
    "log_slave_updates = ON",
    "binlog_format = ROW",
    "gtid_strict_mode = ON",
    "read_only = ON",
    "slave_net_timeout = 4",
    "character_set_server = utf8mb4",
    "collation_server = utf8mb4_general_ci",
    "# Small footprint so five servers fit beside everything else on a small machine.",
    "performance_schema = OFF",
    "innodb_buffer_pool_size = 32M",
    "innodb_log_file_size = 8M",
    "innodb_use_native_aio = 0",
    "# A sandbox survives process kills, not host crashes: skip fsyncs for speed.",
    "innodb_flush_log_at_trx_commit = 2",
    "sync_binlog = 0",
    "key_buffer_size = 1M",
    "aria_pagecache_buffer_size = 8M",
    "max_connections = 100",
    "table_open_cache = 256",
    ...(semiSync
      ? [
          isPrimary ? "rpl_semi_sync_master_enabled = ON" : "rpl_semi_sync_slave_enabled = ON",
          "rpl_semi_sync_master_timeout = 1000",
        ]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}
