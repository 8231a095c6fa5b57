// From what an observer holds (gossip members with decoded records, their ages, and optionally the
// ledger) to the two pictures keel reasons and shows with: ClusterView, the failover input, and the
// views' model (topology instances and a summary per cluster). Pure: ages arrive already relative
// to the observer's monotonic now; wall time is used only against the ledger's wall-clock deadlines.
import { type Analysis, type AnalysisSettings, analyzeCluster } from "../failover/analyze.ts";
import { errantTextAgainstLive } from "../failover/errant.ts";
import type { AnalysisCode } from "../model/analysis-code.ts";
import type {
  AgentView,
  ClusterView,
  DowntimeView,
  LedgerPrimary,
  PauseState,
} from "../model/cluster-view.ts";
import { formatInstanceKey, type ReachableInstance } from "../model/instance-state.ts";
import type { DowntimeNote, TopologyInstanceView } from "../model/topology-view.ts";
import { type ClusterSummary, summarizeCluster } from "./cluster-health.ts";
import {
  factsOf,
  lastKnownPositionOf,
  type MemberFacts,
  type MemberInput,
  parseInstanceKey,
  primaryCheckOf,
} from "./member-facts.ts";
import { inferPrimary } from "./primary-inference.ts";

export type { MemberInput } from "./member-facts.ts";
export { NEVER_MS } from "./member-facts.ts";

export interface LedgerDowntime {
  /** Node id or "host:port" the downtime names. */
  instance: string;
  untilWallMs: number;
  reason: string;
  owner: string;
}

/** The ledger of one cluster as plain data (the raft host provides it; absent before raft runs). */
export interface LedgerSnapshot {
  /** Node id or "host:port" of the current primary; null before the first promotion. */
  primary: string | null;
  epoch: number;
  paused: PauseState;
  downtimes: readonly LedgerDowntime[];
  /** A recovery is detected or planned and not finished. */
  recoveryActive: boolean;
  /** Whether the cluster's raft group has a quorum; null when unknown. */
  quorumOk: boolean | null;
}

export interface AssemblyInput {
  /** The observer's monotonic clock; every age in members is relative to it. */
  nowMs: number;
  /** The observer's wall clock, only to compare with the ledger's downtime deadlines. */
  nowWallMs: number;
  members: readonly MemberInput[];
  /** By cluster name. */
  ledgers?: Readonly<Record<string, LedgerSnapshot>>;
  /** For the display analysis (the views); failover runs its own over `view`. */
  analysisSettings?: Partial<AnalysisSettings>;
}

/** The primary the views show: the ledger's, else the inferred one. */
export interface ShownPrimary extends LedgerPrimary {
  inferred: boolean;
}

export interface AssembledCluster {
  cluster: string;
  /** Failover's input: its primary is the ledger's only, never an inferred one. */
  view: ClusterView;
  primary: ShownPrimary | null;
  /** DB instances (witnesses have none), in the order the members came. */
  instances: TopologyInstanceView[];
  summary: ClusterSummary;
  /** The display analysis, run against the shown primary. */
  analyses: Analysis[];
}

const NO_PAUSE: PauseState = { global: false, cluster: false };

function agentViewOf(f: MemberFacts): AgentView {
  return {
    nodeId: f.nodeId,
    kind: f.kind,
    memberStatus: f.status,
    recordAgeMs: f.stateAgeMs,
    key: f.key,
    instance: f.instance,
    lastKnownPosition: lastKnownPositionOf(f),
    datacenter: f.record?.datacenter ?? "",
    promotionRule: f.record?.promotionRule ?? "neutral",
    primaryCheck: primaryCheckOf(f),
    agentVersion: f.record?.agentVersion ?? "",
  };
}

function names(f: MemberFacts, name: string): boolean {
  return f.nodeId === name || (f.key !== null && formatInstanceKey(f.key) === name);
}

function ledgerPrimaryOf(ledger: LedgerSnapshot | undefined, members: readonly MemberFacts[]) {
  if (ledger === undefined || ledger.primary === null) return null;
  const name = ledger.primary;
  const f = members.find((m) => names(m, name));
  const key = f?.key ?? parseInstanceKey(name);
  if (key === null) return null;
  return { nodeId: f?.nodeId ?? name, key, epoch: ledger.epoch };
}

function shownPrimaryOf(ledgerPrimary: LedgerPrimary | null, members: readonly MemberFacts[]) {
  if (ledgerPrimary !== null) return { ...ledgerPrimary, inferred: false };
  const inferred = inferPrimary(members);
  if (inferred === null || inferred.key === null) return null;
  return { nodeId: inferred.nodeId, key: inferred.key, epoch: 0, inferred: true };
}

function activeDowntimes(ledger: LedgerSnapshot | undefined, nowWallMs: number): LedgerDowntime[] {
  return (ledger?.downtimes ?? []).filter((d) => d.untilWallMs > nowWallMs);
}

function downtimeViewsOf(
  downtimes: readonly LedgerDowntime[],
  members: readonly MemberFacts[],
  nowWallMs: number,
) {
  return downtimes.map(
    (d): DowntimeView => ({
      scope: "instance",
      nodeId: members.find((m) => names(m, d.instance))?.nodeId ?? d.instance,
      remainingMs: d.untilWallMs - nowWallMs,
      owner: d.owner,
      reason: d.reason,
    }),
  );
}

function errantText(inst: ReachableInstance | null, primaryInst: ReachableInstance | null): string | null {
  if (inst === null || primaryInst === null || inst === primaryInst || inst.channels.length === 0)
    return null;
  const errant = errantTextAgainstLive(inst, primaryInst);
  return errant.ok && errant.value !== "" ? errant.value : null;
}

interface InstanceContext {
  primary: ShownPrimary | null;
  primaryInst: ReachableInstance | null;
  downtimes: readonly LedgerDowntime[];
  analyses: readonly Analysis[];
}

function instanceViewOf(f: MemberFacts, ctx: InstanceContext): TopologyInstanceView | null {
  if (f.kind !== "agent" || f.key === null) return null;
  const d = ctx.downtimes.find((x) => names(f, x.instance));
  const downtime: DowntimeNote | null = d
    ? { untilWallMs: d.untilWallMs, reason: d.reason, owner: d.owner }
    : null;
  const live = f.instance?.reachable ? f.instance : null;
  const analysis: AnalysisCode[] = ctx.analyses
    .filter((a) => a.nodeId === f.nodeId && a.code !== "NoProblem")
    .map((a) => a.code);
  return {
    key: formatInstanceKey(f.key),
    nodeId: f.nodeId,
    instance: f.instance,
    lastReachable: f.lastReachable,
    agentStatus: f.status,
    stateAgeMs: f.stateAgeMs,
    downtime,
    errantGtids: errantText(live, ctx.primaryInst),
    isLedgerPrimary: ctx.primary?.nodeId === f.nodeId,
    promotionRule: f.record?.promotionRule ?? "neutral",
    datacenter: f.record?.datacenter ?? "",
    analysis,
  };
}

function clusterViewOf(cluster: string, members: readonly MemberFacts[], input: AssemblyInput): ClusterView {
  const ledger = input.ledgers?.[cluster];
  return {
    cluster,
    nowMs: input.nowMs,
    primary: ledgerPrimaryOf(ledger, members),
    agents: members.map(agentViewOf),
    downtimes: downtimeViewsOf(activeDowntimes(ledger, input.nowWallMs), members, input.nowWallMs),
    paused: ledger?.paused ?? NO_PAUSE,
  };
}

function assembleOne(
  cluster: string,
  members: readonly MemberFacts[],
  input: AssemblyInput,
): AssembledCluster {
  const ledger = input.ledgers?.[cluster];
  const view = clusterViewOf(cluster, members, input);
  const primary = shownPrimaryOf(view.primary, members);
  const analyses = analyzeCluster({ ...view, primary }, input.analysisSettings);
  const primaryFacts = primary === null ? undefined : members.find((m) => m.nodeId === primary.nodeId);
  const primaryInst = primaryFacts?.instance?.reachable ? primaryFacts.instance : null;
  const downtimes = activeDowntimes(ledger, input.nowWallMs);
  const ctx: InstanceContext = { primary, primaryInst, downtimes, analyses };
  const instances = members.flatMap((f) => instanceViewOf(f, ctx) ?? []);
  const summary = summarizeCluster({ cluster, primary, ledger, members, instances, analyses });
  return { cluster, view, primary, instances, summary, analyses };
}

/** Every cluster the members name, sorted by name; observers belong to none. */
export function assembleClusters(input: AssemblyInput): AssembledCluster[] {
  const byCluster = new Map<string, MemberFacts[]>();
  for (const m of input.members) {
    const f = factsOf(m);
    if (f === null) continue;
    const list = byCluster.get(f.cluster) ?? [];
    list.push(f);
    byCluster.set(f.cluster, list);
  }
  return [...byCluster.keys()]
    .sort()
    .map((cluster) => assembleOne(cluster, byCluster.get(cluster) as MemberFacts[], input));
}

/** Failover's input for one cluster, or null when no member of it is known. */
export function assembleClusterView(cluster: string, input: AssemblyInput): ClusterView | null {
  const members = input.members.flatMap((m) => {
    const f = factsOf(m);
    return f !== null && f.cluster === cluster ? [f] : [];
  });
  return members.length === 0 ? null : clusterViewOf(cluster, members, input);
}
