// Findings about a primary that still serves and about individual replicas: replication stopped
// everywhere, a locked semi-sync primary, replicas attached to the wrong source, lag and errant
// GTIDs. None of them is a reason to promote another server.
import type { AgentView, ClusterView, LedgerPrimary } from "../model/cluster-view.ts";
import { formatInstanceKey, type InstanceKey, type ReachableInstance } from "../model/instance-state.ts";
import { type Analysis, type AnalysisSettings, makeAnalysis } from "./analysis.ts";
import { errantTextAgainstLive } from "./errant.ts";
import {
  addressesOf,
  channelSourceIn,
  channelTo,
  dbAgents,
  formatAgeMs,
  isReplicating,
  liveInstance,
  reachableInstance,
} from "./view-facts.ts";

export interface FindingContext {
  view: ClusterView;
  primary: LedgerPrimary;
  /** The primary's agent, when the view has one. */
  primaryAgent: AgentView | undefined;
  /** Addresses that name the primary's server. */
  primaryAddresses: InstanceKey[];
  settings: AnalysisSettings;
}

/** Members other than the primary whose server answers now through a fresh agent. */
function liveReplicas(ctx: FindingContext): { agent: AgentView; inst: ReachableInstance }[] {
  const out: { agent: AgentView; inst: ReachableInstance }[] = [];
  for (const agent of dbAgents(ctx.view)) {
    if (agent.nodeId === ctx.primary.nodeId) continue;
    const inst = liveInstance(agent, ctx.settings.staleAfterMs);
    if (inst !== null) out.push({ agent, inst });
  }
  return out;
}

export function allReplicasNotReplicating(ctx: FindingContext): Analysis | null {
  const replicas = liveReplicas(ctx).filter(
    ({ inst }) => inst.channels.length === 0 || channelTo(inst, ctx.primaryAddresses) !== undefined,
  );
  if (replicas.length === 0) return null;
  const evidence: string[] = [];
  for (const { agent, inst } of replicas) {
    const channel = channelTo(inst, ctx.primaryAddresses);
    if (channel !== undefined && isReplicating(channel)) return null;
    evidence.push(
      channel === undefined
        ? `${agent.nodeId}: no replication configured`
        : `${agent.nodeId}: IO thread ${channel.ioState}, SQL thread ${channel.sqlRunning ? "running" : "stopped"}`,
    );
  }
  return makeAnalysis("AllReplicasNotReplicating", {
    nodeId: ctx.primary.nodeId,
    key: ctx.primary.key,
    evidence,
    replicaNodeIds: replicas.map((r) => r.agent.nodeId),
    description: `primary ${ctx.primary.nodeId} serves, but none of its ${replicas.length} replicas is replicating`,
  });
}

export function lockedSemiSyncPrimary(ctx: FindingContext, primaryInst: ReachableInstance): Analysis | null {
  const s = primaryInst.semiSync;
  const stalledMs = ctx.primaryAgent?.binlogStalledForMs;
  if (!s.sourceEnabled || !s.sourceActive || s.sourceClients >= s.waitForReplicaCount) return null;
  if (stalledMs === undefined || stalledMs < ctx.settings.lockedSemiSyncAfterMs) return null;
  return makeAnalysis("LockedSemiSyncPrimary", {
    nodeId: ctx.primary.nodeId,
    key: ctx.primary.key,
    evidence: [
      `${ctx.primary.nodeId}: semi-sync source active, ${s.sourceClients} of ${s.waitForReplicaCount} acknowledging replicas connected`,
      `${ctx.primary.nodeId}: binlog position unchanged for ${formatAgeMs(stalledMs)}`,
    ],
    description: `primary ${ctx.primary.nodeId} waits for semi-sync acknowledgements that cannot come: commits are blocked`,
  });
}

/** Members attached to the primary, directly or through other attached members. */
function attachedAgents(ctx: FindingContext): Set<AgentView> {
  const members = dbAgents(ctx.view);
  const attached = new Set<AgentView>(ctx.primaryAgent === undefined ? [] : [ctx.primaryAgent]);
  const addresses: InstanceKey[] = [...ctx.primaryAddresses];
  let grew = true;
  while (grew) {
    grew = false;
    for (const agent of members) {
      const inst = reachableInstance(agent);
      if (attached.has(agent) || inst === null) continue;
      if (inst.channels.some((c) => channelSourceIn(c, addresses))) {
        attached.add(agent);
        addresses.push(...addressesOf(agent));
        grew = true;
      }
    }
  }
  return attached;
}

export function replicasWithWrongSource(ctx: FindingContext): Analysis[] {
  const attachedAddresses = [...attachedAgents(ctx)].flatMap(addressesOf).concat(ctx.primaryAddresses);
  const out: Analysis[] = [];
  for (const { agent, inst } of liveReplicas(ctx)) {
    const wrong = inst.channels.filter((c) => !channelSourceIn(c, attachedAddresses));
    if (wrong.length === 0) continue;
    const sources = wrong.map((c) => formatInstanceKey({ host: c.sourceHost, port: c.sourcePort }));
    out.push(
      makeAnalysis("ReplicaWrongSource", {
        nodeId: agent.nodeId,
        key: agent.key ?? inst.key,
        evidence: wrong.map(
          (c) => `${agent.nodeId}: channel '${c.name}' replicates from ${c.sourceHost}:${c.sourcePort}`,
        ),
        description: `${agent.nodeId} replicates from ${sources.join(", ")}, which is neither primary ${ctx.primary.nodeId} nor a member replicating from it`,
      }),
    );
  }
  return out;
}

export function laggingReplicas(ctx: FindingContext): Analysis[] {
  const out: Analysis[] = [];
  for (const { agent, inst } of liveReplicas(ctx)) {
    let worst: { lagSeconds: number; name: string } | null = null;
    for (const c of inst.channels) {
      if (c.secondsBehind === null) continue;
      const lagSeconds = c.secondsBehind - c.sqlDelaySeconds;
      if (lagSeconds > ctx.settings.lagWarnSeconds && (worst === null || lagSeconds > worst.lagSeconds)) {
        worst = { lagSeconds, name: c.name };
      }
    }
    if (worst === null) continue;
    out.push(
      makeAnalysis("ReplicationLag", {
        nodeId: agent.nodeId,
        key: agent.key ?? inst.key,
        evidence: [`${agent.nodeId}: channel '${worst.name}' ${worst.lagSeconds} s behind its source`],
        description: `${agent.nodeId} lags ${worst.lagSeconds} s (warning above ${ctx.settings.lagWarnSeconds} s)`,
      }),
    );
  }
  return out;
}

export function errantReplicas(ctx: FindingContext, primaryInst: ReachableInstance): Analysis[] {
  const out: Analysis[] = [];
  for (const { agent, inst } of liveReplicas(ctx)) {
    const errant = errantTextAgainstLive(inst, primaryInst);
    // Unparseable or cross-flavor positions are reported by the probe and candidate choice.
    if (!errant.ok || errant.value === "") continue;
    const text = errant.value;
    out.push(
      makeAnalysis("ErrantGTID", {
        nodeId: agent.nodeId,
        key: agent.key ?? inst.key,
        evidence: [`${agent.nodeId}: executed GTIDs missing on ${ctx.primary.nodeId}: ${text}`],
        description: `${agent.nodeId} has transactions its primary ${ctx.primary.nodeId} never had (${text}); it cannot be promoted safely`,
      }),
    );
  }
  return out;
}
