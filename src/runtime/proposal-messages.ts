// Channel "p": a follower forwards a proposal to the leader, the leader answers once the entry
// is applied. Plain data, msgpacked by the channel layer; decoding never throws. The command
// travels as the ledger's own JSON bytes so the leader validates it with the ledger's decoder.
import { PROPOSAL_REQUEST_ID_CHARS_MAX, RAFT_ENTRY_DATA_BYTES_MAX } from "../lib/limits.ts";
import type { LedgerOutcome, LedgerRejection } from "../raft/ledger.ts";
import type { ProposeError } from "../raft/raft-node.ts";

export type ProposalError =
  | { code: "raft.no-leader"; term: number; waitedMs: number }
  | {
      code: "raft.proposal-timeout";
      timeoutMs: number;
      leader: string | null;
      stage: "forwarding" | "committing";
    }
  | { code: "raft.proposals-busy"; max: number }
  | { code: "raft.host-halted"; detail: string }
  | { code: "raft.command-malformed"; field: string }
  | Exclude<ProposeError, { code: "raft.not-leader" }>
  | LedgerRejection;

export interface ProposalOk {
  index: number;
  outcome: LedgerOutcome;
}

/** What a leader may answer: the outcome, a final error, or "not me" (the follower retries). */
export type ProposalReplyError = ProposalError | Extract<ProposeError, { code: "raft.not-leader" }>;

export type ProposalMessage =
  | { t: "req"; id: string; cmd: Uint8Array }
  | { t: "res"; id: string; ok: true; index: number; applied: LedgerOutcome["applied"]; repeat?: true }
  | { t: "res"; id: string; ok: false; error: ProposalReplyError };

type Fields = Record<string, unknown>;

function isFields(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function requestId(o: Fields): string | null {
  const id = o.id;
  return typeof id === "string" && id.length > 0 && id.length <= PROPOSAL_REQUEST_ID_CHARS_MAX ? id : null;
}

/** Null for anything that is not a well-formed proposal message. */
export function decodeProposalMessage(raw: unknown): ProposalMessage | null {
  if (!isFields(raw)) return null;
  const id = requestId(raw);
  if (id === null) return null;
  if (raw.t === "req") {
    const cmd = raw.cmd;
    if (!(cmd instanceof Uint8Array) || cmd.length > RAFT_ENTRY_DATA_BYTES_MAX) return null;
    return { t: "req", id, cmd };
  }
  if (raw.t !== "res") return null;
  if (raw.ok === true) {
    const index = raw.index;
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 1) return null;
    if (typeof raw.applied !== "string") return null;
    const applied = raw.applied as LedgerOutcome["applied"];
    return raw.repeat === true
      ? { t: "res", id, ok: true, index, applied, repeat: true }
      : { t: "res", id, ok: true, index, applied };
  }
  // The peer is authenticated and runs keel: an error is trusted to be one of ours if it
  // carries a raft or ledger code; its wording is looked up by that code.
  const error = raw.error;
  if (raw.ok !== false || !isFields(error) || typeof error.code !== "string") return null;
  if (!/^(raft|ledger)\.[a-z-]+$/.test(error.code)) return null;
  return { t: "res", id, ok: false, error: error as unknown as ProposalReplyError };
}
