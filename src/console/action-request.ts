// The console's operations as data: what the key state machine asks for and what the shell runs.
// Each one can say, in one sentence, what will happen and where; the confirmation dialog and the
// event log both use that sentence, so what the operator agreed to is what the log records.
import { formatClock } from "./views/time-text.ts";

export type ActionRequest =
  | { kind: "switchover"; cluster: string; fromKey: string; toKey: string }
  | { kind: "failover"; cluster: string; primaryKey: string | null }
  | {
      kind: "downtime";
      cluster: string;
      instance: string;
      durationMs: number;
      durationLabel: string;
      reason: string;
    }
  | { kind: "ack"; cluster: string }
  | { kind: "rejoin"; cluster: string; instance: string; primaryKey: string | null }
  | { kind: "pause"; cluster: string }
  | { kind: "resume"; cluster: string }
  | ExtraActionRequest;

/**
 * An action a caller adds to the console through an extra key (the demo's "kill the primary's
 * mysqld"): it carries its own one-sentence description and title, and `target` (an instance
 * key) says where it acts.
 */
export interface ExtraActionRequest {
  kind: "extra";
  cluster: string;
  /** The extra key's character, so the shell knows which of its actions to run. */
  ch: string;
  target: string;
  title: string;
  description: string;
}

export type ActionKind = ActionRequest["kind"];

/** How an action ended; `fix` says what to do next when it failed. */
export type ActionOutcome = { ok: true; summary: string } | { ok: false; problem: string; fix: string };

/** One sentence: what will happen, and where. `nowWallMs` only places a downtime's end on the clock. */
export function describeAction(a: ActionRequest, nowWallMs: number): string {
  switch (a.kind) {
    case "switchover":
      return `switch over cluster ${a.cluster}: ${a.fromKey} stops taking writes and ${a.toKey} becomes its primary`;
    case "failover":
      return `fail over cluster ${a.cluster} now, as 'keel failover' does: keel promotes its best replica${a.primaryKey ? ` in place of ${a.primaryKey}` : ""}, but refuses while the primary still answers (only 'keel failover --force' overrides that)`;
    case "downtime":
      return `downtime ${a.instance} in cluster ${a.cluster} for ${a.durationLabel} (until ${formatClock(nowWallMs + a.durationMs)} UTC): keel will not recover it automatically`;
    case "ack":
      return `acknowledge the recoveries of cluster ${a.cluster}: lifts the anti-flap block so keel may recover it again`;
    case "rejoin":
      return `rejoin ${a.instance} to cluster ${a.cluster} as a replica of ${a.primaryKey ?? "the current primary"}`;
    case "pause":
      return `pause automatic recovery of cluster ${a.cluster}: failures are detected and shown, but nothing is changed`;
    case "resume":
      return `resume automatic recovery of cluster ${a.cluster}`;
    case "extra":
      return a.description;
  }
}

/** The short name used in the event log and the running-action line. */
export function actionTitle(a: ActionRequest): string {
  switch (a.kind) {
    case "switchover":
      return `switchover ${a.cluster} to ${a.toKey}`;
    case "failover":
      return `failover ${a.cluster}`;
    case "downtime":
      return `downtime ${a.instance} for ${a.durationLabel}`;
    case "ack":
      return `acknowledge ${a.cluster}`;
    case "rejoin":
      return `rejoin ${a.instance}`;
    case "pause":
      return `pause ${a.cluster}`;
    case "resume":
      return `resume ${a.cluster}`;
    case "extra":
      return a.title;
  }
}
