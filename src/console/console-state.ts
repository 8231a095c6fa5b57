// Everything the console remembers between frames, and the pure steps that change it when data
// arrives or an action reports progress. Keys are handled in keys.ts; both return new states and
// never touch the terminal, so every path is table-tested without one.
import { CONSOLE_EVENTS_MAX } from "../lib/limits.ts";
import type { EventSeverity, EventView, TopologyInstanceView } from "../model/topology-view.ts";
import {
  type ActionOutcome,
  type ActionRequest,
  actionTitle,
  describeAction,
  type ExtraActionRequest,
} from "./action-request.ts";
import { type ConsoleCluster, type ConsoleSnapshot, linkLost, type SourceLink } from "./console-source.ts";
import { appendEvent } from "./views/event-log.ts";
import { buildTopologyTree, placeNodes } from "./views/topology-tree.ts";

export type Focus = "clusters" | "instances";

export const DOWNTIME_CHOICES = [
  { label: "30m", durationMs: 30 * 60_000 },
  { label: "1h", durationMs: 60 * 60_000 },
  { label: "4h", durationMs: 4 * 60 * 60_000 },
  { label: "custom", durationMs: null },
] as const;

/** A modal question; while one is open every key goes to it. */
export type Dialog =
  | { kind: "switchover-pick"; cluster: string; fromKey: string; candidates: string[]; index: number }
  | { kind: "failover-type"; cluster: string; primaryKey: string | null; typed: string; mismatch: boolean }
  | { kind: "downtime-pick"; cluster: string; instance: string; index: number }
  | { kind: "downtime-custom"; cluster: string; instance: string; typed: string; problem: string | null }
  /** A y/N question about one fully described action. */
  | { kind: "confirm"; action: ActionRequest }
  /** Why a key did nothing (no eligible replica, an action already running…); any key closes it. */
  | { kind: "notice"; title: string; text: string };

export type Overlay =
  | { kind: "help"; scroll: number }
  | { kind: "detail"; key: string; scroll: number }
  | null;

/**
 * A key a caller adds to the console (the demo's K and R). It is listed in the help and the key
 * hints; pressed, it opens a y/N confirmation of the action `request` describes for the selected
 * cluster, or a notice saying why it can't be done now. `request` must be pure.
 */
export interface ExtraKey {
  /** The character typed ("K"); matched exactly, so "K" and "k" are different keys. */
  ch: string;
  /** One or two words for the key-hint line ("kill primary"). */
  hint: string;
  /** The help overlay's sentence. */
  description: string;
  request(
    s: ConsoleState,
    c: ConsoleCluster,
  ): ExtraActionRequest | { notice: { title: string; text: string } };
}

export interface ConsoleState {
  data: ConsoleSnapshot | null;
  link: SourceLink;
  focus: Focus;
  selectedCluster: string | null;
  selectedInstance: string | null;
  overlay: Overlay;
  dialog: Dialog | null;
  /** The action being run, if any: one at a time, so two operations never race from one console. */
  running: ActionRequest | null;
  /** The console's own events (operator actions, their steps and results). */
  log: EventView[];
  /** The operator's name for ledger records ("by", "owner"). */
  operator: string;
  /** Keys the caller added (none in a plain `keel console`). */
  extraKeys?: readonly ExtraKey[];
}

export function initialState(opts: {
  cluster?: string | null;
  operator: string;
  extraKeys?: readonly ExtraKey[];
}): ConsoleState {
  return {
    ...(opts.extraKeys ? { extraKeys: opts.extraKeys } : {}),
    data: null,
    link: { kind: "waiting" },
    focus: "instances",
    selectedCluster: opts.cluster ?? null,
    selectedInstance: null,
    overlay: null,
    dialog: null,
    running: null,
    log: [],
    operator: opts.operator,
  };
}

export function clusterOf(s: ConsoleState, name: string | null = s.selectedCluster): ConsoleCluster | null {
  if (name === null || s.data === null) return null;
  return s.data.clusters.find((c) => c.summary.cluster === name) ?? null;
}

/** Instance keys of the selected cluster in the order the topology panel prints them. */
export function instanceOrder(instances: readonly TopologyInstanceView[]): string[] {
  return placeNodes(buildTopologyTree(instances)).map((p) => p.node.view.key);
}

export function selectedInstanceView(s: ConsoleState): TopologyInstanceView | null {
  const c = clusterOf(s);
  if (!c || s.selectedInstance === null) return null;
  return c.instances.find((i) => i.key === s.selectedInstance) ?? null;
}

/** The key of the cluster's primary: the ledger's, else the summary's. */
export function primaryKeyOf(c: ConsoleCluster): string | null {
  return c.instances.find((i) => i.isLedgerPrimary)?.key ?? c.summary.primaryKey;
}

/**
 * Replicas a planned switchover may promote: answering, replicating, agent alive, not downtimed,
 * and not barred by promotion rule. keel re-checks on the leader; this only builds the list.
 */
export function switchoverCandidates(c: ConsoleCluster): string[] {
  const primary = primaryKeyOf(c);
  const eligible = c.instances.filter(
    (i) =>
      i.key !== primary &&
      i.instance?.reachable === true &&
      i.instance.channels.length > 0 &&
      i.agentStatus === "alive" &&
      i.downtime === null &&
      i.promotionRule !== "must_not",
  );
  const order = instanceOrder(c.instances);
  return eligible.map((i) => i.key).sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Keeps the selection on the same cluster and instance when they still exist, else the first. */
function reselect(s: ConsoleState): ConsoleState {
  const clusters = s.data?.clusters ?? [];
  let selectedCluster = s.selectedCluster;
  if (!clusters.some((c) => c.summary.cluster === selectedCluster))
    selectedCluster = clusters[0]?.summary.cluster ?? selectedCluster;
  const next = { ...s, selectedCluster };
  const c = clusterOf(next);
  const order = c ? instanceOrder(c.instances) : [];
  let selectedInstance = s.selectedInstance;
  if (selectedInstance === null || !order.includes(selectedInstance)) selectedInstance = order[0] ?? null;
  return { ...next, selectedInstance };
}

export function applySnapshot(s: ConsoleState, data: ConsoleSnapshot): ConsoleState {
  return reselect({ ...s, data, link: { kind: "live", atWallMs: data.takenAtWallMs } });
}

export function sourceFailed(s: ConsoleState, problem: string, nowWallMs: number): ConsoleState {
  return { ...s, link: linkLost(s.link, problem, nowWallMs) };
}

export function selectCluster(s: ConsoleState, name: string): ConsoleState {
  if (name === s.selectedCluster) return s;
  return reselect({ ...s, selectedCluster: name, selectedInstance: null });
}

function logEvent(
  s: ConsoleState,
  cluster: string,
  severity: EventSeverity,
  text: string,
  nowWallMs: number,
): ConsoleState {
  const event: EventView = { atWallMs: nowWallMs, cluster, kind: "operator", severity, text };
  return { ...s, log: appendEvent(s.log, event) };
}

/** The shell started running `action`: the dialog is gone and the log says what was asked. */
export function actionStarted(s: ConsoleState, action: ActionRequest, nowWallMs: number): ConsoleState {
  const started = { ...s, running: action, dialog: null };
  return logEvent(
    started,
    action.cluster,
    "info",
    `${s.operator}: ${describeAction(action, nowWallMs)}`,
    nowWallMs,
  );
}

export function actionStep(s: ConsoleState, text: string, nowWallMs: number): ConsoleState {
  const cluster = s.running?.cluster ?? s.selectedCluster ?? "";
  return logEvent(s, cluster, "info", text, nowWallMs);
}

export function actionFinished(s: ConsoleState, outcome: ActionOutcome, nowWallMs: number): ConsoleState {
  const action = s.running;
  if (action === null) return s;
  const title = actionTitle(action);
  const done = { ...s, running: null };
  return outcome.ok
    ? logEvent(done, action.cluster, "info", `${title}: done: ${outcome.summary}`, nowWallMs)
    : logEvent(
        done,
        action.cluster,
        "error",
        `${title}: FAILED: ${outcome.problem}; next: ${outcome.fix}`,
        nowWallMs,
      );
}

/** The source's events and the console's own, in time order, at most CONSOLE_EVENTS_MAX. */
export function mergedEvents(s: ConsoleState): EventView[] {
  const all = [...(s.data?.events ?? []), ...s.log];
  all.sort((a, b) => a.atWallMs - b.atWallMs);
  return all.length > CONSOLE_EVENTS_MAX ? all.slice(all.length - CONSOLE_EVENTS_MAX) : all;
}
