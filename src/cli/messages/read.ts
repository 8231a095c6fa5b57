// Words for the read side: where `keel topology|clusters|members` get their view (local agent API
// or a gossip observer) and which cluster or instance they were asked for.
import type { ObserverError } from "../../runtime/observer.ts";
import type { ClusterPickError } from "../topology.ts";
import type { AgentApiError, ViewSourceError } from "../view-source.ts";
import { defineMessages } from "./define.ts";

type ReadError =
  | AgentApiError
  | Extract<ViewSourceError, { code: "read.agent-state-malformed" }>
  | Extract<ObserverError, { code: `observer.${string}` }>
  | ClusterPickError;

function listed(names: readonly string[], what: string): string {
  return names.length === 0 ? `no ${what} is known yet` : `known ${what}s: ${names.join(", ")}`;
}

export const readMessages = defineMessages<ReadError>({
  "read.agent-api-disabled": (e) => ({
    problem: `--via agent needs the local agent's HTTP API, but http.listen is null in ${e.configPath}`,
    fix: "use --via gossip, or set http.listen in the config and restart the agent",
  }),
  "read.agent-unreachable": (e) => ({
    problem: `no keel agent answers at ${e.url} (${e.detail})`,
    fix: "start the agent with 'keel agent --config <file>', or use --via gossip to ask the gossip directly",
  }),
  "read.agent-state-malformed": (e) => ({
    problem: `the local agent's /api/state answer has no usable '${e.field}'`,
    fix: "run the same keel release for the CLI and the agent, or use --via gossip",
  }),
  "observer.no-seeds": (e) => ({
    problem: `no gossip address to join through in ${e.configPath}`,
    fix: "set gossip.port and gossip.seeds in the config to the agents' gossip addresses",
  }),
  "observer.nobody-answered": (e) => ({
    problem: `no gossip member answered within ${e.waitedMs} ms at ${e.seeds.join(", ")}`,
    fix: "check that the agents run ('keel agent'), that the seeds are their gossip addresses and that this config holds the cluster's keyring",
  }),
  "read.unknown-cluster": (e) => ({
    problem: `no cluster named '${e.cluster}'; ${listed(e.known, "cluster")}`,
    fix: e.known.length === 0 ? "start the agents, then retry" : `use -c with one of: ${e.known.join(", ")}`,
  }),
  "read.unknown-instance": (e) => ({
    problem: `no instance ${e.instance} in any cluster; ${listed(e.known, "instance")}`,
    fix: "use -i with host:port as the topology shows it, or -c with a cluster name",
  }),
});
