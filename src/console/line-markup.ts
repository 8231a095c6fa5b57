// Semantic styles → blessed tags. The only place colours are chosen. With colours off the text
// already says everything (views spell out states as words); only the selection (inverse) and
// headings (bold) keep an attribute so the cursor stays visible on a monochrome terminal.
import type { Line, Style } from "./views/line.ts";

export interface MarkupOptions {
  color: boolean;
  /** Colours the terminal offers; grey only exists from 16 up (on 8 it would be black on black). */
  colorCount: number;
}

const COLOR_TAGS: Record<Style, string> = {
  primary: "{bold}{green-fg}",
  replica: "",
  ok: "{green-fg}",
  warn: "{yellow-fg}",
  error: "{bold}{red-fg}",
  muted: "{gray-fg}",
  downtimed: "{magenta-fg}",
  stale: "{yellow-fg}",
  heading: "{bold}{cyan-fg}",
  selected: "{inverse}",
};

const MONO_TAGS: Partial<Record<Style, string>> = {
  heading: "{bold}",
  selected: "{inverse}",
  error: "{bold}",
};

function tagsFor(style: Style, o: MarkupOptions): string {
  if (!o.color) return MONO_TAGS[style] ?? "";
  if (style === "muted" && o.colorCount < 16) return "";
  return COLOR_TAGS[style];
}

/** Braces would be read as blessed tags; server text may contain them. */
function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === "{" ? "{open}" : "{close}"));
}

/** One line as blessed-tagged text: each run of cells with the same styles is opened and closed once. */
export function lineMarkup(line: Line, o: MarkupOptions): string {
  const chars = [...line.text];
  let out = "";
  let run = "";
  let runTags = "";
  const flush = (): void => {
    if (run === "") return;
    out += runTags === "" ? escapeTags(run) : `${runTags}${escapeTags(run)}{/}`;
    run = "";
  };
  for (let i = 0; i < chars.length; i++) {
    // Later spans are drawn over earlier ones, so their tags come last and win.
    const tags = line.spans
      .filter((s) => s.start <= i && i < s.end)
      .map((s) => tagsFor(s.style, o))
      .join("");
    if (tags !== runTags) {
      flush();
      runTags = tags;
    }
    run += chars[i];
  }
  flush();
  return out;
}
