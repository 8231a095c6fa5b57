// The event log's lines, found by comparing what the source said last time with what it says now:
// members changing state, cluster health changing, and the ledger's recoveries, steps, primary,
// pause and downtimes. Ledger history already present at the first look is shown with its own
// times; everything else is stamped with the time it was first seen. Pure.
import type { ClusterHealth, EventKind, EventSeverity, EventView } from "../model/topology-view.ts";
import type { LedgerFacts, RecoveryFacts } from "./snapshot-mapping.ts";
import { healthWord } from "./views/cluster-list.ts";

export interface SourceFacts {
  members: ReadonlyMap<string, { cluster: string; status: string }>;
  health: ReadonlyMap<string, { health: ClusterHealth; problems: string }>;
  /** The ledger of the cluster whose raft status the source has, if any. */
  ledger: { cluster: string; facts: LedgerFacts } | null;
}

type Emit = (
  atWallMs: number,
  cluster: string,
  kind: EventKind,
  severity: EventSeverity,
  text: string,
) => void;

const MEMBER_SEVERITY: Record<string, EventSeverity> = {
  alive: "info",
  suspect: "warn",
  dead: "error",
  left: "info",
};

function membershipEvents(prev: SourceFacts, next: SourceFacts, nowWallMs: number, emit: Emit): void {
  for (const [id, m] of next.members) {
    const before = prev.members.get(id);
    if (before === undefined) emit(nowWallMs, m.cluster, "membership", "info", `${id} joined (${m.status})`);
    else if (before.status !== m.status)
      emit(
        nowWallMs,
        m.cluster,
        "membership",
        MEMBER_SEVERITY[m.status] ?? "info",
        `${id} is ${m.status} (was ${before.status})`,
      );
  }
}

function healthEvents(prev: SourceFacts, next: SourceFacts, nowWallMs: number, emit: Emit): void {
  for (const [cluster, h] of next.health) {
    const before = prev.health.get(cluster);
    if (before === undefined || (before.health === h.health && before.problems === h.problems)) continue;
    const severity: EventSeverity = h.health === "ok" ? "info" : h.health === "degraded" ? "warn" : "error";
    const why = h.problems === "" ? "" : `: ${h.problems}`;
    emit(
      nowWallMs,
      cluster,
      "detection",
      severity,
      `cluster ${healthWord(h.health)} (was ${healthWord(before.health)})${why}`,
    );
  }
}

function stepText(r: RecoveryFacts, i: number): string {
  const s = r.steps[i];
  if (!s) return "";
  const detail = s.detail === "" ? "" : `: ${s.detail}`;
  return `${r.id} step ${i + 1}/${r.steps.length} ${s.name} ${s.status}${detail}`;
}

function recoveryEvents(
  cluster: string,
  before: RecoveryFacts | undefined,
  r: RecoveryFacts,
  nowWallMs: number,
  emit: Emit,
): void {
  // History found at the first look keeps its own times; new progress is stamped when seen.
  const at = (historic: number | null): number =>
    before === undefined ? (historic ?? nowWallMs) : nowWallMs;
  if (before === undefined)
    emit(
      r.detectedWallMs,
      cluster,
      "detection",
      "error",
      `${r.id} detected ${r.analysis} on ${r.failedInstance}`,
    );
  if ((before?.steps.length ?? 0) === 0 && r.steps.length > 0)
    emit(
      at(r.detectedWallMs),
      cluster,
      "recovery-step",
      "info",
      `${r.id} planned ${r.steps.length} steps, successor ${r.successor ?? "none"}`,
    );
  r.steps.forEach((s, i) => {
    if (s.status === "pending" || before?.steps[i]?.status === s.status) return;
    emit(
      at(r.detectedWallMs),
      cluster,
      "recovery-step",
      s.status === "failed" ? "error" : "info",
      stepText(r, i),
    );
  });
  const ended = r.state === "finished" || r.state === "failed";
  if (ended && before?.state !== r.state) {
    const detail = r.detail === "" ? "" : `: ${r.detail}`;
    emit(
      at(r.finishedWallMs),
      cluster,
      "recovery-step",
      r.state === "failed" ? "error" : "info",
      `${r.id} ${r.state}${detail}`,
    );
  }
  if (r.acknowledged && before !== undefined && !before.acknowledged)
    emit(nowWallMs, cluster, "operator", "info", `${r.id} acknowledged`);
}

function ledgerEvents(
  prev: LedgerFacts | null,
  next: LedgerFacts,
  cluster: string,
  nowWallMs: number,
  emit: Emit,
): void {
  const old = new Map((prev?.recoveries ?? []).map((r) => [r.id, r]));
  for (const r of next.recoveries) recoveryEvents(cluster, old.get(r.id), r, nowWallMs, emit);
  if (prev === null) return;
  if (next.epoch !== prev.epoch || next.primary !== prev.primary)
    emit(
      nowWallMs,
      cluster,
      "recovery-step",
      "warn",
      `primary is now ${next.primary ?? "none"} (epoch ${next.epoch}, was ${prev.primary ?? "none"})`,
    );
  if (next.paused !== prev.paused)
    emit(
      nowWallMs,
      cluster,
      "operator",
      next.paused ? "warn" : "info",
      next.paused ? "automatic recovery paused" : "automatic recovery resumed",
    );
  for (const d of next.downtimes)
    if (!prev.downtimes.includes(d)) emit(nowWallMs, cluster, "operator", "info", `${d} downtimed`);
  for (const d of prev.downtimes)
    if (!next.downtimes.includes(d)) emit(nowWallMs, cluster, "operator", "info", `${d} downtime ended`);
  if (next.switchover && next.switchover.id !== prev.switchover?.id)
    emit(
      nowWallMs,
      cluster,
      "operator",
      "info",
      `switchover ${next.switchover.from} -> ${next.switchover.to} requested by ${next.switchover.by}`,
    );
}

/** Events between two looks; `prev` null at the first look. Oldest first. */
export function eventsBetween(prev: SourceFacts | null, next: SourceFacts, nowWallMs: number): EventView[] {
  const out: EventView[] = [];
  const emit: Emit = (atWallMs, cluster, kind, severity, text) =>
    out.push({ atWallMs, cluster, kind, severity, text });
  if (prev !== null) {
    membershipEvents(prev, next, nowWallMs, emit);
    healthEvents(prev, next, nowWallMs, emit);
  }
  if (next.ledger) {
    const before = prev?.ledger?.cluster === next.ledger.cluster ? prev.ledger.facts : null;
    ledgerEvents(before, next.ledger.facts, next.ledger.cluster, nowWallMs, emit);
  }
  return out.sort((a, b) => a.atWallMs - b.atWallMs);
}
