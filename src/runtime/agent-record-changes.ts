// When a freshly built record is worth gossiping, and which changes of the local server are worth
// a log line. Publishing costs every member kilobytes, so timing noise (when a probe ran, how
// long it took) never triggers one; real changes do at once, and an unchanged record is
// republished only every keepalive period. Pure: time is a parameter.
import type { AgentRecord } from "../model/agent-record.ts";
import type { InstanceState } from "../model/instance-state.ts";

/** Fields that change on every probe without the server changing. failingForMs grows on every
 *  probe while a primary check fails; the flip of `ok` is what matters and is compared. */
const NOISE_KEYS = new Set(["producedAtWallMs", "probedAtWallMs", "probeLatencyMs", "failingForMs"]);

function sameIgnoringNoise(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameIgnoringNoise(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!NOISE_KEYS.has(k) && !sameIgnoringNoise(ao[k], bo[k])) return false;
  return true;
}

/** True when `next` says something `prev` didn't (lag, GTIDs, threads, read_only, raft role…). */
export function recordChangedMeaningfully(prev: AgentRecord | null, next: AgentRecord): boolean {
  return prev === null || !sameIgnoringNoise(prev, next);
}

export type PublishReason = "first" | "changed" | "keepalive";

/** Decides, record by record, whether to publish. */
export class PublishPolicy {
  private last: AgentRecord | null = null;
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly keepaliveMs: number) {}

  /** Why `next` should be published now, or null to hold it back. */
  decide(next: AgentRecord, nowMs: number): PublishReason | null {
    if (this.last === null) return "first";
    if (recordChangedMeaningfully(this.last, next)) return "changed";
    return nowMs - this.lastAtMs >= this.keepaliveMs ? "keepalive" : null;
  }

  /** When an unchanged record is next due; -Infinity before the first publish. */
  keepaliveDueAtMs(): number {
    return this.lastAtMs + this.keepaliveMs;
  }

  published(record: AgentRecord, nowMs: number): void {
    this.last = record;
    this.lastAtMs = nowMs;
  }
}

export type ProbeTransition =
  | { type: "server-reachable" }
  | { type: "server-unreachable"; reason: string; errorCode: string }
  | { type: "read-only-changed"; readOnly: boolean }
  | { type: "replication-changed"; channel: string; io: string; sql: boolean; source: string }
  | { type: "replication-removed"; channel: string };

/** What changed between two probes that a person watching the log wants to know. The first
 *  probe (prev null) reports the server's state once. */
export function probeTransitions(prev: InstanceState | null, next: InstanceState): ProbeTransition[] {
  if (!next.reachable) {
    if (prev !== null && !prev.reachable) return [];
    return [{ type: "server-unreachable", reason: next.reason, errorCode: next.errorCode }];
  }
  const out: ProbeTransition[] = [];
  const before = prev?.reachable ? prev : null;
  if (before === null) out.push({ type: "server-reachable" });
  if (before === null || before.readOnly !== next.readOnly)
    out.push({ type: "read-only-changed", readOnly: next.readOnly });
  for (const c of next.channels) {
    const old = before?.channels.find((o) => o.name === c.name);
    const source = `${c.sourceHost}:${c.sourcePort}`;
    const changed =
      old === undefined ||
      old.ioState !== c.ioState ||
      old.sqlRunning !== c.sqlRunning ||
      `${old.sourceHost}:${old.sourcePort}` !== source;
    if (changed)
      out.push({ type: "replication-changed", channel: c.name, io: c.ioState, sql: c.sqlRunning, source });
  }
  for (const o of before?.channels ?? [])
    if (!next.channels.some((c) => c.name === o.name))
      out.push({ type: "replication-removed", channel: o.name });
  return out;
}
