// Chained topologies: a replica that other members replicate from is an intermediate primary. When
// its server or agent is gone and none of its replicas is replicating from it any more, those
// replicas need a new source (the cluster primary, by GTID auto-position).
import type { AgentView, ClusterView, LedgerPrimary } from "../model/cluster-view.ts";
import { type Analysis, makeAnalysis } from "./analysis.ts";
import {
  addressesOf,
  channelTo,
  dbAgents,
  formatAgeMs,
  isAgentFresh,
  isReplicating,
  liveInstance,
  reachableInstance,
} from "./view-facts.ts";

function intermediateDown(agent: AgentView, staleAfterMs: number): string | null {
  if (!isAgentFresh(agent, staleAfterMs)) {
    return `${agent.nodeId}: agent ${agent.memberStatus}, record ${formatAgeMs(agent.recordAgeMs)} old`;
  }
  const inst = agent.instance;
  if (inst === null || inst.reachable || inst.reason === "auth") return null;
  return `${agent.nodeId}: own agent reports mysqld ${inst.reason} (${inst.errorCode})`;
}

function analyzeIntermediate(
  agent: AgentView,
  members: readonly AgentView[],
  staleAfterMs: number,
): Analysis | null {
  const addresses = addressesOf(agent);
  const children = members.filter((m) => {
    const inst = reachableInstance(m);
    return m !== agent && inst !== null && channelTo(inst, addresses) !== undefined;
  });
  if (children.length === 0) return null;
  const down = intermediateDown(agent, staleAfterMs);
  if (down === null) return null;
  const evidence = [down];
  let liveChildren = 0;
  for (const child of children) {
    const inst = liveInstance(child, staleAfterMs);
    const channel = inst === null ? undefined : channelTo(inst, addresses);
    if (channel === undefined) {
      evidence.push(`${child.nodeId}: no fresh state`);
      continue;
    }
    // One replica still pulling from it proves the intermediate serves; its agent is what failed.
    if (isReplicating(channel)) return null;
    liveChildren++;
    evidence.push(`${child.nodeId}: IO thread ${channel.ioState} from ${agent.nodeId}`);
  }
  if (liveChildren === 0) return null;
  return makeAnalysis("DeadIntermediatePrimary", {
    nodeId: agent.nodeId,
    key: agent.key,
    actionable: true,
    evidence,
    replicaNodeIds: children.map((c) => c.nodeId),
    description: `intermediate primary ${agent.nodeId} is down and its replicas (${children.map((c) => c.nodeId).join(", ")}) are not replicating; repoint them`,
  });
}

export function deadIntermediatePrimaries(
  view: ClusterView,
  primary: LedgerPrimary,
  staleAfterMs: number,
): Analysis[] {
  const members = dbAgents(view);
  const out: Analysis[] = [];
  for (const agent of members) {
    if (agent.nodeId === primary.nodeId) continue;
    const found = analyzeIntermediate(agent, members, staleAfterMs);
    if (found !== null) out.push(found);
  }
  return out;
}
