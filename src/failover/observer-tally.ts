// Counting the observers of a primary: each DB agent's direct handshake to it is one vote, counted
// only while fresh. A vote confirms the failure once it has failed for the whole window.
import type { AgentView } from "../model/cluster-view.ts";
import type { ObserverTally } from "./analysis.ts";
import { formatAgeMs, isAgentFresh, majorityOf } from "./view-facts.ts";

export type ObserverVote = "confirmed" | "pending" | "reaching" | "silent";

export function observerVote(agent: AgentView, windowMs: number, staleAfterMs: number): ObserverVote {
  const check = agent.primaryCheck;
  if (!isAgentFresh(agent, staleAfterMs) || check === null || check.checkedAgeMs > staleAfterMs) {
    return "silent";
  }
  if (check.ok) return "reaching";
  return check.failingForMs >= windowMs ? "confirmed" : "pending";
}

export function tallyObservers(
  observers: readonly AgentView[],
  windowMs: number,
  staleAfterMs: number,
): ObserverTally {
  const tally: ObserverTally = {
    observers: observers.length,
    needed: majorityOf(observers.length),
    windowMs,
    confirmed: [],
    pending: [],
    reaching: [],
    silent: [],
  };
  for (const agent of observers) tally[observerVote(agent, windowMs, staleAfterMs)].push(agent.nodeId);
  return tally;
}

/** One audit line per observer: what its check said and how old it is. */
export function observerEvidence(agent: AgentView, vote: ObserverVote): string {
  const check = agent.primaryCheck;
  if (vote === "silent") {
    if (check === null) return `${agent.nodeId}: no primary check reported`;
    return `${agent.nodeId}: no fresh primary check (agent ${agent.memberStatus}, record ${formatAgeMs(agent.recordAgeMs)} old, check ${formatAgeMs(check.checkedAgeMs)} old)`;
  }
  if (check === null || vote === "reaching") return `${agent.nodeId}: reaches the primary`;
  const code = check.errorCode === undefined ? "" : ` (${check.errorCode})`;
  return `${agent.nodeId}: primary check failing for ${formatAgeMs(check.failingForMs)}${code}`;
}
