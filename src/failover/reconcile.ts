// reconcile: what every agent does to its own server on every probe so that it matches what the
// ledger says. The server may be writable only while the ledger names this node primary of the
// current epoch and the agent reaches a quorum; an agent cut off from the quorum for fence_after
// fences its own server; a server not named primary is read-only and follows the primary when
// its GTIDs allow. A promotion's "make writable" and a recovered old primary's rejoin both
// converge through here. Pure: the runtime executes the returned actions and reports in-flight ones.
import type { AgentKind, LastKnownPosition, LedgerPrimary } from "../model/cluster-view.ts";
import type { InstanceKey, InstanceState, ReachableInstance } from "../model/instance-state.ts";
import type { ReconcileEvent } from "./reconcile-events.ts";
import { type Decision, decideTopology } from "./reconcile-topology.ts";
import { isFenced } from "./view-facts.ts";

export type { ReconcileEvent } from "./reconcile-events.ts";

/** Why a server is being made read-only. */
export type FenceReason =
  | "self-fence" // the agent lost the quorum for fence_after
  | "unresponsive" // named primary, the server answered again after not answering for fence_after
  | "not-primary" // the ledger names another primary
  | "switchover" // a switchover away from this primary is under way
  | "recovery"; // a recovery is replacing this primary

export type LocalAction =
  /** read_only on (plus super_read_only on MySQL). */
  | { type: "set-read-only"; reason: FenceReason }
  /** read_only off, as primary of `epoch` (the executor re-checks the epoch before acting). */
  | { type: "set-writable"; epoch: number }
  /** A server without replication becomes a replica of the primary (GTID auto-position). */
  | { type: "rejoin"; sourceNodeId: string; sourceKey: InstanceKey; forced: boolean }
  /** A replica's channel is moved to the primary (GTID auto-position). */
  | { type: "repoint"; channel: string; sourceNodeId: string; sourceKey: InstanceKey }
  | { type: "emit-event"; event: ReconcileEvent };

export interface ReconcileLedgerView {
  /** The ledger's primary and epoch; null before one is named (bootstrap). */
  primary: LedgerPrimary | null;
  /** Further addresses naming the primary's server (its probe address, report_host). */
  primaryAddresses: readonly InstanceKey[];
  /**
   * The unfinished recovery, if any: its plan owns the topology until it finishes. successor is
   * null until its plan is recorded (recovery-planned).
   */
  activeRecovery: { id: string; failedNodeId: string; successor: string | null } | null;
  /** The switchover intent, if one is under way. */
  switchover: { id: string; from: string; to: string } | null;
}

export interface ReconcileInput {
  self: string;
  kind: AgentKind;
  ledger: ReconcileLedgerView;
  /** This agent's latest probe of its own server; null before the first. */
  local: InstanceState | null;
  /**
   * lostForMs counts from the last contact with a majority; 0 while reachable. ledgerCurrent:
   * this agent's copy of the ledger provably holds everything the raft leader committed (see
   * RaftHost.ledgerCurrent); while it may be stale the server is never made writable, since the
   * majority may have named another primary meanwhile. Absent is taken as current, for callers
   * that model an always-current ledger; the runtime always supplies it.
   */
  quorum: { reachable: boolean; lostForMs: number; ledgerCurrent: boolean };
  settings: { fenceAfterMs: number; autoRejoin: boolean };
  /** The current primary's GTID position as last gossiped; null when not known yet. */
  primaryPosition: LastKnownPosition | null;
  /**
   * The primary's GTIDs when it was promoted: on MariaDB its @@gtid_slave_pos (kept by RESET SLAVE
   * ALL). Needed there to see a former primary's unreplicated tail (rejoin.ts); null when unknown.
   */
  primaryPromotedAt: string | null;
  /**
   * Addresses of members replicating from the primary, directly or through other such members:
   * the legitimate sources of a chained topology. A channel from anywhere else is moved.
   */
  attachedSources: readonly InstanceKey[];
  /** `keel rejoin` was asked for this server; force accepts errant GTIDs. */
  rejoinRequest: { force: boolean } | null;
  /** Actions the runtime is still executing: never asked for twice. */
  inFlight: readonly LocalAction[];
  /**
   * How long the local server had gone without answering this agent before the current probe
   * answered (0 or absent when the previous probe answered). A primary whose mysqld hung for
   * fence_after may have been failed over meanwhile: it is fenced the moment it answers again.
   */
  unansweredForMs?: number;
  /**
   * While the local server does not answer: for how long so far, and whether it was read-only at
   * its last answer. Absent: it answers (or nothing is known).
   */
  hung?: { forMs: number; lastReadOnly: boolean | null };
}

const fence = (reason: FenceReason, events: ReconcileEvent[] = []): Decision => ({
  action: { type: "set-read-only", reason },
  events,
});
const NOTHING: Decision = { action: null, events: [] };

/**
 * The primary is held fenced only while a recorded plan replaces it: the ledger's recovery has a
 * successor only once recovery-planned is applied. A mere switchover intent or a detected recovery
 * may still be refused by the planner (a mistaken `keel failover` of a healthy primary), and
 * fencing on it would stop writes for nothing; the plan's own fence step fences when it runs.
 */
function holdReason(input: ReconcileInput): FenceReason | null {
  const { self, ledger } = input;
  const planned = ledger.activeRecovery;
  if (planned === null || planned.successor === null) return null;
  if (ledger.switchover?.from === self && ledger.switchover.id === planned.id) return "switchover";
  return planned.failedNodeId === self ? "recovery" : null;
}

function asPrimary(input: ReconcileInput, local: ReachableInstance, primary: LedgerPrimary): Decision {
  const { self } = input;
  const hold = holdReason(input);
  if (hold !== null) return isFenced(local) ? NOTHING : fence(hold);
  if (local.channels.length > 0) {
    const sources = local.channels.map((c) => `${c.sourceHost}:${c.sourcePort}`);
    return { action: null, events: [{ code: "failover.primary-replicates", nodeId: self, sources }] };
  }
  if (!local.readOnly) return NOTHING;
  // Writable only as primary of the current epoch: a stale ledger (a healed old primary that has
  // not caught up yet) cannot know it still is; it waits like one without a quorum.
  if (!input.quorum.ledgerCurrent) return NOTHING;
  return { action: { type: "set-writable", epoch: primary.epoch }, events: [] };
}

/**
 * The other half of the leader's wait-fence-after step: while this server did not answer for
 * fence_after, the leader may have promoted another (its wait counts on exactly this). Whatever
 * this agent's copy of the ledger says, the server is fenced first (and one that answers fenced is
 * not made writable yet); if the ledger still names this node primary on the next probe, it is
 * made writable again.
 */
function fenceAfterHang(input: ReconcileInput, local: ReachableInstance): Decision | null {
  const unansweredForMs = input.unansweredForMs ?? 0;
  const { fenceAfterMs } = input.settings;
  if (unansweredForMs < fenceAfterMs) return null;
  if (input.ledger.primary?.nodeId !== input.self) return null; // not-primary fencing covers it
  // Back read-only (restarted, say): not made writable on this first answer either.
  if (isFenced(local)) return NOTHING;
  return fence("unresponsive", [
    { code: "failover.fenced-after-unresponsive", nodeId: input.self, unansweredForMs, fenceAfterMs },
  ]);
}

function decide(input: ReconcileInput, local: ReachableInstance): Decision {
  const { self, quorum, settings } = input;
  const primary = input.ledger.primary;
  const hung = fenceAfterHang(input, local);
  if (hung !== null) return hung;
  if (!quorum.reachable) {
    // Cut off, the ledger view may be stale: fencing is the one thing left to do.
    if (isFenced(local) || quorum.lostForMs < settings.fenceAfterMs) return NOTHING;
    const event: ReconcileEvent = {
      code: "failover.self-fenced",
      nodeId: self,
      lostForMs: quorum.lostForMs,
      fenceAfterMs: settings.fenceAfterMs,
    };
    return fence("self-fence", [event]);
  }
  if (primary === null) return NOTHING;
  if (primary.nodeId === self) return asPrimary(input, local, primary);
  if (!isFenced(local)) {
    // Only missing super_read_only: tighten quietly; a server that took writes is worth an event.
    if (local.readOnly) return fence("not-primary");
    const event: ReconcileEvent = {
      code: "failover.fenced-not-primary",
      nodeId: self,
      primaryNodeId: primary.nodeId,
      epoch: primary.epoch,
    };
    return fence("not-primary", [event]);
  }
  // A recovery or switchover in progress moves replicas itself; acting too would race its plan.
  if (input.ledger.activeRecovery !== null || input.ledger.switchover !== null) return NOTHING;
  return decideTopology(input, local, primary);
}

function isTopology(a: LocalAction): boolean {
  return a.type === "rejoin" || a.type === "repoint";
}

/** An action is held back while the same one, or one it would race, is still executing. */
function blockedBy(action: LocalAction, inFlight: readonly LocalAction[]): boolean {
  return inFlight.some((f) => {
    switch (action.type) {
      case "set-read-only":
        return f.type === "set-read-only";
      case "set-writable":
        return f.type === "set-writable" || f.type === "set-read-only";
      case "rejoin":
      case "repoint":
        return isTopology(f) || f.type === "set-writable";
      default:
        return false;
    }
  });
}

/** Last seen writable and unanswered for fence_after: fenceWhileHung's rule, for the loop's tick too. */
export function hungFenceDue(hung: ReconcileInput["hung"], fenceAfterMs: number): boolean {
  return hung !== undefined && hung.lastReadOnly === false && hung.forMs >= fenceAfterMs;
}

/**
 * A server that was writable and has not answered (a timeout: its port open, mysqld hung) for
 * fence_after: the fence is asked for now, and waits in line to land the instant mysqld answers.
 * Waiting for a probe to answer first is not enough: a resumed primary's commits wait for a
 * semi-sync ACK its detached replicas never send, the probe's status reads queue behind them
 * until the semi-sync timeout, and meanwhile the server takes writes (chaos seed 12: ~5 s).
 */
function fenceWhileHung(input: ReconcileInput): LocalAction[] {
  const local = input.local;
  if (local === null || local.reachable || local.reason !== "timeout") return [];
  if (!hungFenceDue(input.hung, input.settings.fenceAfterMs)) return [];
  const action: LocalAction = { type: "set-read-only", reason: "unresponsive" };
  return blockedBy(action, input.inFlight) ? [] : [action];
}

/**
 * The actions for this probe: at most one change to the server (the next one is decided from
 * the next probe, which shows the effect), plus events. Witnesses have nothing to reconcile.
 */
export function reconcile(input: ReconcileInput): LocalAction[] {
  const local = input.local;
  if (input.kind === "witness" || local === null) return [];
  if (!local.reachable) return fenceWhileHung(input);
  const { action, events } = decide(input, local);
  if (action !== null && blockedBy(action, input.inFlight)) return [];
  const out: LocalAction[] = action === null ? [] : [action];
  for (const event of events) out.push({ type: "emit-event", event });
  return out;
}
