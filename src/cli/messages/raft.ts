import type { RaftCodecError } from "../../raft/codec.ts";
import type { RaftConfigError } from "../../raft/config.ts";
import type { LedgerRejection } from "../../raft/ledger.ts";
import type { CompactError, ProposeError } from "../../raft/raft-node.ts";
import { defineMessages } from "./define.ts";

export type RaftError =
  | ProposeError
  | CompactError
  | RaftConfigError
  | RaftCodecError
  | LedgerRejection
  | { code: "ledger.snapshot-malformed" };

export const raftMessages = defineMessages<RaftError>({
  "raft.not-leader": (e) => ({
    problem:
      e.leader === null
        ? `this agent is not the raft leader and no leader is known in term ${e.term}`
        : `this agent is not the raft leader; ${e.leader} leads term ${e.term}`,
    fix:
      e.leader === null
        ? "wait for an election to finish (about a second), then retry"
        : `send the request to ${e.leader}, or retry: keel forwards to the leader it knows`,
  }),
  "raft.entry-too-large": (e) => ({
    problem: `a ledger entry of ${e.bytes} bytes is over the ${e.maxBytes}-byte limit (one entry must fit one datagram)`,
    fix: "record less in one entry (split it into several steps); this is a bug in keel if it wrote the entry itself",
  }),
  "raft.proposal-backlog": (e) => ({
    problem: `the raft leader already holds ${e.uncommitted} uncommitted entries (limit ${e.max})`,
    fix: "check that a majority of voters is reachable ('keel status'); entries commit once they are",
  }),
  "raft.compact-invalid": (e) => ({
    problem: `cannot snapshot the raft log at index ${e.index}: applied is ${e.applied}, last snapshot is at ${e.snapshotIndex}`,
    fix: "snapshot only applied entries past the previous snapshot; this is a bug in keel, please report it",
  }),
  "raft.config-invalid": (e) => ({
    problem: `raft setting '${e.field}' is invalid: ${e.detail}`,
    fix: "correct it in the cluster's raft section of the config file and restart the agent",
  }),
  "raft.message-malformed": (e) => ({
    problem: `a raft message was malformed${e.field ? ` (field '${e.field}' ${e.detail})` : ` (${e.detail})`}`,
    fix: "upgrade every agent to the same keel release; authenticated peers only send well-formed messages",
  }),
  "ledger.entry-malformed": (e) => ({
    problem: `ledger entry ${e.index} is not a ledger command${e.field ? ` (bad field '${e.field}')` : ""}`,
    fix: "upgrade every agent to the same keel release; the entry was skipped identically on every voter",
  }),
  "ledger.stale-epoch": (e) => ({
    problem: `a primary change based on epoch ${e.expectedEpoch} was refused: the ledger is at epoch ${e.epoch}`,
    fix: "another change won the race; re-read 'keel status' and retry against the current primary",
  }),
  "ledger.unknown-recovery": (e) => ({
    problem: `no recovery with id '${e.id}' is in the ledger`,
    fix: "list recoveries with 'keel recoveries' and use one of their ids",
  }),
  "ledger.bad-transition": (e) => ({
    problem: `recovery '${e.id}' is ${e.state}, so '${e.command}' does not apply to it`,
    fix: "check the recovery's state in 'keel recoveries'; only unfinished recoveries take steps, only finished ones take acknowledgements",
  }),
  "ledger.recovery-in-progress": (e) => ({
    problem: `recovery '${e.id}' was refused: recovery '${e.activeId}' is still in progress`,
    fix: "wait for it to finish, or acknowledge it once finished",
  }),
  "ledger.switchover-in-progress": (e) => ({
    problem: `a switchover ('${e.id}') is already in progress`,
    fix: "wait for it to complete before requesting another",
  }),
  "ledger.limit-reached": (e) => ({
    problem: `the ledger holds as many ${e.what} as it may`,
    fix: `end some ${e.what} first`,
  }),
  "ledger.stale-term": (e) => ({
    problem: `a command of the raft leader of term ${e.term} was refused: it reached the ledger in term ${e.entryTerm}, after leadership moved`,
    fix: "nothing to do: the current leader resumes the recovery from the ledger; check 'keel recoveries'",
  }),
  "ledger.step-recorded": (e) => ({
    problem: `step ${e.step} of recovery '${e.id}' already has the outcome '${e.status}', which is kept`,
    fix: "nothing to do: a step's first recorded outcome stands; check 'keel recoveries' for how the recovery went on",
  }),
  "ledger.snapshot-malformed": () => ({
    problem: "a ledger snapshot could not be read",
    fix: "remove this node's raft directory and restart it; it will fetch a fresh snapshot from the leader",
  }),
});
