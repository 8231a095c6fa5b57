// The text of each dialog, and the box it is drawn in over the frame. Pure: what the operator is
// asked to confirm is tested here, word for word where it matters (what happens, and where).
import { type ActionRequest, actionTitle, describeAction } from "./action-request.ts";
import { type ConsoleState, clusterOf, type Dialog, DOWNTIME_CHOICES } from "./console-state.ts";
import { type Line, LineBuilder, padLine, type Style, truncateLine, wrapText } from "./views/line.ts";

const DIALOG_WIDTH_MAX = 76;

function text(t: string, style?: Style): Line {
  return new LineBuilder().add(t, style).build();
}

function para(t: string, width: number, style?: Style): Line[] {
  return wrapText(t, width).map((w) => text(w, style));
}

function confirmTitle(a: ActionRequest): string {
  return a.kind === "failover" ? "FAILOVER" : `confirm: ${actionTitle(a)}`;
}

function choiceLine(label: string, n: number, selected: boolean, width: number, extra = ""): Line {
  const b = new LineBuilder().add(selected ? "> " : "  ").add(`${n}. `, "muted");
  b.add(label, selected ? "selected" : undefined);
  if (extra !== "") b.add(`  ${extra}`, "muted");
  return truncateLine(b.build(), width);
}

function inputLine(typed: string, width: number): Line {
  return truncateLine(new LineBuilder().add("> ").add(typed, "primary").add("_").build(), width);
}

function candidateNote(s: ConsoleState, cluster: string, key: string): string {
  const v = clusterOf(s, cluster)?.instances.find((i) => i.key === key);
  if (!v) return "";
  const lag = v.instance?.reachable ? v.instance.channels[0]?.secondsBehind : null;
  const parts = [lag === null || lag === undefined ? "lag ?" : `lag ${lag}s`];
  if (v.datacenter !== "") parts.push(v.datacenter);
  if (v.promotionRule !== "neutral") parts.push(v.promotionRule);
  return parts.join(", ");
}

/** The title and the lines inside the dialog box for `width` inner cells. */
export function dialogContent(
  s: ConsoleState,
  d: Dialog,
  width: number,
  nowWallMs: number,
): { title: string; lines: Line[] } {
  const hint = (t: string): Line => text(t, "muted");
  switch (d.kind) {
    case "notice":
      return { title: d.title, lines: [...para(d.text, width), text(""), hint("press any key")] };
    case "confirm":
      return {
        title: confirmTitle(d.action),
        lines: [
          ...para(`This will ${describeAction(d.action, nowWallMs)}.`, width),
          text(""),
          text("Proceed? y = yes; n, Enter or Esc = no  [y/N]", "warn"),
        ],
      };
    case "switchover-pick":
      return {
        title: `switchover: ${d.cluster}`,
        lines: [
          ...para(`The primary ${d.fromKey} will hand over. Pick the new primary:`, width),
          ...d.candidates.map((c, i) =>
            choiceLine(c, i + 1, i === d.index, width, candidateNote(s, d.cluster, c)),
          ),
          text(""),
          hint("j/k move, Enter or 1-9 choose, Esc cancel"),
        ],
      };
    case "failover-type":
      return {
        title: "FAILOVER",
        lines: [
          ...para(
            `This will ${describeAction({ kind: "failover", cluster: d.cluster, primaryKey: d.primaryKey }, nowWallMs)}.`,
            width,
            "error",
          ),
          text(""),
          ...para(`Type the cluster name (${d.cluster}) and press Enter to confirm:`, width),
          inputLine(d.typed, width),
          ...(d.mismatch ? para(`"${d.typed}" is not ${d.cluster}; nothing was done`, width, "error") : []),
          hint("Esc cancels"),
        ],
      };
    case "downtime-pick":
      return {
        title: `downtime: ${d.instance}`,
        lines: [
          ...para(`For how long should keel leave ${d.instance} (cluster ${d.cluster}) alone?`, width),
          ...DOWNTIME_CHOICES.map((c, i) =>
            choiceLine(c.durationMs === null ? "custom..." : c.label, i + 1, i === d.index, width),
          ),
          text(""),
          hint("j/k move, Enter or 1-4 choose, Esc cancel"),
        ],
      };
    case "downtime-custom":
      return {
        title: `downtime: ${d.instance}`,
        lines: [
          ...para("Type a duration (90m, 2h, 1h30m, 1d; a bare number is minutes) and press Enter:", width),
          inputLine(d.typed, width),
          ...(d.problem ? para(d.problem, width, "error") : []),
          hint("Esc cancels"),
        ],
      };
  }
}

/** The dialog in an ASCII border (box-drawing characters become ACS glyphs on some terminals). */
export function dialogBox(s: ConsoleState, d: Dialog, screenWidth: number, nowWallMs: number): Line[] {
  const boxWidth = Math.max(20, Math.min(DIALOG_WIDTH_MAX, screenWidth - 4));
  const inner = boxWidth - 4;
  const { title, lines } = dialogContent(s, d, inner, nowWallMs);
  const titleText = ` ${title} `.slice(0, boxWidth - 4);
  const top = new LineBuilder()
    .add("+-")
    .add(titleText, d.kind === "notice" ? "warn" : "heading")
    .add(`${"-".repeat(Math.max(0, boxWidth - 3 - [...titleText].length))}+`)
    .build();
  const body = lines.map((l) => {
    const b = new LineBuilder().add("| ").build();
    const padded = padLine(l, inner);
    return {
      text: `${b.text}${padded.text} |`,
      spans: padded.spans.map((sp) => ({ ...sp, start: sp.start + 2, end: sp.end + 2 })),
    };
  });
  const bottom = text(`+${"-".repeat(boxWidth - 2)}+`);
  return [top, ...body, bottom];
}
