// Every agent's reconciler: after each probe, on each ledger change, and on the self-fence deadline
// it builds the reconcile input (reconcile-inputs.ts), asks the pure reconcile() what to do, and
// carries out the one server change it returns (reconcile-actions.ts). One change at a time, never
// overlapping; each logged and written to the audit log. Standing conditions (an errant old
// primary, auto_rejoin off) come back on every probe and are logged once per episode.
//
// Bootstrap: until the ledger has named any primary, the existing writable server is left alone,
// even by self-fencing: there is no other primary it could be competing with.
import { hungFenceDue, type LocalAction, type ReconcileEvent, reconcile } from "../failover/reconcile.ts";
import { err, type Result } from "../lib/result.ts";
import type { AgentKind } from "../model/cluster-view.ts";
import type { InstanceState } from "../model/instance-state.ts";
import type { LedgerState } from "../raft/ledger.ts";
import type { ActionDone, ReconcileActionError, ServerChange } from "./reconcile-actions.ts";
import { buildReconcileInput, type QuorumReading } from "./reconcile-inputs.ts";
import type { MemberInput } from "./member-facts.ts";

export interface ReconcilerLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface ReconcilerDeps {
  self: string;
  kind: AgentKind;
  cluster: string;
  /** This agent's server as other servers reach it ("host:port"); null for a witness. */
  selfAddress: string | null;
  settings: { fenceAfterMs: number; autoRejoin: boolean };
  /** How long a `keel rejoin` request stays in force when it cannot be honoured at once. */
  rejoinRequestTtlMs: number;
  monoMs(): number;
  wallMs(): number;
  ledger(): Readonly<LedgerState>;
  members(nowMs: number): readonly MemberInput[];
  quorum(nowMs: number): QuorumReading;
  perform(a: ServerChange): Promise<Result<ActionDone, ReconcileActionError>>;
  log: ReconcilerLog;
  /** Appends to the agent's audit log (kind, data); failures are the callee's to report. */
  audit(kind: string, data: Record<string, unknown>): void;
  /**
   * An operator override in force (operator-override.ts): the operator promoted this server
   * without a quorum, and no change at all is made to it, fencing included.
   */
  overridden?(nowMs: number): boolean;
}

/** What `keel rejoin` learns from the agent it asked. */
export type RejoinOutcome =
  | { kind: "rejoined"; nodeId: string; source: string; forced: boolean; changed: boolean }
  | { kind: "refused"; nodeId: string; event: ReconcileEvent }
  | { kind: "already-replica"; nodeId: string; primary: string }
  | { kind: "is-primary"; nodeId: string }
  | { kind: "pending"; nodeId: string; reason: RejoinPendingReason }
  | { kind: "failed"; nodeId: string; error: ReconcileActionError };

export type RejoinPendingReason =
  | "no-primary" // the ledger names no primary yet
  | "no-probe" // the local server has not been probed, or did not answer
  | "busy" // another change to the server is under way
  | "waiting"; // e.g. the primary's position has not been gossiped yet

interface Running {
  action: ServerChange;
  done: Promise<Result<ActionDone, ReconcileActionError>>;
}

function describeAction(a: ServerChange): Record<string, unknown> {
  switch (a.type) {
    case "set-read-only":
      return { action: a.type, reason: a.reason };
    case "set-writable":
      return { action: a.type, epoch: a.epoch };
    case "rejoin":
      return {
        action: a.type,
        source: `${a.sourceKey.host}:${a.sourceKey.port}`,
        sourceNodeId: a.sourceNodeId,
        forced: a.forced,
      };
    case "repoint":
      return {
        action: a.type,
        channel: a.channel,
        source: `${a.sourceKey.host}:${a.sourceKey.port}`,
        sourceNodeId: a.sourceNodeId,
      };
  }
}

export class Reconciler {
  private local: InstanceState | null = null;
  private running: Running | null = null;
  /** Wall ms the last change finished: probes started before it show the old state. */
  private changedAtWallMs = Number.NEGATIVE_INFINITY;
  private rejoin: { force: boolean; untilMs: number } | null = null;
  private standing = new Set<string>();
  private selfFenceArmed = true;
  private stopped = false;
  /** Monotonic ms of the latest probe that answered; null before the first. */
  private answeredAtMs: number | null = null;
  /** Since when the server has not answered (the last answer before the failures); null: it answers. */
  private unansweredSinceMs: number | null = null;
  /** How long the server had not answered when it answered again, until a decision has used it. */
  private hangGapMs = 0;
  /** read_only as the server last answered; null before any answer. */
  private lastReadOnly: boolean | null = null;

  constructor(private readonly d: ReconcilerDeps) {}

  /** While the server does not answer: for how long so far, and how it last answered. */
  private hungNow(nowMs: number): { forMs: number; lastReadOnly: boolean | null } | undefined {
    if (this.unansweredSinceMs === null) return undefined;
    return { forMs: nowMs - this.unansweredSinceMs, lastReadOnly: this.lastReadOnly };
  }

  /** A probe of the local server answered (or failed). */
  onProbe(state: InstanceState, nowMs: number): void {
    this.trackAnswers(state, nowMs);
    this.local = state;
    if (state.probedAtWallMs < this.changedAtWallMs) return; // shows the server before our change
    this.run(nowMs);
  }

  /**
   * A primary whose mysqld hung may have been failed over meanwhile (the leader outwaits it):
   * the gap goes to reconcile with the first answer, and stays until a decision has used it.
   */
  private trackAnswers(state: InstanceState, nowMs: number): void {
    if (!state.reachable) {
      this.unansweredSinceMs ??= this.answeredAtMs ?? nowMs;
      return;
    }
    if (this.unansweredSinceMs !== null)
      this.hangGapMs = Math.max(this.hangGapMs, nowMs - this.unansweredSinceMs);
    this.unansweredSinceMs = null;
    this.answeredAtMs = nowMs;
    this.lastReadOnly = state.readOnly;
  }

  /** The ledger applied an entry: a new primary or epoch must not wait for the next probe. */
  onLedgerChange(nowMs: number): void {
    this.run(nowMs);
  }

  /**
   * Called every loop tick: fencing must not wait for the next probe once fence_after has run out
   * (the probe interval would add up to its length to the time a cut-off primary takes writes).
   */
  tick(nowMs: number): void {
    const local = this.local;
    // A hung server's fence is kept asked for between probes (reconcile.ts fenceWhileHung), so
    // one attempt is always waiting when mysqld resumes.
    if (local !== null && !local.reachable && this.running === null && this.unansweredSinceMs !== null) {
      this.selfFenceArmed = true;
      if (hungFenceDue(this.hungNow(nowMs), this.d.settings.fenceAfterMs)) this.run(nowMs);
      return;
    }
    if (local === null || !local.reachable || local.readOnly) {
      this.selfFenceArmed = true;
      return;
    }
    const q = this.d.quorum(nowMs);
    if (q.reachable || q.lostForMs < this.d.settings.fenceAfterMs) {
      this.selfFenceArmed = true;
      return;
    }
    if (!this.selfFenceArmed || this.d.overridden?.(nowMs)) return;
    this.selfFenceArmed = false;
    this.run(nowMs);
  }

  /** `keel rejoin` for this server: honoured now if possible, else kept for a while. */
  async requestRejoin(force: boolean, nowMs: number): Promise<RejoinOutcome> {
    const nodeId = this.d.self;
    this.rejoin = { force, untilMs: nowMs + this.d.rejoinRequestTtlMs };
    this.d.log.info("rejoin requested", { force });
    if (this.running !== null) return { kind: "pending", nodeId, reason: "busy" };
    const decided = this.run(nowMs);
    const change = this.running as Running | null;
    if (change !== null && change.action.type === "rejoin") {
      const a = change.action;
      const r = await change.done;
      const source = `${a.sourceKey.host}:${a.sourceKey.port}`;
      return r.ok
        ? { kind: "rejoined", nodeId, source, forced: a.forced, changed: r.value.changed }
        : { kind: "failed", nodeId, error: r.error };
    }
    return this.whyNoRejoin(decided);
  }

  private whyNoRejoin(decided: LocalAction[] | null): RejoinOutcome {
    const nodeId = this.d.self;
    const local = this.local;
    if (this.d.ledger().primary === null) return { kind: "pending", nodeId, reason: "no-primary" };
    if (local === null || !local.reachable) return { kind: "pending", nodeId, reason: "no-probe" };
    const input = this.input(this.d.monoMs());
    const primary = input.ledger.primary;
    if (primary === null) return { kind: "pending", nodeId, reason: "no-primary" };
    if (primary.nodeId === nodeId) return { kind: "is-primary", nodeId };
    const refusal = decided?.find(
      (a) =>
        a.type === "emit-event" &&
        a.event.code !== "failover.fenced-not-primary" &&
        a.event.code !== "failover.self-fenced",
    );
    if (refusal?.type === "emit-event") return { kind: "refused", nodeId, event: refusal.event };
    if (decided === null || this.running !== null) return { kind: "pending", nodeId, reason: "busy" };
    const legitimate = [primary.key, ...input.ledger.primaryAddresses, ...input.attachedSources];
    const follows = local.channels.some((c) =>
      legitimate.some((k) => k.port === c.sourcePort && k.host.toLowerCase() === c.sourceHost.toLowerCase()),
    );
    if (follows) {
      this.rejoin = null;
      return { kind: "already-replica", nodeId, primary: primary.nodeId };
    }
    return { kind: "pending", nodeId, reason: "waiting" };
  }

  /** Waits for a change under way (agent shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.done;
  }

  /** For /api/state and tests. */
  status(): { inFlight: ServerChange | null; rejoinRequested: boolean; standing: string[] } {
    return {
      inFlight: this.running?.action ?? null,
      rejoinRequested: this.rejoin !== null,
      standing: [...this.standing],
    };
  }

  private input(nowMs: number) {
    if (this.rejoin !== null && nowMs > this.rejoin.untilMs) this.rejoin = null;
    return buildReconcileInput({
      self: this.d.self,
      kind: this.d.kind,
      cluster: this.d.cluster,
      selfAddress: this.d.selfAddress,
      ledger: this.d.ledger(),
      members: this.d.members(nowMs),
      local: this.local,
      quorum: this.d.quorum(nowMs),
      settings: this.d.settings,
      rejoinRequest: this.rejoin === null ? null : { force: this.rejoin.force },
      inFlight: this.running === null ? [] : [this.running.action],
      unansweredForMs: this.hangGapMs,
      ...(this.unansweredSinceMs === null ? {} : { hung: this.hungNow(nowMs) }),
    });
  }

  /** One decision; null when a change is already under way (one at a time). */
  private run(nowMs: number): LocalAction[] | null {
    if (this.stopped || this.d.kind === "witness" || this.local === null) return [];
    if (this.running !== null) return null;
    if (this.d.overridden?.(nowMs)) return [];
    const bootstrap = this.d.ledger().primary === null && this.d.ledger().epoch === 0;
    const input = this.input(nowMs);
    if (input.local?.reachable) this.hangGapMs = 0; // decided on: the next answer is not news
    const out = reconcile(input).filter(
      (a) =>
        !bootstrap ||
        !(
          (a.type === "set-read-only" && a.reason === "self-fence") ||
          (a.type === "emit-event" && a.event.code === "failover.self-fenced")
        ),
    );
    this.report(out.flatMap((a) => (a.type === "emit-event" ? [a.event] : [])));
    const change = out.find((a): a is ServerChange => a.type !== "emit-event");
    if (change !== undefined) this.start(change);
    return out;
  }

  /** Logs each event once per episode: while reconcile keeps reporting it, it is not news. */
  private report(events: readonly ReconcileEvent[]): void {
    const now = new Set<string>();
    for (const e of events) {
      const key = JSON.stringify(e);
      now.add(key);
      if (this.standing.has(key)) continue;
      const { code, ...fields } = e;
      this.d.log.warn(code, fields);
      this.d.audit("reconcile.event", { ...e });
    }
    this.standing = now;
  }

  private start(action: ServerChange): void {
    const fields = describeAction(action);
    this.d.log.info("reconcile: changing the server", fields);
    const startedMs = this.d.monoMs();
    // perform() returns failures as values; a throw is a bug, reported like a failure.
    const done = this.d
      .perform(action)
      .catch((e: unknown) => err({ code: "reconcile.action-threw" as const, detail: String(e) }))
      .then((r) => {
        this.finish(action, r, startedMs);
        return r;
      });
    this.running = { action, done };
  }

  private finish(action: ServerChange, r: Result<ActionDone, ReconcileActionError>, startedMs: number): void {
    const fields = { ...describeAction(action), tookMs: Math.round(this.d.monoMs() - startedMs) };
    this.running = null;
    this.changedAtWallMs = this.d.wallMs();
    if (r.ok) {
      if (action.type === "rejoin") this.rejoin = null;
      this.d.log.info("reconcile: server changed", { ...fields, changed: r.value.changed });
      this.d.audit("reconcile.action", { ...fields, outcome: "done", changed: r.value.changed });
      return;
    }
    this.d.log.error("reconcile: action failed", { ...fields, ...r.error });
    this.d.audit("reconcile.action", { ...fields, outcome: "failed", error: { ...r.error } });
  }
}
