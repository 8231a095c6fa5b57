// Words for recoveries: what `keel failover|switchover|recoveries` report, and the runner's own
// refusals that end up in a recovery's ledger detail ("<code>: …").
import type { PlanningRefusal } from "../../runtime/recovery-planning.ts";
import { defineMessages } from "./define.ts";

type RunnerRefusal = Extract<PlanningRefusal, { code: `recovery.${string}` }>;

export type RecoveryCliError =
  | RunnerRefusal
  | { code: "recovery.other-cluster"; cluster: string; configCluster: string; configPath: string }
  | { code: "recovery.no-quorum"; leader: string | null; address: string }
  | { code: "recovery.unknown-instance"; instance: string; cluster: string; known: string[] }
  | { code: "recovery.ledger-no-primary"; cluster: string }
  | { code: "recovery.intent-pending"; id: string; from: string; to: string }
  | { code: "recovery.intent-dropped"; id: string; primary: string | null }
  | { code: "recovery.timeout"; id: string; waitedMs: number; state: string }
  | { code: "recovery.failed"; id: string; kind: string; detail: string }
  | { code: "recovery.direct-needs-to"; cluster: string }
  | { code: "recovery.direct-failed"; instance: string; step: string; detail: string };

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export const recoveryMessages = defineMessages<RecoveryCliError>({
  "recovery.primary-serves": (e) => ({
    problem: `the primary ${e.nodeId} still answers, so a failover would leave two writable servers for a while`,
    fix: "use 'keel switchover' for a planned change (nothing is lost), or add --force to fail over anyway",
  }),
  "recovery.no-primary": (e) => ({
    problem: `the ledger of ${e.cluster} names no primary to repoint the replicas to`,
    fix: "wait until the agents adopt the running primary ('keel raft status' shows it), then retry",
  }),
  "recovery.nothing-to-repoint": (e) => ({
    problem: `no replica of ${e.nodeId} answers, so there is nothing to repoint`,
    fix: "bring the replicas' servers back; their agents repoint them to the primary when they return",
  }),
  "recovery.other-cluster": (e) => ({
    problem: `cluster ${e.cluster} is not the cluster of ${e.configPath} (${e.configCluster})`,
    fix: `run the command with the config of an agent of ${e.cluster} (--config), or drop -c`,
  }),
  "recovery.no-quorum": (e) => ({
    problem: `the agent at ${e.address} has no raft quorum (leader ${e.leader ?? "unknown"}), so nothing can be decided through the quorum`,
    fix: "restore contact between a majority of raft.voters ('keel raft status'); as a last resort, --force-without-quorum --to host:port acts directly",
  }),
  "recovery.unknown-instance": (e) => ({
    problem: `${e.instance} is not a member of ${e.cluster} (known: ${e.known.join(", ") || "none"})`,
    fix: "name the instance as host:port (as 'keel topology' shows it) or by its node id",
  }),
  "recovery.ledger-no-primary": (e) => ({
    problem: `the ledger of ${e.cluster} names no primary yet`,
    fix: "wait a few seconds for the agents to adopt the running primary ('keel raft status'), then retry",
  }),
  "recovery.intent-pending": (e) => ({
    problem: `an earlier request (${e.id}, ${e.from || "?"} -> ${e.to || "any"}) is still waiting in the ledger`,
    fix: "wait for it to finish ('keel recoveries'), then retry",
  }),
  "recovery.intent-dropped": (e) => ({
    problem: `request ${e.id} was dropped without a recovery: the primary changed meanwhile (now ${e.primary ?? "none"})`,
    fix: "check 'keel topology' and retry against the current primary",
  }),
  "recovery.timeout": (e) => ({
    problem: `recovery ${e.id} did not finish within ${seconds(e.waitedMs)} (state: ${e.state})`,
    fix: "it carries on in the background: follow it with 'keel recoveries' and the leader's log",
  }),
  "recovery.failed": (e) => ({
    problem: `${e.kind} ${e.id} failed: ${e.detail}`,
    fix: "read the failed step's detail in 'keel recoveries'; fix what it names and retry (the old primary still is primary if the plan aborted before set-primary)",
  }),
  "recovery.direct-needs-to": (e) => ({
    problem: `acting without a quorum needs the server to promote in ${e.cluster}`,
    fix: "add --to host:port (the replica you checked is the most advanced)",
  }),
  "recovery.direct-failed": (e) => ({
    problem: `direct ${e.step} on ${e.instance} failed: ${e.detail}`,
    fix: "fix what the detail names and run the same command again (every step is idempotent)",
  }),
});
