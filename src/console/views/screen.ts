// One whole frame: every panel rendered into its rectangle, exactly `height` lines of exactly
// `width` cells. The blessed layer draws these lines; TERM=dumb and tests print their text.
import type {
  ClusterSummaryView,
  EventView,
  QuorumView,
  TopologyInstanceView,
} from "../../model/topology-view.ts";
import { renderClusterList } from "./cluster-list.ts";
import { renderEventLog } from "./event-log.ts";
import { type ExtraKeyHelp, renderHelp, renderKeyHints } from "./help.ts";
import { renderInstanceDetail } from "./instance-detail.ts";
import { layoutScreen, MIN_COLUMNS, MIN_ROWS, type Rect } from "./layout.ts";
import { type Line, LineBuilder, padLine, type Span, truncateLine } from "./line.ts";
import { renderQuorumPanel } from "./quorum-panel.ts";
import { renderTopology } from "./topology-lines.ts";
import { buildTopologyTree, placeNodes } from "./topology-tree.ts";

/** `scrollLines` is how far the operator has scrolled the overlay down; clamped to its length. */
export type ScreenOverlay =
  | { kind: "detail"; instance: TopologyInstanceView; scrollLines?: number }
  | { kind: "help"; scrollLines?: number }
  | null;

export interface ScreenModel {
  clusters: readonly ClusterSummaryView[];
  selectedCluster: string | null;
  /** Instances of the selected cluster. */
  topology: readonly TopologyInstanceView[];
  /** Key of the highlighted instance, if any. */
  selectedInstance: string | null;
  quorum: QuorumView | null;
  events: readonly EventView[];
  overlay: ScreenOverlay;
  /** Shown at the right of the header, e.g. "observer via 10.0.0.5:7946". */
  status: string;
  /** Keys the caller added (the demo's), listed in the help and first in the key hints. */
  extraKeys?: readonly ExtraKeyHelp[];
}

function highlight(line: Line): Line {
  return {
    text: line.text,
    spans: [{ start: 0, end: [...line.text].length, style: "selected" }, ...line.spans],
  };
}

/**
 * Keeps a panel to its rows. When it overflows, the last row says which lines are on screen; the
 * window starts at `from` and moves down as far as needed to keep line `keep` visible.
 */
function fit(lines: Line[], height: number, keep: number | null = null, from = 0): Line[] {
  if (lines.length <= height) return lines;
  if (height <= 1) return lines.slice(0, height);
  const rows = height - 1;
  let start = Math.max(0, Math.min(from, lines.length - rows));
  if (keep !== null && keep >= start + rows) start = keep - rows + 1;
  const shown = lines.slice(start, start + rows);
  const where = `… lines ${start + 1}-${start + shown.length} of ${lines.length}`;
  return [...shown, new LineBuilder().add(where, "muted").build()];
}

function topologyPanel(m: ScreenModel, r: Rect): Line[] {
  const title = new LineBuilder()
    .add(`topology ${m.selectedCluster ?? "(no cluster selected)"}`, "heading")
    .build();
  const tree = buildTopologyTree(m.topology);
  const keys = placeNodes(tree).map((p) => p.node.view.key);
  const selected = m.selectedInstance === null ? -1 : keys.indexOf(m.selectedInstance);
  const lines = renderTopology(tree, { width: r.width }).map((l, i) => (i === selected ? highlight(l) : l));
  return [title, ...fit(lines, r.height - 1, selected >= 0 ? selected : null)];
}

function clustersPanel(m: ScreenModel, r: Rect): Line[] {
  const [header, ...rows] = renderClusterList(m.clusters, { width: r.width, selected: m.selectedCluster });
  const selected = m.clusters.findIndex((c) => c.cluster === m.selectedCluster);
  return [header as Line, ...fit(rows, r.height - 1, selected >= 0 ? selected : null)];
}

function eventsPanel(m: ScreenModel, r: Rect): Line[] {
  const title = new LineBuilder().add("events", "heading").build();
  return [title, ...renderEventLog(m.events, { width: r.width, height: r.height - 1 })];
}

function headerLine(m: ScreenModel, width: number): Line {
  const b = new LineBuilder().add("keel console", "heading");
  if (m.selectedCluster) b.add("  cluster ").add(m.selectedCluster, "primary");
  const room = width - b.length - 2;
  if (room > 0 && m.status !== "") {
    const status = truncateLine({ text: m.status, spans: [] }, room).text;
    b.add(" ".repeat(Math.max(2, width - b.length - [...status].length))).add(status, "muted");
  }
  return b.build();
}

interface Placed {
  rect: Rect;
  lines: Line[];
}

function paint(rows: { pieces: { left: number; line: Line }[] }[], p: Placed): void {
  for (let i = 0; i < p.rect.height; i++) {
    const row = rows[p.rect.top + i];
    if (!row) continue;
    const line = padLine(p.lines[i] ?? { text: "", spans: [] }, p.rect.width);
    row.pieces.push({ left: p.rect.left, line });
  }
}

function joinRow(pieces: { left: number; line: Line }[], width: number): Line {
  const sorted = [...pieces].sort((a, b) => a.left - b.left);
  let text = "";
  let at = 0;
  const spans: Span[] = [];
  for (const { left, line } of sorted) {
    if (left > at) {
      text += " ".repeat(left - at);
      at = left;
    }
    for (const s of line.spans) spans.push({ start: s.start + at, end: s.end + at, style: s.style });
    text += line.text;
    at += [...line.text].length;
  }
  return padLine({ text, spans }, width);
}

export function renderScreen(m: ScreenModel, width: number, height: number): Line[] {
  const layout = layoutScreen(
    {
      clusterCount: m.clusters.length,
      topologyLineCount: m.topology.length + 1,
      quorumMemberCount: m.quorum?.members.length ?? 0,
      eventCount: m.events.length,
      overlay: m.overlay === null ? "none" : m.overlay.kind,
    },
    width,
    height,
  );
  const rows = Array.from({ length: Math.max(0, height) }, () => ({
    pieces: [] as { left: number; line: Line }[],
  }));
  paint(rows, { rect: layout.header, lines: [headerLine(m, width)] });
  paint(rows, { rect: layout.footer, lines: [renderKeyHints(width, m.extraKeys)] });
  if (layout.tooSmall) {
    const msg = new LineBuilder()
      .add(`too small: ${width}x${height}, need ${MIN_COLUMNS}x${MIN_ROWS}`, "warn")
      .build();
    paint(rows, { rect: { left: 0, top: Math.min(1, height - 1), width, height: 1 }, lines: [msg] });
  } else if (m.overlay !== null && layout.overlay) {
    const r = layout.overlay;
    const lines =
      m.overlay.kind === "help"
        ? renderHelp(r.width, m.extraKeys)
        : renderInstanceDetail(m.overlay.instance, { width: r.width });
    paint(rows, { rect: r, lines: fit(lines, r.height, null, m.overlay.scrollLines ?? 0) });
  } else {
    paint(rows, { rect: layout.clusters, lines: clustersPanel(m, layout.clusters) });
    paint(rows, { rect: layout.topology, lines: topologyPanel(m, layout.topology) });
    paint(rows, {
      rect: layout.quorum,
      lines: fit(renderQuorumPanel(m.quorum, { width: layout.quorum.width }), layout.quorum.height),
    });
    paint(rows, { rect: layout.events, lines: eventsPanel(m, layout.events) });
  }
  return rows.map((r) => joinRow(r.pieces, Math.max(0, width)));
}
