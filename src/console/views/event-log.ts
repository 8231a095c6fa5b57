// The event log: detections, recovery steps, hook output, refusals, newest at the bottom like a
// terminal scrolls. Severity is spelled out as a word too, so it survives --no-color.
import { CONSOLE_EVENTS_MAX } from "../../lib/limits.ts";
import type { EventSeverity, EventView } from "../../model/topology-view.ts";
import { displayWidth, type Line, LineBuilder, padText, type Style, truncateLine, wrapText } from "./line.ts";
import { formatClock } from "./time-text.ts";

const SEVERITY_STYLE: Record<EventSeverity, Style | undefined> = {
  info: undefined,
  warn: "warn",
  error: "error",
};
const KIND_COLUMN = 13;
const CLUSTER_COLUMN_MAX = 12;

/** Appends an event, dropping the oldest beyond `max`; returns a new array. */
export function appendEvent(
  events: readonly EventView[],
  event: EventView,
  max = CONSOLE_EVENTS_MAX,
): EventView[] {
  const next = [...events, event];
  return next.length > max ? next.slice(next.length - max) : next;
}

export interface EventLogOptions {
  width: number;
  /** Lines available; the newest events that fit are shown. */
  height: number;
}

function eventLines(e: EventView, clusterColumn: number, width: number): Line[] {
  const b = new LineBuilder().add(formatClock(e.atWallMs), "muted").add(" ");
  b.add(padText(e.cluster, clusterColumn)).add(" ");
  b.cell(e.severity, 5, SEVERITY_STYLE[e.severity]).add(" ");
  b.cell(e.kind, KIND_COLUMN, "muted").add(" ");
  const lead = b.length;
  const style = SEVERITY_STYLE[e.severity];
  const continued = (text: string, indent: number): Line =>
    truncateLine(new LineBuilder().add(" ".repeat(indent)).add(text, style).build(), width);
  // Narrow screens give the text its own lines rather than a sliver of a column.
  if (width - lead < 20) {
    return [truncateLine(b.build(), width), ...wrapText(e.text, width - 2).map((t) => continued(t, 2))];
  }
  const [first = "", ...rest] = wrapText(e.text, width - lead);
  return [truncateLine(b.add(first, style).build(), width), ...rest.map((t) => continued(t, lead))];
}

/** The newest events that fit in `height` lines, oldest first; a long text wraps under its own column. */
export function renderEventLog(events: readonly EventView[], opts: EventLogOptions): Line[] {
  const height = Math.max(0, Math.floor(opts.height));
  if (height === 0) return [];
  if (events.length === 0)
    return [truncateLine(new LineBuilder().add("no events yet", "muted").build(), opts.width)];
  const recent = events.slice(Math.max(0, events.length - height));
  const clusterColumn = Math.min(CLUSTER_COLUMN_MAX, Math.max(...recent.map((e) => displayWidth(e.cluster))));
  const out: Line[] = [];
  // Whole events only, so the top line is never the tail of a cut event; a single event taller
  // than the panel shows its beginning.
  for (let i = recent.length - 1; i >= 0; i--) {
    const lines = eventLines(recent[i] as EventView, clusterColumn, opts.width);
    if (out.length === 0 && lines.length > height) return lines.slice(0, height);
    if (out.length + lines.length > height) break;
    out.unshift(...lines);
  }
  return out;
}
