// The console's key state machine: every path through navigation, overlays and each action's
// dialogs, including cancelling at every step. Keys are fed as blessed names them.
import { describe, expect, test } from "bun:test";
import {
  actionFinished,
  applySnapshot,
  type ConsoleState,
  initialState,
} from "../../../src/console/console-state.ts";
import { type ConsoleEffect, handleKey, type KeyInput } from "../../../src/console/keys.ts";
import { cluster, MAIN_PRIMARY, mainInstances, snapshot, WALL_MS } from "./app/snapshot-fixture.ts";

/** blessed's key for a typed string: "j" → j, "J" → S-j, "?" → ?; named keys pass through. */
function k(name: string): KeyInput {
  const NAMED = ["up", "down", "enter", "escape", "tab", "S-tab", "C-c", "backspace", "pageup", "pagedown"];
  if (NAMED.includes(name)) return { name, ch: null };
  if (/^[A-Z]$/.test(name)) return { name: `S-${name.toLowerCase()}`, ch: name };
  return { name, ch: name };
}

function press(s: ConsoleState, ...keys: string[]): { state: ConsoleState; effects: ConsoleEffect[] } {
  let state = s;
  const effects: ConsoleEffect[] = [];
  for (const name of keys) {
    const r = handleKey(state, k(name), WALL_MS);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

function typed(s: ConsoleState, text: string) {
  return press(s, ...[...text]);
}

const ready = (): ConsoleState => applySnapshot(initialState({ operator: "alice" }), snapshot());

describe("navigation", () => {
  test("the first snapshot selects the first cluster and its primary, focus on instances", () => {
    const s = ready();
    expect([s.selectedCluster, s.selectedInstance, s.focus]).toEqual(["main", MAIN_PRIMARY, "instances"]);
  });

  test.each([
    [["j"], "127.0.0.1:31002"],
    [["down", "down"], "127.0.0.1:31003"],
    [["j", "k"], MAIN_PRIMARY],
    [["up"], MAIN_PRIMARY],
    [["j", "j", "j", "j", "j", "j", "j"], "127.0.0.1:31005"],
  ])("instance keys %p select %s", (keys, selected) => {
    expect(press(ready(), ...keys).state.selectedInstance).toBe(selected);
  });

  test("Tab moves focus to the clusters; j then selects the next cluster and its first instance", () => {
    const r = press(ready(), "tab", "j");
    expect([r.state.focus, r.state.selectedCluster, r.state.selectedInstance]).toEqual([
      "clusters",
      "orders",
      "127.0.0.1:31101",
    ]);
    expect(press(r.state, "j").state.selectedCluster).toBe("orders");
    expect(press(r.state, "k").state.selectedCluster).toBe("main");
    expect(press(r.state, "S-tab").state.focus).toBe("instances");
  });

  test("-c preselects a cluster; a vanished selection falls back to the first", () => {
    const pre = applySnapshot(initialState({ cluster: "orders", operator: "a" }), snapshot());
    expect(pre.selectedCluster).toBe("orders");
    const s = press(ready(), "j", "j").state;
    const gone = snapshot();
    gone.clusters[0] = cluster(
      "main",
      mainInstances().filter((i) => i.key !== "127.0.0.1:31003"),
    );
    expect(applySnapshot(s, gone).selectedInstance).toBe(MAIN_PRIMARY);
    expect(applySnapshot(s, snapshot()).selectedInstance).toBe("127.0.0.1:31003");
  });

  test("Enter opens the selected instance's detail; Esc closes it; keys scroll it, never above the top", () => {
    const open = press(ready(), "j", "enter").state;
    expect(open.overlay).toEqual({ kind: "detail", key: "127.0.0.1:31002", scroll: 0 });
    expect(press(open, "j", "j", "k").state.overlay).toEqual({
      kind: "detail",
      key: "127.0.0.1:31002",
      scroll: 1,
    });
    expect(press(open, "k", "up").state.overlay?.scroll).toBe(0);
    expect(press(open, "pagedown").state.overlay?.scroll).toBe(10);
    expect(press(open, "escape").state.overlay).toBeNull();
    // Moving keys scroll the overlay instead of changing the selection behind it.
    expect(press(open, "j").state.selectedInstance).toBe("127.0.0.1:31002");
  });

  test("? opens help, ? or Esc closes it", () => {
    const help = press(ready(), "?").state;
    expect(help.overlay).toEqual({ kind: "help", scroll: 0 });
    expect(press(help, "?").state.overlay).toBeNull();
    expect(press(help, "escape").state.overlay).toBeNull();
  });

  test("action keys do nothing while an overlay is open", () => {
    for (const key of ["s", "f", "d", "a", "r", "p"])
      expect(press(ready(), "?", key).state.dialog).toBeNull();
  });
});

describe("quit", () => {
  test.each([
    ["main view", []],
    ["help", ["?"]],
    ["detail", ["enter"]],
  ])("q quits from the %s", (_where, before) => {
    expect(press(ready(), ...(before as string[]), "q").effects).toEqual([{ type: "quit" }]);
  });

  test.each([
    ["main view", []],
    ["help", ["?"]],
    ["switchover pick", ["s"]],
    ["switchover confirm", ["s", "enter"]],
    ["failover name", ["f", "m"]],
    ["downtime pick", ["d"]],
    ["downtime custom", ["d", "4"]],
    ["ack confirm", ["a"]],
    ["notice", ["enter", "escape", "k", "tab", "tab", "r"]],
  ])("Ctrl-C quits from the %s", (_where, before) => {
    const r = press(ready(), ...(before as string[]), "C-c");
    expect(r.effects).toEqual([{ type: "quit" }]);
  });
});

describe("switchover", () => {
  test("lists only eligible replicas: not the primary, not downtimed, not must_not", () => {
    expect(press(ready(), "s").state.dialog).toEqual({
      kind: "switchover-pick",
      cluster: "main",
      fromKey: MAIN_PRIMARY,
      candidates: ["127.0.0.1:31002", "127.0.0.1:31003"],
      index: 0,
    });
  });

  test("j, Enter, y runs a switchover to the second replica and logs what was asked", () => {
    const r = press(ready(), "s", "j", "enter");
    expect(r.state.dialog).toEqual({
      kind: "confirm",
      action: { kind: "switchover", cluster: "main", fromKey: MAIN_PRIMARY, toKey: "127.0.0.1:31003" },
    });
    const done = press(r.state, "y");
    expect(done.effects).toEqual([
      {
        type: "run-action",
        action: { kind: "switchover", cluster: "main", fromKey: MAIN_PRIMARY, toKey: "127.0.0.1:31003" },
      },
    ]);
    expect(done.state.dialog).toBeNull();
    expect(done.state.running?.kind).toBe("switchover");
    expect(done.state.log.at(-1)?.text).toContain(
      "alice: switch over cluster main: 127.0.0.1:31001 stops taking writes and 127.0.0.1:31003 becomes its primary",
    );
  });

  test("a digit picks directly; capital Y confirms too", () => {
    const r = press(ready(), "s", "2", "Y");
    expect(r.effects[0]).toMatchObject({ action: { toKey: "127.0.0.1:31003" } });
  });

  test.each([
    ["Esc at the list", ["s", "escape"]],
    ["q at the list", ["s", "q"]],
    ["n at the confirmation", ["s", "enter", "n"]],
    ["N at the confirmation", ["s", "enter", "N"]],
    ["Enter at the confirmation (default no)", ["s", "enter", "enter"]],
    ["Esc at the confirmation", ["s", "enter", "escape"]],
    ["q at the confirmation", ["s", "enter", "q"]],
  ])("cancel: %s runs nothing and closes the dialog", (_what, keys) => {
    const r = press(ready(), ...keys);
    expect(r.effects).toEqual([]);
    expect(r.state.dialog).toBeNull();
    expect(r.state.running).toBeNull();
  });

  test("other keys at the confirmation keep asking", () => {
    const r = press(ready(), "s", "enter", "x", "j");
    expect(r.state.dialog?.kind).toBe("confirm");
    expect(r.effects).toEqual([]);
  });

  test("no eligible replica or no primary: a notice says why, any key closes it", () => {
    const lonely = snapshot({ clusters: [cluster("main", mainInstances().slice(0, 1))] });
    const s = applySnapshot(initialState({ operator: "a" }), lonely);
    const r = press(s, "s");
    expect(r.state.dialog).toMatchObject({ kind: "notice", title: "no eligible replica" });
    expect(press(r.state, "x").state.dialog).toBeNull();
    const headless = snapshot({
      clusters: [
        cluster(
          "main",
          mainInstances().map((i) => ({ ...i, isLedgerPrimary: false })),
          {},
        ),
      ],
    });
    headless.clusters[0]!.summary.primaryKey = null;
    expect(press(applySnapshot(initialState({ operator: "a" }), headless), "s").state.dialog).toMatchObject({
      kind: "notice",
      title: "no primary",
    });
  });
});

describe("failover", () => {
  test("only the exact cluster name confirms; a wrong name says so and runs nothing", () => {
    const wrong = press(typed(press(ready(), "f").state, "mai").state, "enter");
    expect(wrong.effects).toEqual([]);
    expect(wrong.state.dialog).toMatchObject({ kind: "failover-type", typed: "mai", mismatch: true });
    const right = press(typed(wrong.state, "n").state, "enter");
    expect(right.effects).toEqual([
      { type: "run-action", action: { kind: "failover", cluster: "main", primaryKey: MAIN_PRIMARY } },
    ]);
  });

  test("q and digits are typed, Backspace deletes, Esc cancels", () => {
    const s = typed(press(ready(), "f").state, "q1x").state;
    expect(s.dialog).toMatchObject({ typed: "q1x" });
    expect(press(s, "backspace").state.dialog).toMatchObject({ typed: "q1" });
    const cancelled = press(s, "escape");
    expect([cancelled.state.dialog, cancelled.effects]).toEqual([null, []]);
  });

  test("Enter's duplicate 'return' key types nothing", () => {
    const r = handleKey(press(ready(), "f").state, { name: "return", ch: "\r" }, WALL_MS);
    expect(r.state.dialog).toMatchObject({ typed: "" });
  });
});

describe("downtime", () => {
  const on3 = (): ConsoleState => press(ready(), "j", "j").state;

  test.each([
    [["enter"], 30 * 60_000, "30m"],
    [["j", "enter"], 3_600_000, "1h"],
    [["3"], 4 * 3_600_000, "4h"],
  ])("%p then y downtimes the selected instance for %d ms", (keys, durationMs, label) => {
    const r = press(on3(), "d", ...keys, "y");
    expect(r.effects).toEqual([
      {
        type: "run-action",
        action: {
          kind: "downtime",
          cluster: "main",
          instance: "127.0.0.1:31003",
          durationMs,
          durationLabel: label,
          reason: "downtimed from keel console by alice",
        },
      },
    ]);
  });

  test("custom: a typed duration is parsed; a bad one is explained and nothing runs", () => {
    const custom = press(on3(), "d", "j", "j", "j", "enter").state;
    expect(custom.dialog).toMatchObject({ kind: "downtime-custom", typed: "" });
    const bad = press(typed(custom, "soon").state, "enter");
    expect(bad.effects).toEqual([]);
    expect(bad.state.dialog).toMatchObject({
      kind: "downtime-custom",
      problem: expect.stringContaining("not a duration"),
    });
    const good = press(typed(custom, "90m").state, "enter", "y");
    expect(good.effects[0]).toMatchObject({ action: { durationMs: 90 * 60_000, durationLabel: "1h30m" } });
  });

  test.each([
    ["Esc at the durations", ["d", "escape"]],
    ["q at the durations", ["d", "q"]],
    ["Esc in the custom input", ["d", "4", "escape"]],
    ["n at the confirmation", ["d", "enter", "n"]],
    ["Esc at the custom confirmation", ["d", "4", "2", "h", "enter", "escape"]],
  ])("cancel: %s", (_what, keys) => {
    const r = press(on3(), ...keys);
    expect([r.state.dialog, r.effects, r.state.running]).toEqual([null, [], null]);
  });

  test("an empty cluster has no instance to downtime", () => {
    const empty = snapshot({ clusters: [cluster("main", [])] });
    const r = press(applySnapshot(initialState({ operator: "a" }), empty), "d");
    expect(r.state.dialog).toMatchObject({ kind: "notice", title: "no instance selected" });
  });
});

describe("acknowledge, rejoin, pause/resume", () => {
  test("a then y acknowledges the cluster; n cancels", () => {
    expect(press(ready(), "a", "y").effects).toEqual([
      { type: "run-action", action: { kind: "ack", cluster: "main" } },
    ]);
    expect(press(ready(), "a", "n").effects).toEqual([]);
  });

  test("r rejoins the selected instance under the current primary; on the primary it refuses", () => {
    expect(press(ready(), "j", "r", "y").effects).toEqual([
      {
        type: "run-action",
        action: { kind: "rejoin", cluster: "main", instance: "127.0.0.1:31002", primaryKey: MAIN_PRIMARY },
      },
    ]);
    expect(press(ready(), "r").state.dialog).toMatchObject({ kind: "notice", title: "this is the primary" });
    expect(press(ready(), "j", "r", "escape").effects).toEqual([]);
  });

  test("p pauses a running cluster and resumes a paused one", () => {
    expect(press(ready(), "p", "y").effects).toEqual([
      { type: "run-action", action: { kind: "pause", cluster: "main" } },
    ]);
    const paused = snapshot();
    paused.clusters[0]!.paused = true;
    const s = applySnapshot(initialState({ operator: "a" }), paused);
    expect(press(s, "p", "y").effects).toEqual([
      { type: "run-action", action: { kind: "resume", cluster: "main" } },
    ]);
    expect(press(s, "p", "escape").effects).toEqual([]);
  });
});

describe("one action at a time", () => {
  test("while one runs, every action key explains instead of opening a dialog", () => {
    const running = press(ready(), "a", "y").state;
    for (const key of ["s", "f", "d", "a", "r", "p"]) {
      expect(press(running, key).state.dialog).toMatchObject({
        kind: "notice",
        title: "an action is running",
      });
    }
  });

  test("the result line says what happened, and on failure what to do next", () => {
    const running = press(ready(), "a", "y").state;
    const ok = actionFinished(running, { ok: true, summary: "2 recoveries acknowledged" }, WALL_MS + 1);
    expect(ok.running).toBeNull();
    expect(ok.log.at(-1)).toMatchObject({
      severity: "info",
      text: "acknowledge main: done: 2 recoveries acknowledged",
    });
    const bad = actionFinished(
      running,
      { ok: false, problem: "no leader", fix: "wait for quorum" },
      WALL_MS + 1,
    );
    expect(bad.log.at(-1)).toMatchObject({
      severity: "error",
      text: "acknowledge main: FAILED: no leader; next: wait for quorum",
    });
    expect(press(bad, "a").state.dialog?.kind).toBe("confirm");
  });
});
