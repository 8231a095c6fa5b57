// Words for `keel demo`'s own errors: each names what the demo saw and what to do next.
import type { DemoWaitError } from "../../runtime/demo-cluster.ts";
import type { DemoLostWritesError } from "../../runtime/demo-headless.ts";
import type { DemoMariadbError } from "../../runtime/demo-mariadb.ts";
import type { DemoCountError, DemoWriterError } from "../../runtime/demo-writer.ts";
import { defineMessages } from "./define.ts";

type DemoError = DemoWaitError | DemoMariadbError | DemoWriterError | DemoCountError | DemoLostWritesError;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const AGENT_LOGS = "read the agents' logs (<dir>/agent-<port>/agent.log; rerun with --keep to keep them)";

export const demoMessages = defineMessages<DemoError>({
  "demo.not-ready": (e) => ({
    problem: `the agents did not agree on a raft leader with a primary in the ledger within ${seconds(e.waitedMs)} (last seen: ${e.seen})`,
    fix: AGENT_LOGS,
  }),
  "demo.no-failover": (e) => ({
    problem: `no replica became the writable primary within ${seconds(e.waitedMs)} of killing 127.0.0.1:${e.oldPrimaryPort} (last seen: ${e.seen})`,
    fix: `${AGENT_LOGS}; 'keel recoveries' through an agent's config shows what the leader decided`,
  }),
  "demo.no-rejoin": (e) => ({
    problem: `the restarted old primary 127.0.0.1:${e.port} did not replicate from 127.0.0.1:${e.primaryPort} within ${seconds(e.waitedMs)} (last seen: ${e.seen})`,
    fix: `${AGENT_LOGS}; 'keel rejoin' through an agent's config rejoins it by hand`,
  }),
  "demo.unknown-instance": (e) => ({
    problem: `${e.key} is not one of the demo's servers (ports ${e.ports.join(", ")})`,
    fix: "select one of the demo's instances in the console and press the key again",
  }),
  "demo.mariadbd-missing": (e) => ({
    problem: `MariaDB is not installed (${e.path} is missing) and only root may install it`,
    fix: `run '${e.command}', or pass --mariadbd <path to mariadbd>, then run 'keel demo' again`,
  }),
  "demo.install-failed": (e) => ({
    problem: `installing MariaDB with '${e.command}' failed: ${e.detail}`,
    fix: `run '${e.command}' yourself and read its output, or pass --mariadbd <path to mariadbd>`,
  }),
  "demo.writer-stuck": (e) => ({
    problem: `the demo writer had ${e.acked} of ${e.wanted} inserts acknowledged after ${seconds(e.waitedMs)} (server ${e.port === null ? "none writable" : `127.0.0.1:${e.port}`}, last error ${e.lastError ?? "none"})`,
    fix: "check that the primary is writable ('keel sandbox status --dir <dir>') and read its error log",
  }),
  "demo.count-failed": (e) => ({
    problem: `could not read the demo table on 127.0.0.1:${e.port} to count lost writes: ${e.detail}`,
    fix: "rerun with --keep and look at the new primary with 'keel sandbox status --dir <dir>'",
  }),
  "demo.writes-lost": (e) => ({
    problem: `${e.lost} of ${e.acked} acknowledged writes are missing on the new primary 127.0.0.1:${e.port} (ids ${e.sample.join(", ")}…)`,
    fix: "report this as a bug with the agents' logs (rerun with --keep to keep them): semi-sync should lose nothing",
  }),
});
