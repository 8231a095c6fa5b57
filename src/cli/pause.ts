// `keel pause [-c CLUSTER] --reason R` and `keel resume [-c CLUSTER]`: switch automatic recovery
// of the cluster off and on again, through the quorum (the ledger's pause flag). A raft group is
// one cluster, so -c only guards against acting through the wrong agent's config. The small
// helpers the other ledger commands (downtime, ack) share live here too.
import type { Config } from "../config/config.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import { type CallOptions, proposeViaAgent } from "../runtime/api-client.ts";
import type { ReconcileCliError } from "./messages/reconcile.ts";
import { type CommandIo, type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";

/** Who is recorded as having acted: the login name, as orchestrator-client records it. */
export function operatorOf(io: CommandIo): string {
  return io.env.USER || io.env.LOGNAME || "keel";
}

export function checkCluster(config: Config, cluster: string | undefined): Result<void, ReconcileCliError> {
  if (cluster === undefined || cluster === config.cluster) return ok(undefined);
  return err({
    code: "reconcile.other-cluster",
    cluster,
    configCluster: config.cluster,
    configPath: config.sourcePath,
  });
}

/** Proposes one command and prints one line (or JSON) saying what the ledger now holds. */
export async function proposeAndSay(
  config: Config,
  cmd: LedgerCommand,
  io: CommandIo,
  json: boolean,
  line: (index: number) => string,
  call: CallOptions,
): Promise<CommandOutcome> {
  const r = await proposeViaAgent(config, cmd, call);
  if (!r.ok) return { error: r.error };
  if (json) io.out(JSON.stringify({ ok: true, command: cmd, index: r.value.index }));
  else io.out(line(r.value.index));
  return success;
}

export function makePauseCommand(call: CallOptions = {}, wallMs: () => number = Date.now) {
  return defineCommand({
    command: "pause",
    describe: "Pause automatic recovery of the cluster (through the quorum)",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("reason", { type: "string", demandOption: true, describe: "why, recorded in the ledger" })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" })
        .example("keel pause --reason 'network maintenance'", "no automatic failover until keel resume"),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: same.error };
      const by = operatorOf(io);
      const cmd: LedgerCommand = { type: "pause", by, reason: args.reason, wallMs: Math.round(wallMs()) };
      const cluster = config.value.cluster;
      return proposeAndSay(
        config.value,
        cmd,
        io,
        args.json,
        (index) =>
          `pause: automatic recovery of ${cluster} is paused by ${by} (${args.reason}); ledger index ${index}; keel resume ends it`,
        call,
      );
    },
  });
}

export function makeResumeCommand(call: CallOptions = {}) {
  return defineCommand({
    command: "resume",
    describe: "Resume automatic recovery of the cluster after keel pause",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" }),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: same.error };
      const by = operatorOf(io);
      const cluster = config.value.cluster;
      return proposeAndSay(
        config.value,
        { type: "resume", by },
        io,
        args.json,
        (index) => `resume: automatic recovery of ${cluster} is on again (by ${by}); ledger index ${index}`,
        call,
      );
    },
  });
}

export const pauseCommand = makePauseCommand();
export const resumeCommand = makeResumeCommand();
