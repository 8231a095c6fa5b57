// Counting the observers of a primary: each DB agent's direct handshake to it is one vote, counted
// only while fresh. A vote confirms the failure once it has failed for the whole window, and only
// a failure that means mysqld is down counts (check-failure.ts): an error sent by the server
// itself is a vote that the primary is reached, one on the observer's own side is no vote at all.
import type { AgentView } from "../model/cluster-view.ts";
import type { ObserverTally } from "./analysis.ts";
import { checkFailureVerdict } from "./check-failure.ts";
import { formatAgeMs, isAgentFresh, majorityOf } from "./view-facts.ts";

export type ObserverVote = "confirmed" | "pending" | "reaching" | "silent";

function hasFreshCheck(agent: AgentView, staleAfterMs: number): boolean {
  const check = agent.primaryCheck;
  return isAgentFresh(agent, staleAfterMs) && check !== null && check.checkedAgeMs <= staleAfterMs;
}

export function observerVote(agent: AgentView, windowMs: number, staleAfterMs: number): ObserverVote {
  const check = agent.primaryCheck;
  if (check === null || !hasFreshCheck(agent, staleAfterMs)) return "silent";
  if (check.ok) return "reaching";
  switch (checkFailureVerdict(check.errorCode)) {
    case "alive":
      return "reaching";
    case "unknown":
      return "silent";
    case "down":
      return check.failingForMs >= windowMs ? "confirmed" : "pending";
  }
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

/** One audit line per observer: what its check said, how old it is, and how it was counted. */
export function observerEvidence(agent: AgentView, staleAfterMs: number): string {
  const check = agent.primaryCheck;
  if (check === null) return `${agent.nodeId}: no primary check reported`;
  if (!hasFreshCheck(agent, staleAfterMs))
    return `${agent.nodeId}: no fresh primary check (agent ${agent.memberStatus}, record ${formatAgeMs(agent.recordAgeMs)} old, check ${formatAgeMs(check.checkedAgeMs)} old)`;
  if (check.ok) return `${agent.nodeId}: reaches the primary`;
  const code = check.errorCode === undefined ? "" : ` (${check.errorCode})`;
  switch (checkFailureVerdict(check.errorCode)) {
    case "alive":
      return `${agent.nodeId}: reaches the primary, whose mysqld answered with an error${code}`;
    case "unknown":
      return `${agent.nodeId}: primary check failing${code} on the observer's side, which says nothing about mysqld: not counted`;
    case "down":
      return `${agent.nodeId}: primary check failing for ${formatAgeMs(check.failingForMs)}${code}`;
  }
}
