// Proposing ledger commands from any agent. On the leader: append, then wait until the entry is
// applied and report the ledger's outcome (or its rejection). On a follower: forward over
// channel "p" to the leader under a request id, retry (same id) until answered, the attempts
// run out or the deadline passes. Deadlines are checked on tick(nowMs), so tests drive time.
//
// Idempotency: a leader remembers each (sender, request id) for a window, so a retried request
// gets the first attempt's answer instead of a second entry. The memory is the leader's own: a
// retry that reaches a *new* leader after the old one appended but before it answered can append
// twice. Ledger commands are built to make that harmless (set-primary is a compare-and-set on
// the epoch, switchovers and recoveries carry ids): the second copy changes nothing, and the
// ledger recognises it as an exact repeat (outcome `repeat: true`), so whichever copy answers the
// caller, the answer is "applied", never a rejection of a change the first copy made.
import {
  PROPOSAL_DEDUP_MAX,
  PROPOSAL_DEDUP_WINDOW_MS,
  PROPOSAL_FORWARD_ATTEMPTS_MAX,
  PROPOSAL_FORWARD_RETRY_MS,
  PROPOSALS_PENDING_MAX,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { decodeLedgerCommand, encodeLedgerCommand, type LedgerCommand } from "../raft/ledger-commands.ts";
import type { RaftStatus } from "../raft/raft-node.ts";
import {
  decodeProposalMessage,
  type ProposalError,
  type ProposalMessage,
  type ProposalOk,
  type ProposalReplyError,
} from "./proposal-messages.ts";
import type { AppliedEntry, HostProposeError } from "./raft-host.ts";

export type { ProposalError, ProposalOk } from "./proposal-messages.ts";
export type ProposalResult = Result<ProposalOk, ProposalError>;

/** The part of RaftHost proposals need (a fake in tests). */
export interface ProposalHost {
  status(): RaftStatus;
  propose(
    cmd: LedgerCommand,
    appended?: (at: { index: number; term: number }) => void,
  ): Result<{ index: number; term: number }, HostProposeError>;
  onApplied(listener: (a: AppliedEntry) => void): () => void;
}

export interface ProposerDeps {
  host: ProposalHost;
  /** Sends a proposal message to a node over channel "p". */
  send(toNodeId: string, msg: ProposalMessage): void;
  newRequestId(): string;
}

interface Pending {
  id: string;
  cmd: LedgerCommand;
  startedMs: number;
  deadlineMs: number;
  timeoutMs: number;
  /** Where this node appended it as leader; null until then (or after the entry was lost). */
  local: { index: number; term: number } | null;
  attempts: number;
  nextSendMs: number;
  leaderSeen: string | null;
  /** Only this node may append it, while it leads this term (proposeAsLeader); null: anywhere. */
  leaderTerm: number | null;
  resolve(r: ProposalResult): void;
}

/** A request a follower forwarded to this node as leader. */
interface Served {
  from: string;
  id: string;
  expiresAtMs: number;
  reply: ProposalMessage | null;
}

type Waiter = { term: number; done(r: ProposalResult | "lost"): void };

function fromApplied(a: AppliedEntry): ProposalResult {
  return a.result.ok ? ok({ index: a.index, outcome: a.result.value }) : err(a.result.error);
}

function toReply(id: string, r: Result<ProposalOk, ProposalReplyError>): ProposalMessage {
  if (!r.ok) return { t: "res", id, ok: false, error: r.error };
  const { index, outcome } = r.value;
  return outcome.repeat
    ? { t: "res", id, ok: true, index, applied: outcome.applied, repeat: true }
    : { t: "res", id, ok: true, index, applied: outcome.applied };
}

export class Proposer {
  private readonly pending = new Map<string, Pending>();
  private readonly served = new Map<string, Served>();
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: ProposerDeps) {
    this.unsubscribe = deps.host.onApplied((a) => this.onApplied(a));
  }

  /** Resolves once the command is applied (or rejected) by the ledger, or with why it wasn't. */
  propose(cmd: LedgerCommand, timeoutMs: number, nowMs: number): Promise<ProposalResult> {
    return this.enqueue(cmd, null, timeoutMs, nowMs);
  }

  /**
   * For decisions only the leader of `term` may make (the recovery runner's): stamped with the
   * term, so the ledger refuses it if it commits under another; appended here only while this
   * node leads that term, never forwarded. Once it doesn't, the answer is raft.no-leader.
   */
  proposeAsLeader(
    cmd: LedgerCommand,
    term: number,
    timeoutMs: number,
    nowMs: number,
  ): Promise<ProposalResult> {
    return this.enqueue({ ...cmd, term }, term, timeoutMs, nowMs);
  }

  private enqueue(
    cmd: LedgerCommand,
    leaderTerm: number | null,
    timeoutMs: number,
    nowMs: number,
  ): Promise<ProposalResult> {
    if (this.pending.size >= PROPOSALS_PENDING_MAX)
      return Promise.resolve(err({ code: "raft.proposals-busy", max: PROPOSALS_PENDING_MAX }));
    return new Promise((resolve) => {
      const id = this.deps.newRequestId();
      this.pending.set(id, {
        id,
        cmd,
        startedMs: nowMs,
        deadlineMs: nowMs + timeoutMs,
        timeoutMs,
        local: null,
        attempts: 0,
        nextSendMs: nowMs,
        leaderSeen: null,
        leaderTerm,
        resolve,
      });
      this.tick(nowMs);
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  tick(nowMs: number): void {
    for (const p of [...this.pending.values()]) this.advance(p, nowMs);
    this.forgetExpired(nowMs);
    // An index at or below applied that never reached onApplied was covered by a snapshot from
    // the leader: its outcome is unknown here, so its proposal runs into its deadline.
    const applied = this.deps.host.status().applied;
    for (const index of this.waiters.keys()) if (index <= applied) this.waiters.delete(index);
  }

  private advance(p: Pending, nowMs: number): void {
    const st = this.deps.host.status();
    if (nowMs >= p.deadlineMs) {
      this.finish(p, err(this.timeoutError(p, st, nowMs)));
      return;
    }
    if (p.local !== null) return; // appended here; waiting for the apply
    if (p.leaderTerm !== null) {
      if (st.role === "leader" && st.term === p.leaderTerm) this.submitLocal(p, st);
      else this.finish(p, err({ code: "raft.no-leader", term: st.term, waitedMs: nowMs - p.startedMs }));
      return;
    }
    if (st.role === "leader") {
      this.submitLocal(p, st);
      return;
    }
    if (st.leader === null) return;
    p.leaderSeen = st.leader;
    if (nowMs < p.nextSendMs) return;
    if (p.attempts >= PROPOSAL_FORWARD_ATTEMPTS_MAX) {
      this.finish(
        p,
        err({
          code: "raft.proposal-timeout",
          timeoutMs: p.timeoutMs,
          leader: st.leader,
          stage: "forwarding",
        }),
      );
      return;
    }
    p.attempts += 1;
    p.nextSendMs = nowMs + PROPOSAL_FORWARD_RETRY_MS;
    this.deps.send(st.leader, { t: "req", id: p.id, cmd: encodeLedgerCommand(p.cmd) });
  }

  private timeoutError(p: Pending, st: RaftStatus, nowMs: number): ProposalError {
    if (p.leaderSeen === null && p.local === null && st.leader === null)
      return { code: "raft.no-leader", term: st.term, waitedMs: nowMs - p.startedMs };
    const stage = p.local === null ? "forwarding" : "committing";
    return { code: "raft.proposal-timeout", timeoutMs: p.timeoutMs, leader: st.leader, stage };
  }

  private submitLocal(p: Pending, st: RaftStatus): void {
    p.leaderSeen = st.id;
    const r = this.deps.host.propose(p.cmd, (at) => {
      p.local = at;
      this.wait(at.index, at.term, (res) => {
        if (res === "lost")
          p.local = null; // another leader's entry took the index: try again
        else this.finish(p, res);
      });
    });
    if (!r.ok && r.error.code !== "raft.not-leader") this.finish(p, err(r.error));
  }

  private finish(p: Pending, r: ProposalResult): void {
    if (!this.pending.delete(p.id)) return;
    p.resolve(r);
  }

  private wait(index: number, term: number, done: Waiter["done"]): void {
    const list = this.waiters.get(index) ?? [];
    list.push({ term, done });
    this.waiters.set(index, list);
  }

  private onApplied(a: AppliedEntry): void {
    const list = this.waiters.get(a.index);
    if (list === undefined) return;
    this.waiters.delete(a.index);
    // Log matching: the entry at this index has our term only if it is the one we appended.
    for (const w of list) w.done(w.term === a.term ? fromApplied(a) : "lost");
  }

  /** Channel "p" handler. */
  onMessage(from: string, raw: unknown, nowMs: number): void {
    const m = decodeProposalMessage(raw);
    if (m === null) return;
    if (m.t === "req") this.serve(from, m.id, m.cmd, nowMs);
    else this.onReply(m, nowMs);
  }

  private onReply(m: Extract<ProposalMessage, { t: "res" }>, nowMs: number): void {
    const p = this.pending.get(m.id);
    if (p === undefined || p.local !== null) return;
    if (m.ok) {
      const outcome: ProposalOk["outcome"] = m.repeat
        ? { applied: m.applied, repeat: true }
        : { applied: m.applied };
      this.finish(p, ok({ index: m.index, outcome }));
    } else if (m.error.code === "raft.not-leader") {
      p.nextSendMs = nowMs; // ask whoever leads now, on the next tick
    } else {
      this.finish(p, err(m.error));
    }
  }

  private serve(from: string, id: string, data: Uint8Array, nowMs: number): void {
    const key = `${from}\u0000${id}`;
    const seen = this.served.get(key);
    if (seen !== undefined) {
      if (seen.reply !== null) this.deps.send(from, seen.reply);
      return; // still committing: the answer goes out when it applies
    }
    const cmd = decodeLedgerCommand(data);
    if (!cmd.ok) {
      this.deps.send(from, toReply(id, err({ code: "raft.command-malformed", field: cmd.error.field })));
      return;
    }
    const st = this.deps.host.status();
    if (st.role !== "leader") {
      this.deps.send(from, toReply(id, err({ code: "raft.not-leader", leader: st.leader, term: st.term })));
      return;
    }
    const served: Served = { from, id, expiresAtMs: nowMs + PROPOSAL_DEDUP_WINDOW_MS, reply: null };
    const r = this.deps.host.propose(cmd.value, (at) => {
      this.remember(key, served);
      this.wait(at.index, at.term, (res) => {
        if (res === "lost") {
          // Not committed anywhere: forget it so the follower's retry appends it afresh.
          if (this.served.get(key) === served) this.served.delete(key);
          return;
        }
        served.reply = toReply(id, res);
        this.deps.send(from, served.reply);
      });
    });
    if (!r.ok) this.deps.send(from, toReply(id, err(r.error)));
  }

  private remember(key: string, s: Served): void {
    if (this.served.size >= PROPOSAL_DEDUP_MAX) {
      const oldest = this.served.keys().next();
      if (!oldest.done) this.served.delete(oldest.value);
    }
    this.served.set(key, s);
  }

  private forgetExpired(nowMs: number): void {
    // Insertion order is expiry order: every entry gets the same window.
    for (const [key, s] of this.served) {
      if (s.expiresAtMs > nowMs) break;
      this.served.delete(key);
    }
  }

  /** Fails every waiting proposal (agent shutdown). */
  close(nowMs: number): void {
    for (const p of [...this.pending.values()]) {
      const st = this.deps.host.status();
      this.finish(p, err(this.timeoutError(p, st, nowMs)));
    }
    this.unsubscribe();
  }
}
