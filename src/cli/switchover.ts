// `keel switchover -c CLUSTER [--to host:port]`: a planned change of primary through the quorum
// (orchestrator's graceful-master-takeover): the old primary is made read-only, the candidate
// catches up on every GTID, is promoted, the rest follow it and the old primary becomes a replica.
import { RECOVERY_COMMAND_TIMEOUT_MS } from "../lib/limits.ts";
import type { CallOptions } from "../runtime/api-client.ts";
import { defineCommand } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import { checkCluster, operatorOf } from "./pause.ts";
import { requestRecovery } from "./recovery-request.ts";

export function makeSwitchoverCommand(call: CallOptions = {}) {
  return defineCommand({
    command: "switchover",
    describe: "Hand the primary role to a replica without losing a transaction (planned)",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("to", {
          type: "string",
          describe: "the new primary (host:port or node id); default: the best replica",
        })
        .option("timeout", {
          type: "number",
          default: RECOVERY_COMMAND_TIMEOUT_MS / 1000,
          describe: "seconds to wait",
        })
        .example("keel switchover -c main --to 10.0.0.12:3306", "planned move of the primary"),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: { ...same.error, code: "recovery.other-cluster" } };
      return requestRecovery(
        config.value,
        { kind: "switchover", to: args.to, by: operatorOf(io), timeoutMs: args.timeout * 1000, call },
        io,
      );
    },
  });
}

export const switchoverCommand = makeSwitchoverCommand();
