// Console state → frame: the header's word on freshness, dialogs drawn over the panels naming what
// and where, and the frame always exactly the terminal's size.
import { describe, expect, test } from "bun:test";
import {
  actionStarted,
  applySnapshot,
  type ConsoleState,
  initialState,
  sourceFailed,
} from "../../../../src/console/console-state.ts";
import { overlayLine, renderFrame, screenModelOf, statusText } from "../../../../src/console/frame.ts";
import { handleKey } from "../../../../src/console/keys.ts";
import { MAIN_PRIMARY, snapshot, WALL_MS } from "./snapshot-fixture.ts";

const ready = (): ConsoleState => applySnapshot(initialState({ operator: "alice" }), snapshot());

function keys(s: ConsoleState, ...names: string[]): ConsoleState {
  return names.reduce(
    (st, name) => handleKey(st, { name, ch: name.length === 1 ? name : null }, WALL_MS).state,
    s,
  );
}

const text = (s: ConsoleState, w = 100, h = 30, now = WALL_MS) =>
  renderFrame(s, w, h, now).map((l) => l.text);

describe("header status", () => {
  test.each([
    ["before the first snapshot", initialState({ operator: "a" }), WALL_MS, "connecting", false],
    ["fresh data", ready(), WALL_MS + 900, "focus instances | agent 127.0.0.1:31080", false],
    ["data 5 s old", ready(), WALL_MS + 5_000, "STALE 5s", true],
  ])("%s", (_what, s, now, expected, alarm) => {
    const st = statusText(s, now);
    expect(st.text).toContain(expected);
    expect(st.alarm).toBe(alarm);
  });

  test("a lost source says since when, why, and how old the data shown is", () => {
    const lost = sourceFailed(ready(), "no keel agent answers", WALL_MS + 2_000);
    const st = statusText(sourceFailed(lost, "again", WALL_MS + 3_000), WALL_MS + 12_000);
    expect(st.text).toStartWith("SOURCE LOST 10s: again; data from 12:00:00 UTC");
    expect(st.alarm).toBe(true);
    const header = renderFrame(lost, 160, 30, WALL_MS + 4_000)[0];
    expect(header?.text).toContain("SOURCE LOST 2s");
    expect(header?.spans.some((sp) => sp.style === "error")).toBe(true);
  });

  test("a running action is named in the header", () => {
    const s = actionStarted(ready(), { kind: "ack", cluster: "main" }, WALL_MS);
    expect(statusText(s, WALL_MS).text).toContain("running: acknowledge main");
  });
});

describe("frame", () => {
  test.each([
    [80, 24],
    [100, 30],
    [200, 60],
    [30, 8],
  ])("is exactly %dx%d with or without a dialog", (w, h) => {
    for (const s of [ready(), keys(ready(), "s"), keys(ready(), "f")]) {
      const lines = renderFrame(s, w, h, WALL_MS);
      expect(lines.length).toBe(h);
      for (const l of lines) expect([...l.text].length).toBe(w);
    }
  });

  test("shows the selected cluster's topology with the selection highlighted, and merged events", () => {
    const s = keys(ready(), "j");
    const m = screenModelOf(s, WALL_MS);
    expect(m.selectedInstance).toBe("127.0.0.1:31002");
    expect(m.topology.map((i) => i.key)).toContain(MAIN_PRIMARY);
    const started = actionStarted(s, { kind: "pause", cluster: "main" }, WALL_MS + 1);
    expect(screenModelOf(started, WALL_MS).events.map((e) => e.text)).toEqual([
      "node-31003 joined",
      "alice: pause automatic recovery of cluster main: failures are detected and shown, but nothing is changed",
    ]);
    const screen = text(s).join("\n");
    expect(screen).toContain("+ 127.0.0.1:31002");
    expect(screen).toContain("downtimed");
  });

  test("the detail overlay follows the selected instance; a vanished one closes it", () => {
    const s = keys(ready(), "j", "enter");
    expect(screenModelOf(s, WALL_MS).overlay).toMatchObject({
      kind: "detail",
      instance: { key: "127.0.0.1:31002" },
    });
    expect(
      screenModelOf({ ...s, overlay: { kind: "detail", key: "gone:1", scroll: 0 } }, WALL_MS).overlay,
    ).toBeNull();
  });

  test("help lists every key", () => {
    const screen = text(keys(ready(), "?"), 100, 40).join("\n");
    for (const k of ["Up / k", "Down / j", "Enter", "Esc", "q / Ctrl-C"]) expect(screen).toContain(k);
  });
});

describe("dialogs on screen", () => {
  test("switchover lists the candidates and the confirmation names from, to and the cluster", () => {
    const pick = text(keys(ready(), "s")).join("\n");
    expect(pick).toContain("switchover: main");
    expect(pick).toContain("> 1. 127.0.0.1:31002");
    expect(pick).toContain("2. 127.0.0.1:31003");
    expect(pick).not.toContain("3. 127.0.0.1:31004");
    const confirm = text(keys(ready(), "s", "enter"), 120).join("\n");
    expect(confirm).toContain("| This will switch over cluster main: 127.0.0.1:31001 stops taking writes  |");
    expect(confirm).toContain("| and 127.0.0.1:31002 becomes its primary.");
    expect(confirm).toContain("[y/N]");
  });

  test("failover asks for the cluster name and says when the typed name is wrong", () => {
    const s = keys(ready(), "f", "x", "enter");
    const screen = text(s).join("\n");
    expect(screen).toContain("FAILOVER");
    expect(screen).toContain("Type the cluster name (main)");
    expect(screen).toContain('"x" is not main; nothing was done');
  });

  test("downtime shows the choices, then the end time on the clock", () => {
    expect(text(keys(ready(), "j", "d")).join("\n")).toMatch(
      /1\. 30m[\s\S]*2\. 1h[\s\S]*3\. 4h[\s\S]*4\. custom/,
    );
    const confirm = text(keys(ready(), "j", "d", "2"), 140).join("\n");
    expect(confirm).toContain("This will downtime 127.0.0.1:31002 in cluster main for 1h (until ");
    expect(confirm).toContain("| 13:00:00 UTC): keel will not recover it automatically.");
  });

  test("a dialog keeps the frame's colours outside its box", () => {
    const base = { text: "abcdefghij", spans: [{ start: 0, end: 10, style: "warn" as const }] };
    const out = overlayLine(base, { text: "XYZ", spans: [{ start: 0, end: 3, style: "error" }] }, 4);
    expect(out.text).toBe("abcdXYZhij");
    expect(out.spans).toEqual([
      { start: 0, end: 4, style: "warn" },
      { start: 7, end: 10, style: "warn" },
      { start: 4, end: 7, style: "error" },
    ]);
  });
});
