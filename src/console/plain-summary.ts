// The console for terminals that can't host it (TERM=dumb, a pipe, a serial console): the same
// facts as plain text, one block per refresh under a timestamp header, so a log of it reads as a
// timeline. Pure: the shell prints what this returns.
import { CONSOLE_SNAPSHOT_STALE_MS } from "../lib/limits.ts";
import { orchestratorName } from "../model/analysis-code.ts";
import type { ConsoleSnapshot, SourceLink } from "./console-source.ts";
import { healthWord } from "./views/cluster-list.ts";
import { renderEventLog } from "./views/event-log.ts";
import { renderTopology } from "./views/topology-lines.ts";
import { buildTopologyTree } from "./views/topology-tree.ts";
import { formatAge, formatClock } from "./views/time-text.ts";

export interface PlainSummaryOptions {
  /** Only this cluster (`-c`); null for every cluster. */
  cluster: string | null;
  /** Recent events shown per block. */
  eventLines: number;
  /** Events wrap at this width. */
  width: number;
}

export const PLAIN_SUMMARY_DEFAULTS: PlainSummaryOptions = { cluster: null, eventLines: 8, width: 120 };

function isoSeconds(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function linkText(link: SourceLink, nowWallMs: number): string {
  switch (link.kind) {
    case "waiting":
      return "connecting";
    case "live":
      return nowWallMs - link.atWallMs > CONSOLE_SNAPSHOT_STALE_MS
        ? `STALE ${formatAge(nowWallMs - link.atWallMs)}`
        : "live";
    case "lost": {
      const shown =
        link.lastGoodWallMs === null
          ? "no data yet"
          : `data below from ${formatClock(link.lastGoodWallMs)} UTC`;
      return `SOURCE LOST ${formatAge(nowWallMs - link.sinceWallMs)}: ${link.problem}; ${shown}`;
    }
  }
}

export function plainSummary(
  data: ConsoleSnapshot | null,
  link: SourceLink,
  nowWallMs: number,
  opts: PlainSummaryOptions = PLAIN_SUMMARY_DEFAULTS,
): string[] {
  const origin = data ? `  ${data.origin}` : "";
  const out = [`== keel console ${isoSeconds(nowWallMs)}${origin}  [${linkText(link, nowWallMs)}]`];
  if (data === null) return out;
  const clusters = data.clusters.filter((c) => opts.cluster === null || c.summary.cluster === opts.cluster);
  if (clusters.length === 0)
    out.push(opts.cluster === null ? "no clusters known yet" : `cluster ${opts.cluster} is not known here`);
  for (const c of clusters) {
    const s = c.summary;
    const q = c.quorum;
    const quorum =
      q === null
        ? "quorum unknown"
        : `quorum ${q.quorumOk ? "OK" : "LOST"} term ${q.term} leader ${q.leader ?? "none"}`;
    const paused = c.paused ? "  recovery PAUSED" : "";
    out.push("");
    out.push(
      `cluster ${s.cluster}: ${healthWord(s.health)}  primary ${s.primaryKey ?? "none"}  epoch ${s.epoch}  ${quorum}${paused}`,
    );
    const problems = s.problems
      .filter((p) => p !== "NoProblem")
      .map(orchestratorName)
      .join(", ");
    if (problems !== "") out.push(`problems: ${problems}`);
    for (const l of renderTopology(buildTopologyTree(c.instances))) out.push(l.text);
  }
  const events = data.events.filter((e) => opts.cluster === null || e.cluster === opts.cluster);
  if (events.length > 0) {
    out.push("");
    out.push("events:");
    for (const l of renderEventLog(events, { width: opts.width, height: opts.eventLines })) out.push(l.text);
  }
  return out;
}
