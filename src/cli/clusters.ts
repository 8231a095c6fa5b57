// `keel clusters`: every replication cluster known, one name per line like orchestrator-client's
// `clusters`; --json adds health and the primary for scripts and dashboards.
import { type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand } from "./config-option.ts";
import { loadReadView, type ViaMode, withReadOptions } from "./view-source.ts";

export const clustersCommand = defineCommand({
  command: "clusters",
  describe: "List the replication clusters (one name per line; --json with health and primary)",
  builder: (y) =>
    withReadOptions(y).example("keel clusters --json", "health, primary and problems per cluster"),
  async run(args, io): Promise<CommandOutcome> {
    const config = loadConfigForCommand(args, io);
    if (!config.ok) return config.error;
    const view = await loadReadView(config.value, args.via as ViaMode);
    if (!view.ok) return { error: view.error };
    if (args.json) {
      const rows = view.value.clusters.map((c) => ({
        cluster: c.cluster,
        health: c.summary.health,
        primary: c.summary.primaryKey,
        primaryNodeId: c.summary.primaryNodeId,
        primaryInferred: c.summary.primaryInferred,
        epoch: c.summary.epoch,
        instances: c.summary.instanceCount,
        problems: c.summary.problems,
      }));
      io.out(JSON.stringify(rows));
    } else for (const c of view.value.clusters) io.out(c.cluster);
    return success;
  },
});
