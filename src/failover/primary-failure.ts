// Is the cluster's primary dead? Two independent sides must agree: the primary's own side (its agent
// says mysqld is down, or the agent itself has gone silent) and a majority of the other DB agents,
// whose direct handshakes have failed for the confirmation window. Anything short of that is an
// alert, never a failover.
import type { AgentView, ClusterView, LedgerPrimary } from "../model/cluster-view.ts";
import type { InstanceKey, UnreachableReason } from "../model/instance-state.ts";
import {
  type Analysis,
  type AnalysisSettings,
  makeAnalysis,
  type ObserverTally,
  type PrimaryEvidence,
} from "./analysis.ts";
import { observerEvidence, tallyObservers } from "./observer-tally.ts";
import {
  addressesOf,
  channelTo,
  dbAgents,
  findAgent,
  formatAgeMs,
  isAgentFresh,
  isReplicating,
  reachableInstance,
} from "./view-facts.ts";

/** Probe failures that mean nothing is serving on the port (mysqld crashed or was stopped). */
const MYSQLD_DOWN_REASONS: readonly UnreachableReason[] = ["refused", "reset"];

/**
 * Only refused/reset (down) and timeout (hung) speak against the server. An error the server sent
 * (auth, too many connections: reason "auth"/"error") proves it alive, and a failure on the agent's
 * own side (dns, an unknown client error) proves nothing: neither may start a failover.
 */
function primaryEvidenceOf(agent: AgentView | undefined, staleAfterMs: number): PrimaryEvidence | null {
  if (agent === undefined || !isAgentFresh(agent, staleAfterMs)) return "agent-unreachable";
  const inst = agent.instance;
  if (inst === null || inst.reachable) return null;
  if (MYSQLD_DOWN_REASONS.includes(inst.reason)) return "mysqld-down";
  return inst.reason === "timeout" ? "mysqld-unresponsive" : null;
}

function primarySideLine(primary: LedgerPrimary, agent: AgentView | undefined): string {
  if (agent === undefined) return `${primary.nodeId} (primary): no agent record in the view`;
  const age = `record ${formatAgeMs(agent.recordAgeMs)} old`;
  const inst = agent.instance;
  if (inst === null) return `${agent.nodeId} (primary): agent ${agent.memberStatus}, ${age}, no probe yet`;
  if (inst.reachable) return `${agent.nodeId} (primary): agent ${agent.memberStatus}, ${age}, mysqld answers`;
  return `${agent.nodeId} (primary): agent ${agent.memberStatus}, ${age}, mysqld ${inst.reason} (${inst.errorCode})`;
}

/** Why the primary's own side does not count against it (primaryEvidenceOf returned null). */
function ownSideVouches(agent: AgentView | undefined): string {
  const inst = agent?.instance ?? null;
  if (inst === null) return "its own agent has not probed it yet";
  if (inst.reachable) return "its own agent reaches it";
  return `its own agent's probe fails with ${inst.reason} (${inst.errorCode}), which does not show mysqld down`;
}

interface ReplicaFacts {
  /** Members known to replicate directly from the primary, plus members whose source is unknown. */
  replicas: AgentView[];
  /** Of those: agent silent or server not answering. */
  dead: AgentView[];
  /** Fresh replicas still replicating from the primary while their own check does not confirm. */
  stillReplicating: AgentView[];
  evidence: string[];
}

function replicaFacts(
  observers: readonly AgentView[],
  addresses: readonly InstanceKey[],
  tally: ObserverTally,
  staleAfterMs: number,
): ReplicaFacts {
  const facts: ReplicaFacts = { replicas: [], dead: [], stillReplicating: [], evidence: [] };
  for (const agent of observers) {
    const inst = reachableInstance(agent);
    const channel = inst === null ? undefined : channelTo(inst, addresses);
    if (inst !== null && channel === undefined) continue; // chained or detached: not a direct replica
    facts.replicas.push(agent);
    const fresh = isAgentFresh(agent, staleAfterMs);
    if (!fresh || inst === null) {
      facts.dead.push(agent);
      continue;
    }
    if (channel === undefined) continue;
    const io = channel.lastIoErrno === 0 ? "" : ` (${channel.lastIoErrno}: ${channel.lastIoError})`;
    facts.evidence.push(
      `${agent.nodeId}: IO thread ${channel.ioState}, SQL thread ${channel.sqlRunning ? "running" : "stopped"}${io}`,
    );
    if (isReplicating(channel) && !tally.confirmed.includes(agent.nodeId)) facts.stillReplicating.push(agent);
  }
  return facts;
}

function deadPrimaryAnalysis(
  primary: LedgerPrimary,
  side: PrimaryEvidence,
  tally: ObserverTally,
  facts: ReplicaFacts,
  evidence: string[],
): Analysis {
  const base = {
    nodeId: primary.nodeId,
    key: primary.key,
    evidence,
    confirmations: tally,
    primaryEvidence: side,
    hostUnreachable: side !== "mysqld-down",
    replicaNodeIds: facts.replicas.map((a) => a.nodeId),
  };
  const why = `${side === "mysqld-down" ? "its own agent reports mysqld down" : side === "agent-unreachable" ? "its agent is unreachable" : "its own agent cannot get an answer from mysqld"}, and ${tally.confirmed.length} of ${tally.observers} observers confirm`;
  if (facts.replicas.length === 0) {
    return makeAnalysis("DeadPrimaryWithoutReplicas", {
      ...base,
      description: `primary ${primary.nodeId} is dead (${why}) and has no replicas to promote`,
    });
  }
  if (facts.dead.length > 0) {
    const live = facts.replicas.length - facts.dead.length;
    return makeAnalysis("DeadPrimaryAndSomeReplicas", {
      ...base,
      actionable: live > 0,
      description: `primary ${primary.nodeId} is dead (${why}); replicas also down: ${facts.dead.map((a) => a.nodeId).join(", ")}`,
    });
  }
  return makeAnalysis("DeadPrimary", {
    ...base,
    actionable: true,
    description: `primary ${primary.nodeId} is dead (${why}); no replica is replicating from it`,
  });
}

function unconfirmedReason(tally: ObserverTally, facts: ReplicaFacts): string {
  if (tally.reaching.length > 0) return `${tally.reaching.join(", ")} still reach it`;
  if (facts.stillReplicating.length > 0) {
    return `${facts.stillReplicating.map((a) => a.nodeId).join(", ")} still replicate from it`;
  }
  return `${tally.confirmed.length} of ${tally.needed} needed confirmations (window ${formatAgeMs(tally.windowMs)})`;
}

/** The one primary-level finding, or null when every observer reaches a primary that vouches for itself. */
export function analyzePrimary(
  view: ClusterView,
  primary: LedgerPrimary,
  settings: AnalysisSettings,
): Analysis | null {
  const agent = findAgent(view, primary.nodeId);
  const side = primaryEvidenceOf(agent, settings.staleAfterMs);
  const windowMs = side === "mysqld-down" ? settings.mysqldDownConfirmWindowMs : settings.confirmWindowMs;
  const observers = dbAgents(view).filter((a) => a.nodeId !== primary.nodeId);
  const tally = tallyObservers(observers, windowMs, settings.staleAfterMs);
  const addresses = [primary.key, ...(agent === undefined ? [] : addressesOf(agent))];
  const facts = replicaFacts(observers, addresses, tally, settings.staleAfterMs);
  const evidence = [
    primarySideLine(primary, agent),
    ...observers.map((o) => observerEvidence(o, settings.staleAfterMs)),
    ...facts.evidence,
  ];
  const failing = tally.confirmed.length + tally.pending.length;
  const common = { nodeId: primary.nodeId, key: primary.key, evidence, confirmations: tally };
  const replicaNodeIds = facts.replicas.map((a) => a.nodeId);

  if (side === null) {
    if (failing === 0) return null;
    return makeAnalysis("UnreachablePrimary", {
      ...common,
      replicaNodeIds,
      description: `${failing} of ${tally.observers} observers cannot reach primary ${primary.nodeId}, but ${ownSideVouches(agent)}`,
    });
  }
  const confirmed =
    tally.confirmed.length >= tally.needed &&
    tally.reaching.length === 0 &&
    facts.stillReplicating.length === 0;
  if (confirmed) return deadPrimaryAnalysis(primary, side, tally, facts, evidence);
  const primaryServes = tally.reaching.length > 0 || facts.stillReplicating.length > 0;
  if (side === "agent-unreachable" && failing === 0 && primaryServes) {
    return makeAnalysis("PrimaryAgentDown", {
      ...common,
      primaryEvidence: side,
      replicaNodeIds,
      description: `the agent of primary ${primary.nodeId} is unreachable, but its server still serves the observers and replicas; no failover`,
    });
  }
  return makeAnalysis("UnreachablePrimary", {
    ...common,
    primaryEvidence: side,
    hostUnreachable: side !== "mysqld-down",
    replicaNodeIds,
    description: `primary ${primary.nodeId} may be down but is not confirmed dead: ${unconfirmedReason(tally, facts)}`,
  });
}
