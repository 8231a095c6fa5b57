// `keel failover -c CLUSTER [--to host:port] [--force]`: a manual recovery through the quorum,
// like orchestrator's force-master-failover: it bypasses pause, downtime and the recovery block.
// Without a quorum it refuses, unless --force-without-quorum (with --to, on that server's host)
// acts directly under an operator override of the agent beside it (failover-direct.ts).
import {
  OPERATOR_OVERRIDE_TTL_MS_DEFAULT,
  OPERATOR_OVERRIDE_TTL_MS_MAX,
  RECOVERY_COMMAND_TIMEOUT_MS,
} from "../lib/limits.ts";
import type { CallOptions } from "../runtime/api-client.ts";
import { defineCommand } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import { failoverWithoutQuorum } from "./failover-direct.ts";
import { checkCluster, operatorOf } from "./pause.ts";
import { memberKeysOf, requestRecovery } from "./recovery-request.ts";

export function makeFailoverCommand(call: CallOptions = {}) {
  return defineCommand({
    command: "failover",
    describe: "Fail the primary over to a replica now, through the quorum (manual recovery)",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("to", { type: "string", describe: "promote this instance (host:port or node id)" })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "accept errant GTIDs or lost transactions; fail over even a primary that answers",
        })
        .option("force-without-quorum", {
          type: "boolean",
          default: false,
          describe:
            "LAST RESORT: act directly with the admin credentials when no quorum exists (needs --to; run on that server's host with its agent's config)",
        })
        .option("override-minutes", {
          type: "number",
          default: OPERATOR_OVERRIDE_TTL_MS_DEFAULT / 60_000,
          describe: `with --force-without-quorum: how long the promoted server's agent suspends fencing (at most ${OPERATOR_OVERRIDE_TTL_MS_MAX / 60_000})`,
        })
        .option("timeout", {
          type: "number",
          default: RECOVERY_COMMAND_TIMEOUT_MS / 1000,
          describe: "seconds to wait",
        })
        .example("keel failover -c main --to 10.0.0.12:3306", "promote that replica now"),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: { ...same.error, code: "recovery.other-cluster" } };
      const by = operatorOf(io);
      if (args.forceWithoutQuorum) {
        if (args.to === undefined)
          return { error: { code: "recovery.direct-needs-to", cluster: config.value.cluster } };
        const keys = await memberKeysOf(config.value, call);
        const toKey = keys.get(args.to) ?? args.to;
        const overrideTtlMs = Math.round(args.overrideMinutes * 60_000);
        return failoverWithoutQuorum(config.value, toKey, keys, by, io, { overrideTtlMs, call });
      }
      return requestRecovery(
        config.value,
        {
          kind: args.force ? "failover-forced" : "failover",
          to: args.to,
          by,
          timeoutMs: args.timeout * 1000,
          call,
        },
        io,
      );
    },
  });
}

export const failoverCommand = makeFailoverCommand();
