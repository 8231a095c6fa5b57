// Snapshot-style renderings of every instance state, every failure type and every panel, at the
// widths an on-call terminal has (80) and a desk has (132). Review the .txt files, not the code.
import { describe, test } from "bun:test";
import type { QuorumView } from "../../../../src/model/topology-view.ts";
import { renderClusterList } from "../../../../src/console/views/cluster-list.ts";
import { renderEventLog } from "../../../../src/console/views/event-log.ts";
import { renderHelp } from "../../../../src/console/views/help.ts";
import { renderInstanceDetail } from "../../../../src/console/views/instance-detail.ts";
import { renderQuorumPanel } from "../../../../src/console/views/quorum-panel.ts";
import { renderTopology } from "../../../../src/console/views/topology-lines.ts";
import { buildTopologyTree } from "../../../../src/console/views/topology-tree.ts";
import { expectGolden, section } from "./golden.ts";
import { TOPOLOGY_SCENARIOS } from "./scenarios.ts";
import { CLUSTERS, EVENTS, QUORUMS, screenModel } from "./panels.ts";
import { renderScreen } from "../../../../src/console/views/screen.ts";

const WIDTHS = [80, 132];

describe("topology goldens", () => {
  for (const s of TOPOLOGY_SCENARIOS) {
    test(s.name, () => {
      const tree = buildTopologyTree(s.instances);
      let out = `# ${s.about}\n`;
      out += section("keel topology (no width)", renderTopology(tree), false);
      for (const w of WIDTHS) out += section(`width ${w}`, renderTopology(tree, { width: w }));
      const detail = s.instances.find((i) => i.key === s.detail);
      if (detail)
        out += section(`detail ${detail.key}, width 80`, renderInstanceDetail(detail, { width: 80 }));
      expectGolden(`topology-${s.name}`, out);
    });
  }
});

describe("panel goldens", () => {
  test("cluster list: every failure type and every health", () => {
    let out = "";
    for (const w of WIDTHS)
      out += section(`width ${w}`, renderClusterList(CLUSTERS, { width: w, selected: "orders" }));
    expectGolden("cluster-list", out);
  });

  test("quorum panel: healthy, witness absent, quorum lost, unknown", () => {
    let out = "";
    for (const [name, q] of Object.entries(QUORUMS) as [string, QuorumView | null][]) {
      for (const w of WIDTHS) out += section(`${name}, width ${w}`, renderQuorumPanel(q, { width: w }));
    }
    expectGolden("quorum-panel", out);
  });

  test("event log: newest last, wrapped, bounded by height", () => {
    let out = "";
    for (const w of WIDTHS)
      out += section(`width ${w}, height 12`, renderEventLog(EVENTS, { width: w, height: 12 }));
    out += section(
      "width 80, height 4 (only the newest fit)",
      renderEventLog(EVENTS, { width: 80, height: 4 }),
    );
    expectGolden("event-log", out);
  });

  test("help", () => {
    let out = "";
    for (const w of [40, ...WIDTHS]) out += section(`width ${w}`, renderHelp(w));
    expectGolden("help", out);
  });
});

describe("whole-screen goldens", () => {
  const lagging = TOPOLOGY_SCENARIOS.find((s) => s.name === "replica-lagging")?.instances ?? [];
  const sizes: [number, number][] = [
    [80, 24],
    [132, 40],
    [30, 8],
  ];
  test("overview at 80x24, 132x40 and too small", () => {
    let out = "";
    for (const [w, h] of sizes) out += section(`${w}x${h}`, renderScreen(screenModel(lagging), w, h), false);
    expectGolden("screen-overview", out);
  });

  test("detail and help overlays at 80x24, detail scrolled", () => {
    const inst = lagging[1];
    if (!inst) throw new Error("scenario lost its replica");
    let out = section(
      "detail",
      renderScreen(screenModel(lagging, { kind: "detail", instance: inst }), 80, 24),
      false,
    );
    const scrolled = screenModel(lagging, { kind: "detail", instance: inst, scrollLines: 40 });
    out += section("detail scrolled 40 lines", renderScreen(scrolled, 80, 24), false);
    out += section("help", renderScreen(screenModel(lagging, { kind: "help" }), 80, 24), false);
    expectGolden("screen-overlays", out);
  });
});
