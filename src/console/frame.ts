// One frame of the console from its state: the pure views' screen, a header that says how fresh
// the data is (and loudly when the source is lost), and any open dialog drawn over the middle.
import { CONSOLE_SNAPSHOT_STALE_MS } from "../lib/limits.ts";
import { actionTitle } from "./action-request.ts";
import { type ConsoleState, clusterOf, mergedEvents } from "./console-state.ts";
import { dialogBox } from "./dialog-lines.ts";
import { type Line, padLine, type Span } from "./views/line.ts";
import { renderScreen, type ScreenModel, type ScreenOverlay } from "./views/screen.ts";
import { formatAge, formatClock } from "./views/time-text.ts";

/** The header's status: link health first (it is what matters when it is bad), then what runs. */
export function statusText(s: ConsoleState, nowWallMs: number): { text: string; alarm: boolean } {
  const parts: string[] = [];
  let alarm = false;
  const link = s.link;
  if (link.kind === "waiting") parts.push("connecting");
  else if (link.kind === "lost") {
    alarm = true;
    const shown =
      link.lastGoodWallMs === null ? "no data yet" : `data from ${formatClock(link.lastGoodWallMs)} UTC`;
    parts.push(`SOURCE LOST ${formatAge(nowWallMs - link.sinceWallMs)}: ${link.problem}; ${shown}`);
  } else {
    const ageMs = nowWallMs - link.atWallMs;
    if (ageMs > CONSOLE_SNAPSHOT_STALE_MS) {
      alarm = true;
      parts.push(`STALE ${formatAge(ageMs)}`);
    }
  }
  if (s.running) parts.push(`running: ${actionTitle(s.running)}`);
  parts.push(`focus ${s.focus}`);
  if (s.data) parts.push(s.data.origin);
  return { text: parts.join(" | "), alarm };
}

function overlayOf(s: ConsoleState): ScreenOverlay {
  const o = s.overlay;
  if (o === null) return null;
  if (o.kind === "help") return { kind: "help", scrollLines: o.scroll };
  const instance = clusterOf(s)?.instances.find((i) => i.key === o.key);
  return instance ? { kind: "detail", instance, scrollLines: o.scroll } : null;
}

export function screenModelOf(s: ConsoleState, nowWallMs: number): ScreenModel {
  const c = clusterOf(s);
  return {
    clusters: s.data?.clusters.map((x) => x.summary) ?? [],
    selectedCluster: s.selectedCluster,
    topology: c?.instances ?? [],
    selectedInstance: s.selectedInstance,
    quorum: c?.quorum ?? null,
    events: mergedEvents(s),
    overlay: overlayOf(s),
    status: statusText(s, nowWallMs).text,
    ...(s.extraKeys
      ? { extraKeys: s.extraKeys.map((k) => ({ key: k.ch, hint: k.hint, description: k.description })) }
      : {}),
  };
}

/** Writes `piece` over `base` from column `left`, keeping the base's styles outside it. */
export function overlayLine(base: Line, piece: Line, left: number): Line {
  const chars = [...base.text];
  const width = [...piece.text].length;
  const text = chars.slice(0, left).join("") + piece.text + chars.slice(left + width).join("");
  const spans: Span[] = [];
  for (const sp of base.spans) {
    if (sp.start < left) spans.push({ ...sp, end: Math.min(sp.end, left) });
    if (sp.end > left + width) spans.push({ ...sp, start: Math.max(sp.start, left + width) });
  }
  for (const sp of piece.spans) spans.push({ ...sp, start: sp.start + left, end: sp.end + left });
  return { text, spans: spans.filter((sp) => sp.end > sp.start) };
}

/** Marks the header's status in the error style when the data can't be trusted. */
function alarmHeader(line: Line, status: string): Line {
  const at = line.text.lastIndexOf(status.slice(0, 12));
  if (at < 0) return line;
  const start = [...line.text.slice(0, at)].length;
  const end = [...line.text].length;
  return {
    text: line.text,
    spans: [...line.spans.filter((sp) => sp.end <= start), { start, end, style: "error" }],
  };
}

export function renderFrame(s: ConsoleState, width: number, height: number, nowWallMs: number): Line[] {
  const lines = renderScreen(screenModelOf(s, nowWallMs), width, height);
  const status = statusText(s, nowWallMs);
  if (status.alarm && lines[0]) lines[0] = alarmHeader(lines[0], status.text);
  if (s.dialog === null || height < 3) return lines;
  const box = dialogBox(s, s.dialog, width, nowWallMs).slice(0, Math.max(0, height - 2));
  const boxWidth = [...(box[0]?.text ?? "")].length;
  const left = Math.max(0, Math.floor((width - boxWidth) / 2));
  const top = Math.max(1, Math.floor((height - box.length) / 2));
  box.forEach((row, i) => {
    const at = top + i;
    const base = lines[at];
    if (base && at < height - 1) lines[at] = padLine(overlayLine(base, row, left), width);
  });
  return lines;
}
