// What the agent's HTTP endpoints show: /api/state (everything it knows, no secrets) and /metrics.
import { AGENT_MEMBER_STALE_MS } from "../lib/limits.ts";
import type { AgentParts } from "./agent-parts.ts";
import { type AgentState, buildAgentState } from "./agent-state.ts";

export function agentState(p: AgentParts): AgentState {
  const nowMs = p.clock.monoMs();
  return buildAgentState(
    {
      self: {
        nodeId: p.config.nodeId,
        cluster: p.config.cluster,
        kind: p.kind,
        version: p.version,
        address: p.selfAddr,
        incarnation: p.gossip.node.incarnation,
        healthScore: p.gossip.node.healthScore,
      },
      members: p.gossip.members(nowMs),
      envelopeDrops: p.channels.envelopeDrops.snapshot(),
      channelDrops: p.channels.channelDropCounts(),
      traffic: p.channels.stats(),
      raft: p.raftState(),
    },
    p.decodeCache,
    { recordFreshMs: 2 * p.keepaliveMs, heardFreshMs: AGENT_MEMBER_STALE_MS },
  );
}

export function metricsText(p: AgentParts): string {
  return p.metrics.render({
    members: p.gossip.members(p.clock.monoMs()),
    traffic: p.channels.stats(),
    envelopeDrops: p.channels.envelopeDrops.snapshot(),
    channelDrops: p.channels.channelDropCounts(),
    healthScore: p.gossip.node.healthScore,
    pendingBroadcasts: p.gossip.node.pendingBroadcasts,
  });
}
