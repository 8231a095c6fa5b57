// A rendered line: plain text plus semantic style spans. The same lines feed `keel topology`
// (text only), `--no-color` (text only) and the blessed console (spans mapped to colours), so what
// an operator reads never depends on colour.

export type Style =
  | "primary"
  | "replica"
  | "ok"
  | "warn"
  | "error"
  | "muted"
  | "downtimed"
  | "stale"
  | "heading"
  | "selected";

/** [start, end) in code points of `text`. */
export interface Span {
  start: number;
  end: number;
  style: Style;
}

export interface Line {
  text: string;
  spans: Span[];
}

const ELLIPSIS = "…";

/**
 * Makes arbitrary server text one printable line: a newline or tab inside an error message would
 * otherwise break the column layout, and control bytes could drive the operator's terminal.
 */
export function sanitize(text: string): string {
  return text.replace(/[\t\n\r]+/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/** Width in terminal cells; every view keeps text to one cell per code point (see sanitize). */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Builds a line piece by piece, recording spans as it goes. */
export class LineBuilder {
  private text = "";
  private width = 0;
  private readonly spans: Span[] = [];

  add(piece: string, style?: Style): this {
    const clean = sanitize(piece);
    const w = displayWidth(clean);
    if (style && w > 0) this.spans.push({ start: this.width, end: this.width + w, style });
    this.text += clean;
    this.width += w;
    return this;
  }

  /** `text` cut or padded to exactly `width` cells; only the text itself carries the style. */
  cell(text: string, width: number, style?: Style): this {
    const cut = truncateText(text, width);
    return this.add(cut, style).add(" ".repeat(Math.max(0, width - displayWidth(cut))));
  }

  get length(): number {
    return this.width;
  }

  build(): Line {
    return { text: this.text, spans: [...this.spans] };
  }
}

export function plainLine(text: string, style?: Style): Line {
  return new LineBuilder().add(text, style).build();
}

/** Cuts a line to `width` cells, marking the cut with an ellipsis; spans are clipped to match. */
export function truncateLine(line: Line, width: number): Line {
  const max = Math.max(0, Math.floor(width));
  const chars = [...line.text];
  if (chars.length <= max) return line;
  const keep = max === 0 ? 0 : max - 1;
  const text = max === 0 ? "" : chars.slice(0, keep).join("") + ELLIPSIS;
  const spans = line.spans
    .filter((s) => s.start < keep)
    .map((s) => ({ start: s.start, end: Math.min(s.end, keep), style: s.style }));
  return { text, spans };
}

export function truncateText(text: string, width: number): string {
  return truncateLine({ text: sanitize(text), spans: [] }, width).text;
}

/** Left-aligns `text` in exactly `width` cells (truncating when it does not fit). */
export function padText(text: string, width: number): string {
  const cut = truncateText(text, width);
  return cut + " ".repeat(Math.max(0, width - displayWidth(cut)));
}

/** Pads a line with spaces to exactly `width` cells, truncating first when longer. */
export function padLine(line: Line, width: number): Line {
  const cut = truncateLine(line, width);
  const missing = width - displayWidth(cut.text);
  return missing > 0 ? { text: cut.text + " ".repeat(missing), spans: cut.spans } : cut;
}

/**
 * Word-wraps text to `width` cells. Breaks after any of `breakAfter` (GTID sets break after
 * commas), else at spaces, else hard; continuation lines start with `indent`.
 */
export function wrapText(text: string, width: number, indent = "", breakAfter = " "): string[] {
  const max = Math.max(1, Math.floor(width));
  if (displayWidth(indent) >= max) indent = "";
  const room = max - displayWidth(indent);
  let rest = [...sanitize(text)];
  const out: string[] = [];
  let first = true;
  while (rest.length > 0) {
    const avail = first ? max : room;
    if (rest.length <= avail) {
      out.push((first ? "" : indent) + rest.join(""));
      break;
    }
    let cut = -1;
    for (let i = avail; i > 0; i--) {
      const c = rest[i - 1] as string;
      if (breakAfter.includes(c) || c === " ") {
        cut = i;
        break;
      }
    }
    if (cut <= 0) cut = avail;
    out.push((first ? "" : indent) + rest.slice(0, cut).join("").trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === " ") rest = rest.slice(1);
    first = false;
  }
  return out.length === 0 ? [""] : out;
}

export function plainText(lines: readonly Line[]): string {
  return lines.map((l) => l.text).join("\n");
}
