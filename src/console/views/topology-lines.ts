// The `topology` lines, orchestrator-client's ASCII tree: replicas indented two cells per level
// under `+ ` (replicating, fresh) or `- ` (anything else), every `[` in one column. The one renderer
// behind `keel topology` (text only) and the console (styled).
import { CONSOLE_LAG_WARN_SECONDS, CONSOLE_STATE_STALE_MS } from "../../lib/limits.ts";
import { displayWidth, type Line, LineBuilder, type Style, truncateLine } from "./line.ts";
import { instanceTokens, type TokenOptions } from "./topology-tokens.ts";
import { type PlacedNode, placeNodes, type TopologyNode, type TopologyTree } from "./topology-tree.ts";

export interface TopologyRenderOptions {
  /** Cells per line; lines are cut to it. Omit for `keel topology`, which never truncates. */
  width?: number;
  /** A state older than this shows `unchecked` and `stale:<age>`. */
  staleAfterMs?: number;
  /** Lag above this (net of SQL_Delay) shows status `lag`. */
  lagWarnSeconds?: number;
}

function keyStyle(node: TopologyNode): Style {
  const inst = node.view.instance;
  if (inst && !inst.reachable) return "error";
  if (node.view.downtime) return "downtimed";
  return node.view.isLedgerPrimary ? "primary" : "replica";
}

function prefixOf(placed: PlacedNode, replicatingFresh: boolean): { indent: string; marker: string } {
  if (placed.depth === 0) return { indent: "", marker: "" };
  return { indent: "  ".repeat(placed.depth - 1), marker: replicatingFresh ? "+ " : "- " };
}

/** Ring, multi-source and unknown-source facts, after the bracket so the bracket stays orchestrator's. */
function notesOf(node: TopologyNode): { text: string; style: Style }[] {
  const out: { text: string; style: Style }[] = [];
  if (node.coPrimaryOf) out.push({ text: `co-primary with ${node.coPrimaryOf}`, style: "warn" });
  if (node.otherSources.length > 0)
    out.push({ text: `also from ${node.otherSources.join(", ")}`, style: "muted" });
  for (const s of node.unknownSources) out.push({ text: `unknown source ${s}`, style: "warn" });
  return out;
}

/**
 * Lines of the tree. When a width is given and a line would not fit, every line shows the short
 * version number instead of @@version, so `downtimed`, `stale:` and friends stay on screen.
 */
export function renderTopology(tree: TopologyTree, opts: TopologyRenderOptions = {}): Line[] {
  const tokenOpts: TokenOptions = {
    staleAfterMs: opts.staleAfterMs ?? CONSOLE_STATE_STALE_MS,
    lagWarnSeconds: opts.lagWarnSeconds ?? CONSOLE_LAG_WARN_SECONDS,
  };
  const full = renderRows(tree, tokenOpts);
  const width = opts.width;
  if (width === undefined) return full;
  const fits = full.every((l) => displayWidth(l.text) <= width);
  const lines = fits ? full : renderRows(tree, { ...tokenOpts, compactVersion: true });
  return lines.map((l) => truncateLine(l, width));
}

function renderRows(tree: TopologyTree, tokenOpts: TokenOptions): Line[] {
  const rows = placeNodes(tree).map((placed) => {
    const t = instanceTokens(placed.node.view, tokenOpts);
    return { placed, ...t, ...prefixOf(placed, t.replicatingFresh) };
  });
  const entryWidth = (r: (typeof rows)[number]): number =>
    displayWidth(r.indent + r.marker + r.placed.node.view.key);
  const bracketColumn = rows.reduce((m, r) => Math.max(m, entryWidth(r)), 0) + 1;
  return rows.map((r) => {
    const b = new LineBuilder().add(r.indent);
    if (r.marker) b.add(r.marker, r.marker === "- " ? "error" : undefined);
    b.add(r.placed.node.view.key, keyStyle(r.placed.node));
    b.add(" ".repeat(bracketColumn - entryWidth(r)));
    b.add("[");
    r.tokens.forEach((tok, i) => {
      if (i > 0) b.add(",");
      b.add(tok.text, tok.style);
    });
    b.add("]");
    for (const note of notesOf(r.placed.node)) b.add("  ").add(note.text, note.style);
    return b.build();
  });
}
