// The leader asks a member's own agent to perform one plan step on its local server (channel "s"):
// "perform step <name>" → the agent acknowledges at once, runs it, and answers { ok, detail }. No
// acknowledgement within ackTimeoutMs means the agent is gone: the caller then acts remotely. The
// request is resent until acknowledged (datagrams get lost) and its id makes a resend harmless: an
// agent runs each id once and repeats the answer. Deadlines are checked on tick(nowMs).
// A request carries the raft term its leader acts in: an agent serves only the leader of that
// term. One that follows a newer term refuses with its term (the step is then failed, not done
// remotely: the sender no longer leads); one that has not heard of the term yet stays silent, so
// the resend is served once it has.
import {
  STEP_RPC_DETAIL_CHARS_MAX,
  STEP_RPC_GTID_CHARS_MAX,
  STEP_RPC_FINISHED_REMEMBERED,
  STEP_RPC_RESEND_MS,
} from "../lib/limits.ts";

export const STEP_CHANNEL = "s";

export interface StepRequest {
  /** Request id: unique per attempt of the leader. */
  id: string;
  /** The recovery the step belongs to (for the agent's audit). */
  recovery: string;
  /** The plan step's name (plan-steps.ts), which carries everything but addresses. */
  name: string;
  /** Source server "host:port" for repoint/demote, as the leader resolved it. */
  source: string | null;
  /** GTID position to reach, for wait-caught-up (read by the leader from the old primary). */
  gtid: string | null;
  /** The step's own bound. */
  boundMs: number;
  /** The raft term the leader acts in; absent from senders that predate it (leader check only). */
  term?: number;
}

export type StepMessage =
  | ({ t: "step-req" } & StepRequest)
  | { t: "step-ack"; id: string }
  | { t: "step-res"; id: string; ok: boolean; detail: string }
  /** `term`: the term the refusing agent follows, when newer than the request's. */
  | { t: "step-rej"; id: string; reason: string; term?: number };

export interface StepOutcome {
  ok: boolean;
  detail: string;
}

export type CallResult =
  | ({ type: "result" } & StepOutcome)
  /** Never acknowledged: the agent is gone (or refused); act remotely. */
  | { type: "no-ack"; reason: string }
  /** Acknowledged but not answered within the bound. */
  | { type: "timeout" };

/** Whether a request may be served: "newer" carries the term this agent follows. */
export type Acceptance = { type: "accept" } | { type: "unknown-term" } | { type: "refuse"; term?: number };

export interface StepRpcDeps {
  send(toNodeId: string, msg: StepMessage): void;
  /** Whether `from` may ask this agent to act: it must lead the term the request carries (if any). */
  acceptFrom(from: string, term: number | undefined): Acceptance;
  /** Performs a requested step on the local server. */
  performLocal(req: StepRequest): Promise<StepOutcome>;
}

interface Call {
  to: string;
  req: StepRequest;
  acked: boolean;
  nextSendMs: number;
  ackDeadlineMs: number;
  deadlineMs: number;
  resolve(r: CallResult): void;
}

const str = (v: unknown): v is string => typeof v === "string" && v.length <= 512;

/** undefined when absent, null when malformed. */
function natOrAbsent(v: unknown): number | undefined | null {
  if (v === undefined) return undefined;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

/** null for anything that is not a well-formed step message. */
export function decodeStepMessage(raw: unknown): StepMessage | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  if (!str(o.id) || o.id === "") return null;
  const id = o.id;
  switch (o.t) {
    case "step-req": {
      const okSrc = o.source === null || str(o.source);
      const okGtid =
        o.gtid === null || (typeof o.gtid === "string" && o.gtid.length <= STEP_RPC_GTID_CHARS_MAX);
      const bound = o.boundMs;
      if (!str(o.recovery) || !str(o.name) || !okSrc || !okGtid) return null;
      if (typeof bound !== "number" || !Number.isSafeInteger(bound) || bound < 0) return null;
      const term = natOrAbsent(o.term);
      if (term === null) return null;
      const req: StepMessage = {
        t: "step-req",
        id,
        recovery: o.recovery,
        name: o.name,
        source: o.source as string | null,
        gtid: o.gtid as string | null,
        boundMs: bound,
      };
      return term === undefined ? req : { ...req, term };
    }
    case "step-ack":
      return { t: "step-ack", id };
    case "step-res":
      return typeof o.ok === "boolean" && str(o.detail)
        ? { t: "step-res", id, ok: o.ok, detail: o.detail }
        : null;
    case "step-rej": {
      const term = natOrAbsent(o.term);
      if (!str(o.reason) || term === null) return null;
      return term === undefined
        ? { t: "step-rej", id, reason: o.reason }
        : { t: "step-rej", id, reason: o.reason, term };
    }
    default:
      return null;
  }
}

/**
 * An agent that answers "no" is alive and has a reason (it follows a newer term, or its own ledger
 * doesn't name it at the step's epoch): the step fails. Acting on its server remotely instead would
 * overrule the one party that knows its server best; only silence (no ack) allows that.
 */
function rejected(_req: StepRequest, m: Extract<StepMessage, { t: "step-rej" }>): CallResult {
  const newer = m.term === undefined ? "" : ` (it follows term ${m.term})`;
  return { type: "result", ok: false, detail: `refused by its agent${newer}: ${m.reason}` };
}

export class StepRpc {
  private readonly calls = new Map<string, Call>();
  private readonly running = new Set<string>();
  /** Answers already given, by request key; oldest first. */
  private readonly finished = new Map<string, StepMessage>();

  constructor(private readonly deps: StepRpcDeps) {}

  /** Leader side: asks `to` to perform the step; resolves with its answer or why there is none. */
  call(
    to: string,
    req: StepRequest,
    o: { nowMs: number; ackTimeoutMs: number; resultTimeoutMs: number },
  ): Promise<CallResult> {
    return new Promise((resolve) => {
      const call: Call = {
        to,
        req,
        acked: false,
        nextSendMs: o.nowMs,
        ackDeadlineMs: o.nowMs + o.ackTimeoutMs,
        deadlineMs: o.nowMs + o.resultTimeoutMs,
        resolve,
      };
      this.calls.set(req.id, call);
      this.tick(o.nowMs);
    });
  }

  tick(nowMs: number): void {
    for (const call of [...this.calls.values()]) {
      if (!call.acked && nowMs >= call.ackDeadlineMs) {
        this.settle(call, { type: "no-ack", reason: "no acknowledgement from its agent" });
      } else if (nowMs >= call.deadlineMs) {
        this.settle(call, { type: "timeout" });
      } else if (nowMs >= call.nextSendMs) {
        // Resent until answered, not only until acknowledged: a lost answer is asked for again.
        call.nextSendMs = nowMs + STEP_RPC_RESEND_MS;
        this.deps.send(call.to, { t: "step-req", ...call.req });
      }
    }
  }

  onMessage(from: string, raw: unknown): void {
    const m = decodeStepMessage(raw);
    if (m === null) return;
    if (m.t === "step-req") {
      this.serve(from, m);
      return;
    }
    const call = this.calls.get(m.id);
    if (call === undefined || call.to !== from) return;
    if (m.t === "step-ack") call.acked = true;
    else if (m.t === "step-rej") this.settle(call, rejected(call.req, m));
    else this.settle(call, { type: "result", ok: m.ok, detail: m.detail });
  }

  /** Fails every outstanding call (shutdown, lost leadership). */
  close(): void {
    for (const call of [...this.calls.values()]) this.settle(call, { type: "timeout" });
  }

  private settle(call: Call, r: CallResult): void {
    if (this.calls.get(call.req.id) !== call) return;
    this.calls.delete(call.req.id);
    call.resolve(r);
  }

  private serve(from: string, req: Extract<StepMessage, { t: "step-req" }>): void {
    const key = `${from}\u0000${req.id}`;
    const done = this.finished.get(key);
    if (done !== undefined) {
      this.deps.send(from, done);
      return;
    }
    if (this.running.has(key)) {
      this.deps.send(from, { t: "step-ack", id: req.id });
      return;
    }
    const accepted = this.deps.acceptFrom(from, req.term);
    if (accepted.type === "unknown-term") return; // the resend is served once this agent catches up
    if (accepted.type === "refuse") {
      const reason = `${from} is not the leader this agent follows`;
      const rej: StepMessage =
        accepted.term === undefined
          ? { t: "step-rej", id: req.id, reason }
          : {
              t: "step-rej",
              id: req.id,
              reason: `${reason} (it follows term ${accepted.term})`,
              term: accepted.term,
            };
      this.deps.send(from, rej);
      return;
    }
    this.running.add(key);
    this.deps.send(from, { t: "step-ack", id: req.id });
    const { t: _t, ...body } = req;
    this.deps
      .performLocal(body)
      .catch((e: unknown) => ({ ok: false, detail: e instanceof Error ? e.message : String(e) }))
      .then((out) => {
        this.running.delete(key);
        const answer: StepMessage = {
          t: "step-res",
          id: req.id,
          ok: out.ok,
          detail: out.detail.slice(0, STEP_RPC_DETAIL_CHARS_MAX),
        };
        this.remember(key, answer);
        this.deps.send(from, answer);
      });
  }

  private remember(key: string, answer: StepMessage): void {
    if (this.finished.size >= STEP_RPC_FINISHED_REMEMBERED) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
    this.finished.set(key, answer);
  }
}
