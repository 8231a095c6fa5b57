// What the console shows, as one snapshot, and the port it comes through. The real source
// (live-console-source.ts) reads an agent's API or joins the gossip as an observer; tests hand in
// fixed snapshots. A source that fails is not fatal: the console keeps the last snapshot and says
// in its header that the data is stale and why.
import type { CodedError } from "../cli/command.ts";
import type { Result } from "../lib/result.ts";
import type {
  ClusterSummaryView,
  EventView,
  QuorumView,
  TopologyInstanceView,
} from "../model/topology-view.ts";

export interface ConsoleCluster {
  summary: ClusterSummaryView;
  /** Every instance of the cluster, in any order (the views sort them into a tree). */
  instances: TopologyInstanceView[];
  quorum: QuorumView | null;
  /** Whether automatic recovery is paused for this cluster; null when the ledger is unknown. */
  paused: boolean | null;
}

export interface ConsoleSnapshot {
  clusters: ConsoleCluster[];
  /** Events the source knows (ledger recoveries, detections, membership), oldest first. */
  events: EventView[];
  /** Where the data came from, for the header: "agent 127.0.0.1:31080", "observer via …". */
  origin: string;
  takenAtWallMs: number;
}

export interface ConsoleSource {
  snapshot(): Promise<Result<ConsoleSnapshot, CodedError>>;
  /** Releases sockets; the console calls it once on exit. */
  close(): Promise<void>;
}

/** The source's health as the header shows it. */
export type SourceLink =
  | { kind: "waiting" }
  | { kind: "live"; atWallMs: number }
  | { kind: "lost"; problem: string; sinceWallMs: number; lastGoodWallMs: number | null };

/** The link after a failed look: the loss keeps its first time and the last good data's time. */
export function linkLost(link: SourceLink, problem: string, nowWallMs: number): SourceLink {
  const sinceWallMs = link.kind === "lost" ? link.sinceWallMs : nowWallMs;
  const lastGoodWallMs =
    link.kind === "live" ? link.atWallMs : link.kind === "lost" ? link.lastGoodWallMs : null;
  return { kind: "lost", problem, sinceWallMs, lastGoodWallMs };
}
