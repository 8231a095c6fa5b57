// `keel ack -c CLUSTER [--reason R]`: acknowledge the cluster's finished recoveries, like
// orchestrator's ack-cluster-recoveries. An acknowledged recovery no longer blocks the next
// automatic one within recovery_block; each acknowledgement is a ledger entry with who and why.
import type { Recovery } from "../raft/ledger.ts";
import { type CallOptions, fetchRaftView, proposeViaAgent } from "../runtime/api-client.ts";
import { defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import { checkCluster, operatorOf } from "./pause.ts";

export function unacknowledged(recoveries: readonly Recovery[]): Recovery[] {
  return recoveries.filter(
    (r) => (r.state === "finished" || r.state === "failed") && r.acknowledged === null,
  );
}

export function makeAckCommand(call: CallOptions = {}, wallMs: () => number = Date.now) {
  return defineCommand({
    command: "ack",
    describe: "Acknowledge the cluster's finished recoveries (lifts the recovery block)",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", demandOption: true, describe: "cluster" })
        .option("reason", {
          alias: "r",
          type: "string",
          default: "",
          describe: "comment, recorded in the ledger",
        })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" }),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: same.error };
      const view = await fetchRaftView(config.value, call);
      if (!view.ok) return { error: view.error };
      const open = unacknowledged(view.value.ledger.recoveries);
      const by = operatorOf(io);
      const acked: { id: string; index: number }[] = [];
      for (const rec of open) {
        const r = await proposeViaAgent(
          config.value,
          { type: "recovery-ack", id: rec.id, by, comment: args.reason, wallMs: Math.round(wallMs()) },
          call,
        );
        if (!r.ok) return { error: r.error };
        acked.push({ id: rec.id, index: r.value.index });
      }
      if (args.json) io.out(JSON.stringify({ ok: true, cluster: args.cluster, acknowledged: acked }));
      else if (acked.length === 0)
        io.out(`ack: nothing to acknowledge in ${args.cluster}: every finished recovery already is`);
      else
        io.out(
          `ack: ${acked.length} recover${acked.length === 1 ? "y" : "ies"} of ${args.cluster} acknowledged by ${by}: ${acked.map((a) => a.id).join(", ")}`,
        );
      return success;
    },
  });
}

export const ackCommand = makeAckCommand();
