// Where each panel goes, from 80×24 up. On a small terminal the panels stack and the topology
// (what an operator needs during an outage) keeps its rows first; from 120 columns the cluster
// list and the quorum panel share a row so the topology and events get more height.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type Overlay = "none" | "detail" | "help";

export interface LayoutModel {
  clusterCount: number;
  topologyLineCount: number;
  quorumMemberCount: number;
  /** Events the console holds (each is at least one line). */
  eventCount: number;
  overlay: Overlay;
}

export interface ScreenLayout {
  /** Title and selected cluster: the first row. */
  header: Rect;
  clusters: Rect;
  topology: Rect;
  quorum: Rect;
  events: Rect;
  /** Key hints: the last row. */
  footer: Rect;
  /** Detail or help, over the panels; null when none is open. */
  overlay: Rect | null;
  /** Below the smallest useful size: the caller shows a "make the terminal larger" line. */
  tooSmall: boolean;
}

/** Narrowest width at which the two-row top (cluster list beside quorum) is used. */
export const WIDE_LAYOUT_COLUMNS = 120;
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 12;

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

interface Want {
  /** Rows it must have before anything else is served. */
  min: number;
  /** Rows it gets from a fair share of the screen. */
  want: number;
  /** Rows it could use at all; served last, from what remains. */
  need: number;
}

/** Hands out rows in priority order, three rounds (min, want, need), never more than remain. */
function allocate(total: number, wants: Want[]): number[] {
  const out = wants.map(() => 0);
  let left = total;
  for (const round of ["min", "want", "need"] as const) {
    wants.forEach((w, i) => {
      const give = Math.min(left, Math.max(0, w[round] - (out[i] as number)));
      out[i] = (out[i] as number) + give;
      left -= give;
    });
  }
  return out;
}

function stacked(m: LayoutModel, width: number, top: number, body: number) {
  // Array order is priority within each round: the topology first, the cluster list (which
  // scrolls around the selection) last.
  const [topo = 0, quorum = 0, events = 0, clusters = 0] = allocate(body, [
    { min: 3, want: clamp(m.topologyLineCount, 3, Math.floor(body * 0.45)), need: m.topologyLineCount },
    {
      min: 2,
      want: clamp(m.quorumMemberCount + 2, 2, Math.floor(body * 0.25)),
      need: m.quorumMemberCount + 2,
    },
    { min: 3, want: clamp(m.eventCount + 1, 3, Math.floor(body * 0.25)), need: m.eventCount + 1 },
    { min: 2, want: clamp(m.clusterCount + 1, 2, Math.floor(body * 0.2)), need: m.clusterCount + 1 },
  ]);
  const rest = Math.max(0, body - topo - clusters - quorum - events);
  const row = (t: number, h: number): Rect => ({ left: 0, top: t, width, height: h });
  return {
    clusters: row(top, clusters),
    topology: row(top + clusters, topo),
    quorum: row(top + clusters + topo, quorum),
    events: row(top + clusters + topo + quorum, events + rest),
  };
}

function wide(m: LayoutModel, width: number, top: number, body: number) {
  const upperWant = Math.max(m.clusterCount + 1, m.quorumMemberCount + 2);
  const [topo = 0, events = 0, upper = 0] = allocate(body, [
    { min: 3, want: clamp(m.topologyLineCount, 3, Math.floor(body * 0.5)), need: m.topologyLineCount },
    { min: 3, want: clamp(m.eventCount + 1, 3, Math.floor(body * 0.25)), need: m.eventCount + 1 },
    { min: 3, want: clamp(upperWant, 3, Math.floor(body * 0.3)), need: upperWant },
  ]);
  const rest = Math.max(0, body - topo - upper - events);
  const leftWidth = Math.floor(width * 0.55);
  return {
    clusters: { left: 0, top, width: leftWidth, height: upper },
    quorum: { left: leftWidth, top, width: width - leftWidth, height: upper },
    topology: { left: 0, top: top + upper, width, height: topo },
    events: { left: 0, top: top + upper + topo, width, height: events + rest },
  };
}

export function layoutScreen(m: LayoutModel, width: number, height: number): ScreenLayout {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  const header: Rect = { left: 0, top: 0, width: w, height: Math.min(1, h) };
  const footer: Rect = { left: 0, top: Math.max(0, h - 1), width: w, height: h >= 2 ? 1 : 0 };
  const body = Math.max(0, h - 2);
  const panels =
    w >= WIDE_LAYOUT_COLUMNS ? wide(m, w, Math.min(1, h), body) : stacked(m, w, Math.min(1, h), body);
  const overlay: Rect | null =
    m.overlay === "none" ? null : { left: 0, top: Math.min(1, h), width: w, height: body };
  return { header, footer, ...panels, overlay, tooSmall: w < MIN_COLUMNS || h < MIN_ROWS };
}
