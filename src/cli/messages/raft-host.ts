// Words for the raft host inside the agent: starting it, and proposing through it.
import type { ProposalError } from "../../runtime/proposal-messages.ts";
import type { RaftStartError } from "../../runtime/raft-loop.ts";
import { defineMessages } from "./define.ts";

type NewProposalError = Exclude<
  ProposalError,
  { code: `ledger.${string}` } | { code: "raft.entry-too-large" | "raft.proposal-backlog" }
>;
type NewStartError = Extract<
  RaftStartError,
  { code: "raft.voters-required" | "raft.data-dir-failed" | "raft.data-dir-locked" }
>;

export type RaftHostCliError = NewProposalError | NewStartError;

export const raftHostMessages = defineMessages<RaftHostCliError>({
  "raft.no-leader": (e) => ({
    problem: `no raft leader is known (term ${e.term}, waited ${Math.round(e.waitedMs)} ms): a majority of the voters is not in contact`,
    fix: "check 'keel raft status' on each agent: start the stopped agents or fix the network until a majority of raft.voters reach each other, then retry",
  }),
  "raft.proposal-timeout": (e) => ({
    problem:
      e.stage === "forwarding"
        ? `the raft leader${e.leader ? ` ${e.leader}` : ""} did not answer the proposal within ${e.timeoutMs} ms`
        : `the proposal was appended but not committed within ${e.timeoutMs} ms${e.leader ? ` (leader ${e.leader})` : ""}`,
    fix: "check 'keel raft status' (quorum OK?) and retry; a retry is safe: the ledger refuses a duplicate change",
  }),
  "raft.proposals-busy": (e) => ({
    problem: `this agent already waits on ${e.max} proposals`,
    fix: "wait for them to finish (check 'keel raft status' for quorum), then retry",
  }),
  "raft.host-halted": (e) => ({
    problem: `this agent's raft node stopped after a storage failure (${e.detail})`,
    fix: "read the agent's log for the failed write, free disk space or fix raft.data_dir permissions, then restart the agent",
  }),
  "raft.command-malformed": (e) => ({
    problem: `the proposed command is not a ledger command${e.field ? ` (bad field '${e.field}')` : ""}`,
    fix: 'send one ledger command as JSON, e.g. {"type":"pause","by":"ops","reason":"maintenance","wallMs":0}',
  }),
  "raft.voters-required": (e) => ({
    problem: `agent ${e.nodeId} has gossip seeds but no raft.voters in ${e.configPath}`,
    fix: `list every agent's node_id in raft.voters (the same list on every agent, witnesses included) and restart`,
  }),
  "raft.data-dir-locked": (e) => ({
    problem: `the raft directory ${e.path} is in use by another agent${e.pid > 0 ? ` (pid ${e.pid})` : ""}`,
    fix: "stop the other agent, or give each agent on this machine its own raft.data_dir",
  }),
  "raft.data-dir-failed": (e) => ({
    problem: `cannot create the raft directory ${e.path}: ${e.detail}`,
    fix: "set raft.data_dir to a directory the keel user may create and write (owner-only, mode 0700)",
  }),
});
