// Is a step's effect already in place? The executor asks before running a step (a step found done
// is recorded done without acting again: how a resumed plan skips what the last leader finished)
// and after, to verify. Waits are done only through this check; hooks cannot be observed.
import { type GtidState, parseGtidState } from "../gtid/compare.ts";
import type { InstanceKey, ReachableInstance } from "../model/instance-state.ts";
import type { InstanceState } from "../model/instance-state.ts";
import { gtidContains } from "./gtid-position.ts";
import type { StepAction } from "./plan-steps.ts";
import { channelTo, isFenced, isReplicating } from "./view-facts.ts";

export interface StepFacts {
  /** The ledger as the checker knows it. */
  ledger: { primary: string | null; epoch: number };
  /** Latest probe of each member's server; missing or null: nothing known. */
  instances: Readonly<Record<string, InstanceState | null>>;
  /** Addresses naming each member's server: replicas may point at any of them. */
  addresses: Readonly<Record<string, readonly InstanceKey[]>>;
  /**
   * How long each member's agent has not been heard from, in the checker's own clock. A member
   * never heard since the checker started should be given the checker's uptime, not 0 or omitted.
   */
  silentForMs: Readonly<Record<string, number>>;
  /**
   * How long each member's server has gone without answering its own agent (since that agent's
   * last successful probe), in the checker's own clock; only for members whose latest fresh probe
   * failed. Missing: not known, and a hung old primary is then never taken for fenced by time.
   */
  unansweredForMs?: Readonly<Record<string, number>>;
}

export type StepCheck =
  | { state: "done" }
  | { state: "pending"; why: string }
  /** The step can never be done any more (another primary change won the ledger). */
  | { state: "impossible"; why: string }
  /** Hooks leave nothing to observe: only the recorded outcome tells. */
  | { state: "unobservable" };

const DONE: StepCheck = { state: "done" };
const pending = (why: string): StepCheck => ({ state: "pending", why });

function reachable(facts: StepFacts, nodeId: string): ReachableInstance | null {
  const inst = facts.instances[nodeId];
  return inst?.reachable ? inst : null;
}

function executedState(inst: ReachableInstance): GtidState | null {
  const text = inst.mariadbGtid?.currentPos || inst.gtidExecuted;
  const parsed = parseGtidState(text, inst.flavor);
  return parsed.ok ? parsed.value : null;
}

function contains(a: GtidState | null, b: GtidState | null): boolean {
  if (a === null || b === null) return false;
  const r = gtidContains(a, b);
  return r.ok && r.value;
}

function relayApplied(inst: ReachableInstance): boolean {
  const executed = executedState(inst);
  return inst.channels.every((c) => {
    const retrieved = parseGtidState(c.retrievedGtidSet, inst.flavor);
    return retrieved.ok && contains(executed, retrieved.value);
  });
}

function replicatesFrom(facts: StepFacts, nodeId: string, sourceNodeId: string): StepCheck {
  const inst = reachable(facts, nodeId);
  if (inst === null) return pending(`${nodeId} does not answer`);
  const channel = channelTo(inst, facts.addresses[sourceNodeId] ?? []);
  if (channel === undefined) return pending(`${nodeId} has no channel from ${sourceNodeId}`);
  return isReplicating(channel)
    ? DONE
    : pending(
        `${nodeId}: IO thread ${channel.ioState}, SQL thread ${channel.sqlRunning ? "running" : "stopped"}`,
      );
}

function setPrimaryCheck(a: Extract<StepAction, { kind: "set-primary" }>, facts: StepFacts): StepCheck {
  const { primary, epoch } = facts.ledger;
  if (epoch <= a.expectedEpoch) return pending(`the ledger is still at epoch ${epoch}`);
  if (primary === a.nodeId) return DONE;
  return { state: "impossible", why: `the ledger moved to ${primary ?? "no primary"} at epoch ${epoch}` };
}

/**
 * A server may be writable only as the ledger's primary of exactly this epoch: anything else is
 * "impossible", so neither a resumed plan nor a verification takes a writable server for done (or
 * makes one writable) once another primary change has won, or before this one has.
 */
function writableAllowed(
  a: Extract<StepAction, { kind: "make-writable" }>,
  facts: StepFacts,
): StepCheck | null {
  const { primary, epoch } = facts.ledger;
  if (primary === a.nodeId && epoch === a.epoch) return null;
  return {
    state: "impossible",
    why: `the ledger names ${primary ?? "no primary"} at epoch ${epoch}, not ${a.nodeId} at epoch ${a.epoch}`,
  };
}

function serverCheck(a: StepAction, facts: StepFacts, inst: ReachableInstance): StepCheck {
  switch (a.kind) {
    case "detach":
      if (inst.channels.some((c) => c.ioState !== "no")) return pending(`${a.nodeId} is still receiving`);
      return relayApplied(inst) ? DONE : pending(`${a.nodeId} has relay log left to apply`);
    case "reattach":
      return inst.channels.every((c) => c.ioState !== "no")
        ? DONE
        : pending(`${a.nodeId} has an IO thread stopped`);
    case "wait-relay-applied":
      return relayApplied(inst) ? DONE : pending(`${a.nodeId} has relay log left to apply`);
    case "wait-caught-up": {
      const from = reachable(facts, a.fromNodeId);
      if (from === null || !isFenced(from)) return pending(`${a.fromNodeId} is not answering fenced`);
      return contains(executedState(inst), executedState(from))
        ? DONE
        : pending(`${a.nodeId} lacks GTIDs of ${a.fromNodeId}`);
    }
    case "promote":
      return inst.channels.length === 0 ? DONE : pending(`${a.nodeId} still has a replication channel`);
    case "make-writable":
      return inst.readOnly ? pending(`${a.nodeId} is read-only`) : DONE;
    case "fence":
      return isFenced(inst) ? DONE : pending(`${a.nodeId} is not fenced`);
    case "demote":
      return isFenced(inst)
        ? replicatesFrom(facts, a.nodeId, a.sourceNodeId)
        : pending(`${a.nodeId} is not fenced`);
    case "repoint":
      return replicatesFrom(facts, a.nodeId, a.sourceNodeId);
    default:
      return pending("not a server step");
  }
}

/**
 * The old primary cannot take writes once the new one can (see the wait-fence-after step): seen
 * fenced or with nothing listening in a fresh probe, or its agent silent for waitMs (self-fenced
 * without the quorum), or its agent unable to reach a hung server for waitMs (it fences the server
 * when it answers: reconcile.ts). An answering but writable server, or an agent that cannot log in,
 * never counts: its agent fences it, and the step completes on the next fresh probe.
 */
function oldPrimaryFenced(a: Extract<StepAction, { kind: "wait-fence-after" }>, facts: StepFacts): StepCheck {
  const silentMs = facts.silentForMs[a.nodeId];
  if (silentMs !== undefined && silentMs >= a.waitMs) return DONE;
  const inst = facts.instances[a.nodeId] ?? null;
  if (inst === null) {
    if (silentMs === undefined) return pending(`nothing known of the agent of ${a.nodeId}`);
    return pending(`the agent of ${a.nodeId} has been silent ${silentMs} ms`);
  }
  if (inst.reachable) return isFenced(inst) ? DONE : pending(`${a.nodeId} answers and is not fenced yet`);
  if (inst.reason === "refused" || inst.reason === "reset") return DONE;
  const unansweredMs = facts.unansweredForMs?.[a.nodeId];
  if (inst.reason === "timeout" && unansweredMs !== undefined && unansweredMs >= a.waitMs) return DONE;
  const since = unansweredMs === undefined ? "" : ` for ${unansweredMs} ms`;
  return pending(`${a.nodeId} does not answer its agent${since} (${inst.reason}, ${inst.errorCode})`);
}

export function checkStepDone(a: StepAction, facts: StepFacts): StepCheck {
  switch (a.kind) {
    case "run-hooks":
      return { state: "unobservable" };
    case "set-primary":
      return setPrimaryCheck(a, facts);
    case "wait-fence-after":
      return oldPrimaryFenced(a, facts);
    default: {
      const refused = a.kind === "make-writable" ? writableAllowed(a, facts) : null;
      if (refused !== null) return refused;
      const inst = reachable(facts, a.nodeId);
      return inst === null ? pending(`${a.nodeId} does not answer`) : serverCheck(a, facts, inst);
    }
  }
}
