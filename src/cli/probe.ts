// `keel probe`: read one server once and print what keel sees — a human summary, or the
// InstanceState as JSON. The password comes from a file or KEEL_MYSQL_PASSWORD and is never printed.
import { readFileSync } from "node:fs";
import { err, ok, type Result } from "../lib/result.ts";
import {
  formatInstanceKey,
  type InstanceState,
  type ReachableInstance,
  type ReplicationChannel,
} from "../model/instance-state.ts";
import type { MysqlAddress, ProbeTarget } from "../mysql/connect.ts";
import { probeOnce } from "../mysql/probe.ts";
import { type CommandOutcome, defineCommand, success } from "./command.ts";
import type { MysqlCliError } from "./messages/mysql.ts";

/**
 * Where defaults come from when a flag is absent. Today the built-ins; later `--config` will
 * supply these from the config file (the seam: pass a different ProbeDefaults).
 */
export interface ProbeDefaults {
  host: string;
  port: number;
  user: string;
}

export const BUILTIN_PROBE_DEFAULTS: ProbeDefaults = { host: "127.0.0.1", port: 3306, user: "keel" };

export interface ProbeArgs {
  host?: string;
  port?: number;
  user?: string;
  passwordFile?: string;
  socket?: string;
}

type PasswordFileError = Extract<MysqlCliError, { code: "mysql.password-file" }>;

/** Flags, then environment, then defaults. Reads the password file; never echoes its content. */
export function resolveProbeTarget(
  args: ProbeArgs,
  env: Record<string, string | undefined>,
  defaults: ProbeDefaults = BUILTIN_PROBE_DEFAULTS,
  readText: (path: string) => string = (p) => readFileSync(p, "utf8"),
): Result<ProbeTarget, PasswordFileError> {
  let password = env.KEEL_MYSQL_PASSWORD ?? "";
  if (args.passwordFile !== undefined) {
    try {
      // Only the first line: files written with echo end in a newline that is not part of it.
      password = readText(args.passwordFile).split(/\r?\n/)[0] ?? "";
    } catch (e) {
      const detail = (e as NodeJS.ErrnoException).code ?? "unreadable";
      return err({ code: "mysql.password-file", path: args.passwordFile, detail });
    }
  }
  const address: MysqlAddress =
    args.socket !== undefined
      ? { kind: "socket", path: args.socket }
      : { kind: "tcp", host: args.host ?? defaults.host, port: args.port ?? defaults.port };
  return ok({ address, user: args.user ?? env.KEEL_MYSQL_USER ?? defaults.user, password });
}

const onOff = (b: boolean | null): string => (b === null ? "n/a" : b ? "ON" : "OFF");

function channelLines(c: ReplicationChannel): string[] {
  const lag = c.secondsBehind === null ? "unknown" : `${c.secondsBehind}s`;
  const gtid =
    c.mariadbUsingGtid !== null
      ? `using_gtid ${c.mariadbUsingGtid}`
      : `auto_position ${c.gtidAutoPosition ? 1 : 0}`;
  const lines = [
    `  channel "${c.name}" from ${c.sourceHost}:${c.sourcePort} (server_id ${c.sourceServerId}): ` +
      `io ${c.ioState}, sql ${c.sqlRunning ? "yes" : "no"}, lag ${lag}, ${gtid}`,
    `    read ${c.sourceLogFile}:${c.readSourceLogPos}, executed ${c.relaySourceLogFile}:${c.execSourceLogPos}`,
  ];
  if (c.retrievedGtidSet || c.executedGtidSet) {
    lines.push(`    gtid retrieved ${c.retrievedGtidSet || "-"}, executed ${c.executedGtidSet || "-"}`);
  }
  if (c.lastIoErrno !== 0 || c.lastIoError)
    lines.push(`    last io error ${c.lastIoErrno}: ${c.lastIoError}`);
  if (c.lastSqlErrno !== 0 || c.lastSqlError)
    lines.push(`    last sql error ${c.lastSqlErrno}: ${c.lastSqlError}`);
  return lines;
}

/** The human summary of a reachable server, one fact group per line. */
export function formatInstanceSummary(s: ReachableInstance): string[] {
  const role =
    s.channels.length > 0 ? `replica (${s.channels.length} channel(s))` : "source (replicates from nobody)";
  const lines = [
    `${formatInstanceKey(s.key)}  ${s.flavor} ${s.version} (${s.versionComment})`,
    `  role ${role}, server_id ${s.serverId}, read_only ${onOff(s.readOnly)}, super_read_only ${onOff(s.superReadOnly)}`,
    `  log_bin ${onOff(s.logBin)} (${s.binlogFormat}), log_replica_updates ${onOff(s.logReplicaUpdates)}` +
      (s.binlog ? `, binlog at ${s.binlog.file}:${s.binlog.position}` : ""),
  ];
  if (s.mariadbGtid) {
    const g = s.mariadbGtid;
    lines.push(
      `  gtid binlog_pos ${g.binlogPos || "-"}, current_pos ${g.currentPos || "-"}, slave_pos ${g.slavePos || "-"}, ` +
        `strict ${onOff(g.strictMode)}, domain ${g.domainId}`,
    );
  } else {
    lines.push(`  gtid_mode ${s.gtidMode}, gtid_executed ${s.gtidExecuted || "-"}`);
  }
  for (const c of s.channels) lines.push(...channelLines(c));
  const ss = s.semiSync;
  lines.push(
    ss.available
      ? `  semi-sync source ${onOff(ss.sourceEnabled)}/${ss.sourceActive ? "active" : "inactive"} ` +
          `(clients ${ss.sourceClients}, timeout ${ss.sourceTimeoutMs ?? "-"} ms, wait for ${ss.waitForReplicaCount}), ` +
          `replica ${onOff(ss.replicaEnabled)}/${ss.replicaActive ? "active" : "inactive"}`
      : "  semi-sync not available",
  );
  lines.push(`  probed in ${s.probeLatencyMs.toFixed(1)} ms`);
  return lines;
}

/** What `keel probe` prints and returns for one probed state. */
export function renderProbeOutcome(
  state: InstanceState,
  json: boolean,
  out: (text: string) => void,
): CommandOutcome {
  if (json) {
    out(JSON.stringify(state, null, 2));
    return state.reachable ? success : { exitCode: 1 };
  }
  if (!state.reachable) {
    const error: MysqlCliError = {
      code: "mysql.unreachable",
      target: formatInstanceKey(state.key),
      reason: state.reason,
      errorCode: state.errorCode,
      detail: state.message,
    };
    return { error, exitCode: 1 };
  }
  for (const line of formatInstanceSummary(state)) out(line);
  return success;
}

export const probeCommand = defineCommand({
  command: "probe",
  describe: "Read one MySQL/MariaDB server once and show what keel sees",
  builder: (y) =>
    y
      .option("json", { type: "boolean", default: false, describe: "Print the InstanceState as JSON" })
      .option("host", { type: "string", describe: `Server host (default ${BUILTIN_PROBE_DEFAULTS.host})` })
      .option("port", { type: "number", describe: `Server port (default ${BUILTIN_PROBE_DEFAULTS.port})` })
      .option("user", { type: "string", describe: "User (default KEEL_MYSQL_USER, else keel)" })
      .option("password-file", {
        type: "string",
        describe: "File whose first line is the password (default: KEEL_MYSQL_PASSWORD)",
      })
      .option("socket", { type: "string", describe: "Unix socket path (instead of host/port)" })
      .conflicts("socket", ["host", "port"]),
  async run(args, io) {
    const target = resolveProbeTarget(args, io.env);
    if (!target.ok) return { error: target.error };
    const state = await probeOnce(target.value);
    return renderProbeOutcome(state, args.json, io.out);
  },
});
