// One line per replication cluster: health at a glance, the primary, and the detected problems by
// the names orchestrator users know (DeadMaster, UnreachableMaster, …).
import { orchestratorName } from "../../model/analysis-code.ts";
import type { ClusterHealth, ClusterSummaryView } from "../../model/topology-view.ts";
import { displayWidth, type Line, LineBuilder, type Style, truncateLine } from "./line.ts";

const HEALTH: Record<ClusterHealth, { word: string; style: Style }> = {
  ok: { word: "ok", style: "ok" },
  degraded: { word: "degraded", style: "warn" },
  "failing-over": { word: "failing over", style: "error" },
  "no-quorum": { word: "no quorum", style: "error" },
  unknown: { word: "unknown", style: "muted" },
};

export function healthWord(health: ClusterHealth): string {
  return HEALTH[health].word;
}

export function healthStyle(health: ClusterHealth): Style {
  return HEALTH[health].style;
}

export interface ClusterListOptions {
  width: number;
  /** Name of the highlighted cluster, if any. */
  selected?: string | null;
}

interface Columns {
  cluster: number;
  primary: number;
  /** Epoch and instance count; dropped when the problems would get too little room. */
  counts: boolean;
}

const HEALTH_COLUMN = 12;
const EPOCH_COLUMN = 5;
const COUNT_COLUMN = 4;
/** Room the problems column needs to show one typical orchestrator name whole. */
const PROBLEMS_MIN = 26;

function columnsFor(clusters: readonly ClusterSummaryView[], width: number): Columns {
  const longest = (f: (c: ClusterSummaryView) => string, min: number, max: number): number =>
    Math.min(max, Math.max(min, ...clusters.map((c) => displayWidth(f(c)))));
  const cluster = longest((c) => c.cluster, 7, 20);
  const primary = longest((c) => c.primaryKey ?? "-", 7, 21);
  const fixed = 2 + cluster + 1 + HEALTH_COLUMN + 1 + primary + 1;
  return { cluster, primary, counts: width - fixed - (EPOCH_COLUMN + COUNT_COLUMN + 2) >= PROBLEMS_MIN };
}

function headerLine(cols: Columns, width: number): Line {
  const b = new LineBuilder().add("  ");
  b.cell("CLUSTER", cols.cluster, "heading").add(" ").cell("HEALTH", HEALTH_COLUMN, "heading").add(" ");
  b.cell("PRIMARY", cols.primary, "heading").add(" ");
  if (cols.counts)
    b.cell("EPOCH", EPOCH_COLUMN, "heading").add(" ").cell("INST", COUNT_COLUMN, "heading").add(" ");
  return truncateLine(b.add("PROBLEMS", "heading").build(), width);
}

function clusterLine(c: ClusterSummaryView, cols: Columns, selected: boolean, width: number): Line {
  const b = new LineBuilder().add(selected ? "> " : "  ");
  b.cell(c.cluster, cols.cluster, selected ? "selected" : undefined).add(" ");
  b.cell(healthWord(c.health), HEALTH_COLUMN, healthStyle(c.health)).add(" ");
  b.cell(c.primaryKey ?? "-", cols.primary, c.primaryKey ? "primary" : "error").add(" ");
  if (cols.counts)
    b.cell(String(c.epoch), EPOCH_COLUMN).add(" ").cell(String(c.instanceCount), COUNT_COLUMN).add(" ");
  const names = c.problems.filter((p) => p !== "NoProblem").map(orchestratorName);
  if (names.length === 0) b.add("-", "muted");
  else b.add(names.join(", "), c.health === "ok" ? "warn" : healthStyle(c.health));
  return truncateLine(b.build(), width);
}

/** A header then the clusters in the order given (the caller keeps that order stable under the cursor). */
export function renderClusterList(clusters: readonly ClusterSummaryView[], opts: ClusterListOptions): Line[] {
  const cols = columnsFor(clusters, opts.width);
  const lines = [headerLine(cols, opts.width)];
  for (const c of clusters) lines.push(clusterLine(c, cols, c.cluster === opts.selected, opts.width));
  if (clusters.length === 0)
    lines.push(truncateLine(new LineBuilder().add("  no clusters known yet", "muted").build(), opts.width));
  return lines;
}
