// The console's keys as a pure state machine: (state, key) → new state + effects. Effects are data
// the blessed shell carries out (run an action, quit); nothing here touches the terminal or the
// network. Every action that changes the topology ends in a dialog naming what and where.
import { CONSOLE_INPUT_CHARS_MAX } from "../lib/limits.ts";
import type { ActionRequest } from "./action-request.ts";
import {
  type ConsoleState,
  clusterOf,
  actionStarted,
  type Dialog,
  DOWNTIME_CHOICES,
  type ExtraKey,
  instanceOrder,
  primaryKeyOf,
  selectCluster,
  selectedInstanceView,
  switchoverCandidates,
} from "./console-state.ts";
import { durationProblemText, formatDuration, parseDuration } from "./duration-text.ts";
import { actionTitle } from "./action-request.ts";

/** A key as blessed names it (`key.full`: "up", "j", "S-tab", "C-c", "enter") and the character typed. */
export interface KeyInput {
  name: string;
  /** The printable character, for text inputs; null for keys that type nothing. */
  ch: string | null;
}

export type ConsoleEffect = { type: "run-action"; action: ActionRequest } | { type: "quit" };

export interface KeyResult {
  state: ConsoleState;
  effects: ConsoleEffect[];
}

const SCROLL_PAGE_LINES = 10;
const UP = new Set(["up", "k"]);
const DOWN = new Set(["down", "j"]);

const stay = (state: ConsoleState): KeyResult => ({ state, effects: [] });

export function handleKey(s: ConsoleState, key: KeyInput, nowWallMs: number): KeyResult {
  if (key.name === "C-c") return { state: s, effects: [{ type: "quit" }] };
  if (s.dialog !== null) return dialogKey(s, s.dialog, key, nowWallMs);
  if (s.overlay !== null) return overlayKey(s, key);
  return mainKey(s, key);
}

function overlayKey(s: ConsoleState, key: KeyInput): KeyResult {
  const o = s.overlay;
  if (o === null) return stay(s);
  if (key.name === "q") return { state: s, effects: [{ type: "quit" }] };
  if (key.name === "escape" || (key.name === "?" && o.kind === "help")) return stay({ ...s, overlay: null });
  const delta = UP.has(key.name)
    ? -1
    : DOWN.has(key.name)
      ? 1
      : key.name === "pageup"
        ? -SCROLL_PAGE_LINES
        : key.name === "pagedown" || key.name === "space"
          ? SCROLL_PAGE_LINES
          : 0;
  if (delta === 0) return stay(s);
  // The renderer clamps the far end, where it knows how many lines there are.
  return stay({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll + delta) } });
}

function move(s: ConsoleState, delta: number): ConsoleState {
  if (s.focus === "clusters") {
    const names = s.data?.clusters.map((c) => c.summary.cluster) ?? [];
    const i = names.indexOf(s.selectedCluster ?? "");
    const next = names[Math.max(0, Math.min(names.length - 1, i + delta))];
    return next === undefined ? s : selectCluster(s, next);
  }
  const c = clusterOf(s);
  const order = c ? instanceOrder(c.instances) : [];
  const i = order.indexOf(s.selectedInstance ?? "");
  const next = order[Math.max(0, Math.min(order.length - 1, i + delta))];
  return next === undefined ? s : { ...s, selectedInstance: next };
}

const notice = (s: ConsoleState, title: string, text: string): KeyResult =>
  stay({ ...s, dialog: { kind: "notice", title, text } });

function mainKey(s: ConsoleState, key: KeyInput): KeyResult {
  switch (key.name) {
    case "q":
      return { state: s, effects: [{ type: "quit" }] };
    case "?":
      return stay({ ...s, overlay: { kind: "help", scroll: 0 } });
    case "tab":
    case "S-tab":
      return stay({ ...s, focus: s.focus === "clusters" ? "instances" : "clusters" });
    case "enter": {
      const v = selectedInstanceView(s);
      return v ? stay({ ...s, overlay: { kind: "detail", key: v.key, scroll: 0 } }) : stay(s);
    }
  }
  if (UP.has(key.name)) return stay(move(s, -1));
  if (DOWN.has(key.name)) return stay(move(s, 1));
  const extra = s.extraKeys?.find((k) => k.ch === key.ch);
  if (extra !== undefined) return extraKey(s, extra);
  if ("sfdarp".includes(key.name) && key.name.length === 1) return actionKey(s, key.name);
  return stay(s);
}

/** A caller's key: a confirmation of what it will do, or a notice why it can't now. */
function extraKey(s: ConsoleState, k: ExtraKey): KeyResult {
  if (s.running !== null)
    return notice(
      s,
      "an action is running",
      `${actionTitle(s.running)} has not finished; its result will appear in the events panel`,
    );
  const c = clusterOf(s);
  if (c === null)
    return notice(
      s,
      "no cluster selected",
      "wait for the cluster list, then select a cluster with Tab and j/k",
    );
  const r = k.request(s, c);
  if ("notice" in r) return notice(s, r.notice.title, r.notice.text);
  return stay({ ...s, dialog: { kind: "confirm", action: r } });
}

/** Opens the dialog for an action key, or a notice saying why it can't be done here. */
function actionKey(s: ConsoleState, k: string): KeyResult {
  if (s.running !== null)
    return notice(
      s,
      "an action is running",
      `${actionTitle(s.running)} has not finished; its result will appear in the events panel`,
    );
  const c = clusterOf(s);
  if (c === null)
    return notice(
      s,
      "no cluster selected",
      "wait for the cluster list, then select a cluster with Tab and j/k",
    );
  const cluster = c.summary.cluster;
  const primary = primaryKeyOf(c);
  const inst = selectedInstanceView(s);
  const open = (dialog: Dialog): KeyResult => stay({ ...s, dialog });
  switch (k) {
    case "s": {
      if (primary === null)
        return notice(
          s,
          "no primary",
          `cluster ${cluster} has no known primary to switch over from; use f (failover) instead`,
        );
      const candidates = switchoverCandidates(c);
      if (candidates.length === 0)
        return notice(
          s,
          "no eligible replica",
          `no replica of ${cluster} is reachable, replicating, not downtimed and allowed to be promoted`,
        );
      return open({ kind: "switchover-pick", cluster, fromKey: primary, candidates, index: 0 });
    }
    case "f":
      return open({ kind: "failover-type", cluster, primaryKey: primary, typed: "", mismatch: false });
    case "d":
      if (inst === null) return notice(s, "no instance selected", "select an instance with j/k first");
      return open({ kind: "downtime-pick", cluster, instance: inst.key, index: 0 });
    case "a":
      return open({ kind: "confirm", action: { kind: "ack", cluster } });
    case "r":
      if (inst === null) return notice(s, "no instance selected", "select the old primary with j/k first");
      if (inst.key === primary)
        return notice(
          s,
          "this is the primary",
          `${inst.key} is the primary of ${cluster}; rejoin works on a replica or an old primary`,
        );
      return open({
        kind: "confirm",
        action: { kind: "rejoin", cluster, instance: inst.key, primaryKey: primary },
      });
    default: // "p"
      return open({ kind: "confirm", action: { kind: c.paused ? "resume" : "pause", cluster } });
  }
}

function dialogKey(s: ConsoleState, d: Dialog, key: KeyInput, nowWallMs: number): KeyResult {
  const close = stay({ ...s, dialog: null });
  switch (d.kind) {
    case "notice":
      return close;
    case "confirm":
      if (key.name === "y" || key.ch === "Y") return run(s, d.action, nowWallMs);
      return ["n", "S-n", "escape", "enter", "q"].includes(key.name) ? close : stay(s);
    case "switchover-pick":
      return pickKey(s, d, d.candidates.length, key, (index) => ({
        kind: "confirm",
        action: {
          kind: "switchover",
          cluster: d.cluster,
          fromKey: d.fromKey,
          toKey: d.candidates[index] as string,
        },
      }));
    case "downtime-pick":
      return downtimePickKey(s, d, key);
    case "failover-type":
      return failoverTypeKey(s, d, key, nowWallMs);
    case "downtime-custom":
      return downtimeCustomKey(s, d, key);
  }
}

function run(s: ConsoleState, action: ActionRequest, nowWallMs: number): KeyResult {
  return { state: actionStarted(s, action, nowWallMs), effects: [{ type: "run-action", action }] };
}

/** A list dialog: j/k or arrows move, 1–9 pick directly, Enter picks, Esc or q cancels. */
type PickDialog = Extract<Dialog, { kind: "switchover-pick" | "downtime-pick" }>;

function pickKey(
  s: ConsoleState,
  d: PickDialog,
  count: number,
  key: KeyInput,
  chosen: (index: number) => Dialog,
): KeyResult {
  if (key.name === "escape" || key.name === "q") return stay({ ...s, dialog: null });
  const at = (index: number): KeyResult => stay({ ...s, dialog: { ...d, index } });
  if (UP.has(key.name)) return at(Math.max(0, d.index - 1));
  if (DOWN.has(key.name)) return at(Math.min(count - 1, d.index + 1));
  if (key.name === "enter") return stay({ ...s, dialog: chosen(d.index) });
  const digit = /^[1-9]$/.test(key.name) ? Number(key.name) - 1 : -1;
  if (digit >= 0 && digit < count) return stay({ ...s, dialog: chosen(digit) });
  return stay(s);
}

function downtimeReason(s: ConsoleState): string {
  return `downtimed from keel console by ${s.operator}`;
}

function downtimePickKey(
  s: ConsoleState,
  d: Extract<Dialog, { kind: "downtime-pick" }>,
  key: KeyInput,
): KeyResult {
  return pickKey(s, d, DOWNTIME_CHOICES.length, key, (index) => {
    const choice = DOWNTIME_CHOICES[index] ?? DOWNTIME_CHOICES[0];
    if (choice.durationMs === null)
      return { kind: "downtime-custom", cluster: d.cluster, instance: d.instance, typed: "", problem: null };
    return {
      kind: "confirm",
      action: {
        kind: "downtime",
        cluster: d.cluster,
        instance: d.instance,
        durationMs: choice.durationMs,
        durationLabel: choice.label,
        reason: downtimeReason(s),
      },
    };
  });
}

/** Shared by the text inputs: printable characters append, Backspace deletes; null when not an edit. */
function editText(typed: string, key: KeyInput): string | null {
  if (key.name === "backspace") return typed.slice(0, -1);
  const ch = key.ch;
  if (ch === null || ch.length !== 1 || ch < " " || ch === "\u007f") return null;
  return typed.length >= CONSOLE_INPUT_CHARS_MAX ? typed : typed + ch;
}

function failoverTypeKey(
  s: ConsoleState,
  d: Extract<Dialog, { kind: "failover-type" }>,
  key: KeyInput,
  nowWallMs: number,
): KeyResult {
  if (key.name === "escape") return stay({ ...s, dialog: null });
  if (key.name === "enter") {
    if (d.typed === d.cluster)
      return run(s, { kind: "failover", cluster: d.cluster, primaryKey: d.primaryKey }, nowWallMs);
    return stay({ ...s, dialog: { ...d, mismatch: true } });
  }
  const typed = editText(d.typed, key);
  return typed === null ? stay(s) : stay({ ...s, dialog: { ...d, typed, mismatch: false } });
}

function downtimeCustomKey(
  s: ConsoleState,
  d: Extract<Dialog, { kind: "downtime-custom" }>,
  key: KeyInput,
): KeyResult {
  if (key.name === "escape") return stay({ ...s, dialog: null });
  if (key.name === "enter") {
    const parsed = parseDuration(d.typed);
    if (!parsed.ok) return stay({ ...s, dialog: { ...d, problem: durationProblemText(parsed.error) } });
    const action: ActionRequest = {
      kind: "downtime",
      cluster: d.cluster,
      instance: d.instance,
      durationMs: parsed.value,
      durationLabel: formatDuration(parsed.value),
      reason: downtimeReason(s),
    };
    return stay({ ...s, dialog: { kind: "confirm", action } });
  }
  const typed = editText(d.typed, key);
  return typed === null ? stay(s) : stay({ ...s, dialog: { ...d, typed, problem: null } });
}
