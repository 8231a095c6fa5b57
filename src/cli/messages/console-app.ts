// Words for the console's own errors: actions it can't take from here and sources it lost.
import type { ConsoleActionError } from "../../console/actions.ts";
import type { LiveSourceError } from "../../console/live-console-source.ts";
import type { SeedConfigError } from "../../console/seed-config.ts";
import { defineMessages } from "./define.ts";

export const consoleAppMessages = defineMessages<ConsoleActionError | SeedConfigError | LiveSourceError>({
  "console.source-closed": () => ({
    problem: "the console closed its view source while a look was still running",
    fix: "nothing to do; start keel console again to keep watching",
  }),
  "console.bad-seed": (e) => ({
    problem: `--seed ${e.seed} is not a gossip address`,
    fix: "give the host:port of any agent's gossip (e.g. 10.0.0.5:7946 or [fd00::5]:7946)",
  }),
  "console.action-no-config": (e) => ({
    problem: `cannot ${e.action}: the console was started with --seed, so it has no agent to propose through`,
    fix: "restart the console with --config pointing at an agent's config (keel sandbox config prints one for a sandbox)",
  }),
  "console.action-other-cluster": (e) => ({
    problem: `cluster ${e.cluster} is not the cluster of ${e.configPath} (${e.configCluster}); the console acts through that agent only`,
    fix: `run the console with --config of an agent in cluster ${e.cluster}`,
  }),
  "console.switchover-unconfirmed": (e) => ({
    problem: `the switchover of ${e.cluster} to ${e.to} was recorded, but after ${Math.round(e.waitedMs / 1000)}s the ledger's primary is still ${e.primary ?? "none"}`,
    fix: "check 'keel raft status' and the events panel for a refusal; the intent stays in the ledger until the leader acts or clears it",
  }),
});
