// `keel rejoin -i host:port` reaches the agent beside that server through the local agent: a small
// request/answer on channel "j". The request is resent until answered (datagrams get lost) under
// one id, and the receiving agent runs each id once and repeats its answer to a resend. Deadlines
// are checked on tick(nowMs), driven by the agent's loop.
import { REJOIN_RPC_REMEMBERED, REJOIN_RPC_RESEND_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { RejoinOutcome } from "./reconciler.ts";

export const REJOIN_CHANNEL = "j";

export type RejoinMessage =
  | { t: "rj-req"; id: string; force: boolean }
  | { t: "rj-res"; id: string; outcome: RejoinOutcome };

const OUTCOME_KINDS: readonly RejoinOutcome["kind"][] = [
  "rejoined",
  "refused",
  "already-replica",
  "is-primary",
  "pending",
  "failed",
];

/** Checks the frame and the outcome's discriminant; the rest came from an authenticated peer. */
export function decodeRejoinMessage(v: unknown): Result<RejoinMessage, { code: "reconcile.bad-rpc" }> {
  const bad = err({ code: "reconcile.bad-rpc" as const });
  if (typeof v !== "object" || v === null) return bad;
  const m = v as Record<string, unknown>;
  if (typeof m.id !== "string" || m.id.length > 64) return bad;
  if (m.t === "rj-req")
    return typeof m.force === "boolean" ? ok({ t: "rj-req", id: m.id, force: m.force }) : bad;
  if (m.t !== "rj-res" || typeof m.outcome !== "object" || m.outcome === null) return bad;
  const o = m.outcome as Record<string, unknown>;
  if (!OUTCOME_KINDS.includes(o.kind as RejoinOutcome["kind"]) || typeof o.nodeId !== "string") return bad;
  return ok({ t: "rj-res", id: m.id, outcome: o as unknown as RejoinOutcome });
}

export interface RejoinRpcDeps {
  send(toNodeId: string, msg: RejoinMessage): void;
  /** Runs a request on this agent's own server. */
  handle(force: boolean, nowMs: number): Promise<RejoinOutcome>;
  newId(): string;
}

interface Call {
  to: string;
  msg: Extract<RejoinMessage, { t: "rj-req" }>;
  deadlineMs: number;
  nextSendMs: number;
  resolve(r: RejoinOutcome | null): void;
}

export class RejoinRpc {
  private readonly calls = new Map<string, Call>();
  /** Requests served here, by sender and id: the answer once known. */
  private readonly served = new Map<string, RejoinOutcome | null>();

  constructor(private readonly d: RejoinRpcDeps) {}

  /** Asks `to` to rejoin; null when no answer came within timeoutMs. */
  call(to: string, force: boolean, timeoutMs: number, nowMs: number): Promise<RejoinOutcome | null> {
    return new Promise((resolve) => {
      const id = this.d.newId();
      this.calls.set(id, {
        to,
        msg: { t: "rj-req", id, force },
        deadlineMs: nowMs + timeoutMs,
        nextSendMs: nowMs,
        resolve,
      });
      this.tick(nowMs);
    });
  }

  tick(nowMs: number): void {
    for (const [id, c] of this.calls) {
      if (nowMs >= c.deadlineMs) {
        this.calls.delete(id);
        c.resolve(null);
      } else if (nowMs >= c.nextSendMs) {
        c.nextSendMs = nowMs + REJOIN_RPC_RESEND_MS;
        this.d.send(c.to, c.msg);
      }
    }
  }

  onMessage(from: string, m: RejoinMessage, nowMs: number): void {
    if (m.t === "rj-res") {
      const c = this.calls.get(m.id);
      if (c === undefined || c.to !== from) return;
      this.calls.delete(m.id);
      c.resolve(m.outcome);
      return;
    }
    const key = `${from}\u0000${m.id}`;
    if (this.served.has(key)) {
      const known = this.served.get(key);
      if (known) this.d.send(from, { t: "rj-res", id: m.id, outcome: known });
      return; // still running: the answer goes out when it is known
    }
    if (this.served.size >= REJOIN_RPC_REMEMBERED) {
      const oldest = this.served.keys().next();
      if (!oldest.done) this.served.delete(oldest.value);
    }
    this.served.set(key, null);
    void this.d.handle(m.force, nowMs).then((outcome) => {
      if (this.served.has(key)) this.served.set(key, outcome);
      this.d.send(from, { t: "rj-res", id: m.id, outcome });
    });
  }

  /** Answers every waiting call with null (agent shutdown). */
  close(): void {
    for (const c of this.calls.values()) c.resolve(null);
    this.calls.clear();
  }
}
