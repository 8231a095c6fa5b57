// Every raft and storage error code has wording that names the problem and a fix.
import { expect, test } from "bun:test";
import { allMessages } from "../../../src/cli/messages/index.ts";
import { renderError } from "../../../src/cli/render-error.ts";

const codes = [
  "raft.not-leader",
  "raft.entry-too-large",
  "raft.proposal-backlog",
  "raft.compact-invalid",
  "raft.config-invalid",
  "raft.message-malformed",
  "storage.io-failed",
  "storage.hard-state-corrupt",
  "storage.snapshot-corrupt",
  "storage.append-gap",
  "storage.entry-too-large",
  "storage.log-tail-truncated",
  "storage.log-corrupt",
  "storage.log-missing-entries",
  "storage.incarnation-corrupt",
  "ledger.entry-malformed",
  "ledger.stale-epoch",
  "ledger.unknown-recovery",
  "ledger.bad-transition",
  "ledger.recovery-in-progress",
  "ledger.switchover-in-progress",
  "ledger.limit-reached",
  "ledger.stale-term",
  "ledger.step-recorded",
  "ledger.snapshot-malformed",
];

test.each(codes)("%s is worded", (code) => {
  expect(allMessages[code]).toBeDefined();
});

test("not-leader names the leader to go to", () => {
  const line = renderError({ code: "raft.not-leader", leader: "db2", term: 4 } as never);
  expect(line).toBe(
    "keel: this agent is not the raft leader; db2 leads term 4 (raft.not-leader); fix: send the request to db2, or retry: keel forwards to the leader it knows",
  );
});
