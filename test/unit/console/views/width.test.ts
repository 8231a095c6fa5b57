// No view ever writes past the width it was given, whatever the data: long names, long errors,
// control characters, tiny terminals. Spans stay inside their line.
import { describe, expect, test } from "bun:test";
import { renderClusterList } from "../../../../src/console/views/cluster-list.ts";
import { renderEventLog } from "../../../../src/console/views/event-log.ts";
import { renderHelp, renderKeyHints } from "../../../../src/console/views/help.ts";
import { renderInstanceDetail } from "../../../../src/console/views/instance-detail.ts";
import { displayWidth, type Line } from "../../../../src/console/views/line.ts";
import { renderQuorumPanel } from "../../../../src/console/views/quorum-panel.ts";
import { renderScreen } from "../../../../src/console/views/screen.ts";
import { renderTopology } from "../../../../src/console/views/topology-lines.ts";
import { buildTopologyTree } from "../../../../src/console/views/topology-tree.ts";
import { channel, replicaOf, unreachable, view } from "./fixtures.ts";
import { CLUSTERS, EVENTS, QUORUMS, screenModel } from "./panels.ts";
import { TOPOLOGY_SCENARIOS } from "./scenarios.ts";

const WIDTHS = [1, 2, 8, 20, 39, 40, 60, 80, 100, 132, 200];
const HOSTILE = "x".repeat(300) + "\ttab\nnewline\u001b[31mred\u0007 — ünïcode ✓";

const hostileInstances = [
  view(
    "h".repeat(90) + ":3306",
    replicaOf("h".repeat(90) + ":3306", "127.0.0.1:1", {
      channels: [channel("127.0.0.1:1", { lastIoErrno: 2003, lastIoError: HOSTILE, ioState: "connecting" })],
      version: HOSTILE,
    }),
  ),
  view("127.0.0.1:1", unreachable("127.0.0.1:1", "error"), { datacenter: HOSTILE, errantGtids: HOSTILE }),
];

function checkLines(lines: readonly Line[], width: number, where: string): void {
  for (const l of lines) {
    const w = displayWidth(l.text);
    if (w > width) throw new Error(`${where}: ${w} > ${width}: ${l.text}`);
    expect(/[\u0000-\u001f\u007f]/.test(l.text)).toBe(false);
    for (const s of l.spans) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(w);
    }
  }
}

describe("no line exceeds its width", () => {
  test("topology and detail of every scenario, plus hostile data", () => {
    const all = [...TOPOLOGY_SCENARIOS.map((s) => s.instances), hostileInstances];
    for (const instances of all) {
      const tree = buildTopologyTree(instances);
      for (const w of WIDTHS) {
        checkLines(renderTopology(tree, { width: w }), w, `topology@${w}`);
        for (const i of instances)
          checkLines(renderInstanceDetail(i, { width: w }), w, `detail ${i.key}@${w}`);
      }
    }
  });

  test("cluster list, quorum, events, help, key hints", () => {
    const clusters = [...CLUSTERS, { ...CLUSTERS[0]!, cluster: HOSTILE, primaryKey: HOSTILE }];
    const events = [...EVENTS, { ...EVENTS[0]!, cluster: HOSTILE, text: HOSTILE }];
    for (const w of WIDTHS) {
      checkLines(renderClusterList(clusters, { width: w, selected: HOSTILE }), w, `clusters@${w}`);
      for (const q of Object.values(QUORUMS))
        checkLines(renderQuorumPanel(q, { width: w }), w, `quorum@${w}`);
      for (const h of [0, 1, 3, 30]) {
        const lines = renderEventLog(events, { width: w, height: h });
        checkLines(lines, w, `events@${w}`);
        expect(lines.length).toBeLessThanOrEqual(h);
      }
      checkLines(renderHelp(w), w, `help@${w}`);
      checkLines([renderKeyHints(w)], w, `hints@${w}`);
    }
  });

  test("a whole screen is exactly width x height at every size and overlay", () => {
    const instances = TOPOLOGY_SCENARIOS[0]?.instances ?? [];
    const overlays = [
      null,
      { kind: "help" as const },
      { kind: "detail" as const, instance: hostileInstances[0]!, scrollLines: 999 },
    ];
    const sizes = [
      [80, 24],
      [132, 40],
      [40, 12],
      [39, 11],
      [1, 1],
      [0, 0],
      [300, 90],
      [100, 30],
    ] as const;
    for (const [w, h] of sizes) {
      for (const overlay of overlays) {
        const lines = renderScreen(screenModel([...instances, ...hostileInstances], overlay), w, h);
        expect(lines).toHaveLength(h);
        for (const l of lines) expect(displayWidth(l.text)).toBe(w);
        checkLines(lines, w, `screen ${w}x${h}`);
      }
    }
  });
});
