// `keel topology [-c cluster | -i host:port]`: orchestrator-client's ASCII tree, drawn by the same
// renderer as the console. Without -c/-i the config's own cluster is shown.
import { renderTopology } from "../console/views/topology-lines.ts";
import { buildTopologyTree } from "../console/views/topology-tree.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { AssembledCluster } from "../runtime/view-assembly.ts";
import { type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand } from "./config-option.ts";
import { loadReadView, type ReadView, type ViaMode, withReadOptions } from "./view-source.ts";

export type ClusterPickError =
  | { code: "read.unknown-cluster"; cluster: string; known: string[] }
  | { code: "read.unknown-instance"; instance: string; known: string[] };

function sameInstance(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The cluster named, or the one holding the instance (by host:port or node id), or the default. */
export function pickCluster(
  view: ReadView,
  pick: { cluster?: string | undefined; instance?: string | undefined },
  defaultCluster: string,
): Result<AssembledCluster, ClusterPickError> {
  if (pick.instance !== undefined) {
    const wanted = pick.instance;
    const found = view.clusters.find((c) =>
      c.instances.some((i) => sameInstance(i.key, wanted) || i.nodeId === wanted),
    );
    if (found) return ok(found);
    const known = view.clusters.flatMap((c) => c.instances.map((i) => i.key));
    return err({ code: "read.unknown-instance", instance: wanted, known });
  }
  const name = pick.cluster ?? defaultCluster;
  const found = view.clusters.find((c) => c.cluster === name);
  if (found) return ok(found);
  return err({ code: "read.unknown-cluster", cluster: name, known: view.clusters.map((c) => c.cluster) });
}

export function topologyLines(cluster: AssembledCluster): string[] {
  return renderTopology(buildTopologyTree(cluster.instances)).map((l) => l.text);
}

export function topologyJson(cluster: AssembledCluster, view: ReadView): unknown {
  return {
    cluster: cluster.cluster,
    summary: cluster.summary,
    lines: topologyLines(cluster),
    instances: cluster.instances,
    origin: view.origin,
  };
}

export const topologyCommand = defineCommand({
  command: "topology",
  describe: "Print a cluster's replication tree (orchestrator-client's format)",
  builder: (y) =>
    withReadOptions(y)
      .option("cluster", { alias: "c", type: "string", describe: "cluster name (default: the config's)" })
      .option("instance", {
        alias: "i",
        type: "string",
        describe: "show the cluster holding this host:port",
        conflicts: "cluster",
      })
      .example("keel topology", "the config's cluster")
      .example("keel topology -i 127.0.0.1:23307", "the cluster holding that instance"),
  async run(args, io): Promise<CommandOutcome> {
    const config = loadConfigForCommand(args, io);
    if (!config.ok) return config.error;
    const view = await loadReadView(config.value, args.via as ViaMode);
    if (!view.ok) return { error: view.error };
    const picked = pickCluster(view.value, args, config.value.cluster);
    if (!picked.ok) return { error: picked.error };
    if (args.json) io.out(JSON.stringify(topologyJson(picked.value, view.value)));
    else for (const line of topologyLines(picked.value)) io.out(line);
    return success;
  },
});
