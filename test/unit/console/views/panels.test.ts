import { describe, expect, test } from "bun:test";
import { healthWord, renderClusterList } from "../../../../src/console/views/cluster-list.ts";
import { appendEvent, renderEventLog } from "../../../../src/console/views/event-log.ts";
import { CONSOLE_KEYS, renderHelp } from "../../../../src/console/views/help.ts";
import { renderQuorumPanel } from "../../../../src/console/views/quorum-panel.ts";
import { CONSOLE_EVENTS_MAX } from "../../../../src/lib/limits.ts";
import { ANALYSIS_CODES, type AnalysisCode } from "../../../../src/model/analysis-code.ts";
import type { EventView } from "../../../../src/model/topology-view.ts";
import { WALL_MS } from "./fixtures.ts";
import { CLUSTERS, QUORUMS } from "./panels.ts";

describe("cluster list", () => {
  test("the fixture covers every failure type and every health, and each shows by orchestrator's name", () => {
    const text = renderClusterList(CLUSTERS, { width: 200 })
      .map((l) => l.text)
      .join("\n");
    for (const code of Object.keys(ANALYSIS_CODES) as AnalysisCode[]) {
      expect(CLUSTERS.some((c) => c.problems.includes(code) || code === "NoProblem")).toBe(true);
      if (code !== "NoProblem") expect(text).toContain(ANALYSIS_CODES[code]);
    }
    for (const h of ["ok", "degraded", "failing-over", "no-quorum", "unknown"] as const) {
      expect(CLUSTERS.some((c) => c.health === h)).toBe(true);
      expect(text).toContain(healthWord(h));
    }
  });

  test("the selected cluster is marked in text, not only in colour", () => {
    const lines = renderClusterList(CLUSTERS, { width: 80, selected: "orders" });
    expect(lines.filter((l) => l.text.startsWith("> ")).map((l) => l.text.split(/\s+/)[1])).toEqual([
      "orders",
    ]);
  });

  test("narrow widths drop epoch and count before the problem names", () => {
    expect(renderClusterList(CLUSTERS, { width: 132 })[0]?.text).toContain("EPOCH");
    expect(renderClusterList(CLUSTERS, { width: 80 })[0]?.text).not.toContain("EPOCH");
  });
});

describe("quorum panel", () => {
  test("says OK or LOST in words, and counts voters in contact", () => {
    expect(renderQuorumPanel(QUORUMS.healthy!, { width: 132 })[0]?.text).toStartWith(
      "quorum OK  term 7  leader db1-a  voters up 3/3",
    );
    expect(renderQuorumPanel(QUORUMS["witness absent"]!, { width: 132 })[0]?.text).toContain("voters up 2/3");
    expect(renderQuorumPanel(QUORUMS["quorum lost"]!, { width: 132 })[0]?.text).toStartWith(
      "quorum LOST  term 9  leader none",
    );
  });

  test("a silent member's contact age is an error; the contact threshold is an option", () => {
    const q = QUORUMS["witness absent"]!;
    const witness = (warnMs?: number) =>
      renderQuorumPanel(q, { width: 132, contactWarnMs: warnMs }).find((l) => l.text.includes("witness-1"));
    expect(witness()?.spans.some((s) => s.style === "error")).toBe(true);
    expect(witness(60_000)?.spans.some((s) => s.style === "error")).toBe(false);
  });
});

describe("event log", () => {
  const ev = (i: number): EventView => ({
    atWallMs: WALL_MS + i * 1000,
    cluster: "db1",
    kind: "detection",
    severity: "info",
    text: `event ${i}`,
  });

  test("appendEvent keeps the newest, bounded", () => {
    let log: EventView[] = [];
    for (let i = 0; i < CONSOLE_EVENTS_MAX + 5; i++) log = appendEvent(log, ev(i));
    expect(log).toHaveLength(CONSOLE_EVENTS_MAX);
    expect(log[0]?.text).toBe("event 5");
    expect(log.at(-1)?.text).toBe(`event ${CONSOLE_EVENTS_MAX + 4}`);
    expect(appendEvent([ev(1)], ev(2), 1)).toEqual([ev(2)]);
  });

  test("newest last, only the newest that fit, times in UTC", () => {
    const lines = renderEventLog([ev(0), ev(1), ev(2), ev(3)], { width: 80, height: 2 }).map((l) => l.text);
    expect(lines).toEqual([
      "12:00:02 db1 info  detection     event 2",
      "12:00:03 db1 info  detection     event 3",
    ]);
  });
});

describe("help", () => {
  test("lists every key of the key map, once", () => {
    const text = renderHelp(132)
      .map((l) => l.text)
      .join("\n");
    for (const k of CONSOLE_KEYS) expect(text).toContain(k.description);
    const keys = CONSOLE_KEYS.flatMap((k) => k.keys);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of ["up", "down", "j", "k", "enter", "s", "f", "d", "a", "r", "p", "?", "q", "C-c"])
      expect(keys).toContain(k);
  });
});
