import { describe, expect, test } from "bun:test";
import {
  type LayoutModel,
  layoutScreen,
  type Rect,
  WIDE_LAYOUT_COLUMNS,
} from "../../../../src/console/views/layout.ts";

const MODEL: LayoutModel = {
  clusterCount: 3,
  topologyLineCount: 5,
  quorumMemberCount: 3,
  eventCount: 40,
  overlay: "none",
};

function overlaps(a: Rect, b: Rect): boolean {
  if (a.width === 0 || a.height === 0 || b.width === 0 || b.height === 0) return false;
  return (
    a.left < b.left + b.width &&
    b.left < a.left + a.width &&
    a.top < b.top + b.height &&
    b.top < a.top + a.height
  );
}

function panels(l: ReturnType<typeof layoutScreen>): Rect[] {
  return [l.header, l.clusters, l.topology, l.quorum, l.events, l.footer];
}

describe("layoutScreen", () => {
  const sizes: [number, number][] = [
    [80, 24],
    [100, 30],
    [119, 40],
    [120, 30],
    [132, 40],
    [250, 80],
    [40, 12],
    [20, 5],
    [0, 0],
  ];

  test("panels stay on screen, never overlap, and fill every row", () => {
    for (const [w, h] of sizes) {
      for (const m of [MODEL, { ...MODEL, clusterCount: 100, topologyLineCount: 30, quorumMemberCount: 9 }]) {
        const l = layoutScreen(m, w, h);
        const ps = panels(l);
        for (const r of ps) {
          expect(r.left).toBeGreaterThanOrEqual(0);
          expect(r.top).toBeGreaterThanOrEqual(0);
          expect(r.height).toBeGreaterThanOrEqual(0);
          expect(r.left + r.width).toBeLessThanOrEqual(w);
          expect(r.top + r.height).toBeLessThanOrEqual(h);
        }
        for (let i = 0; i < ps.length; i++)
          for (let j = i + 1; j < ps.length; j++) expect(overlaps(ps[i]!, ps[j]!)).toBe(false);
        const cells = ps.reduce((n, r) => n + r.width * r.height, 0);
        expect(cells).toBe(w * h);
      }
    }
  });

  test("80x24 stacks the panels; every panel has room for a title and content", () => {
    const l = layoutScreen(MODEL, 80, 24);
    expect(l.tooSmall).toBe(false);
    expect([l.clusters.width, l.topology.width, l.quorum.width, l.events.width]).toEqual([80, 80, 80, 80]);
    expect(l.topology.height).toBeGreaterThanOrEqual(MODEL.topologyLineCount);
    expect(l.quorum.height).toBe(MODEL.quorumMemberCount + 2);
    for (const r of [l.clusters, l.events]) expect(r.height).toBeGreaterThanOrEqual(3);
  });

  test("from the wide threshold the cluster list and quorum share a row and the topology spans the width", () => {
    const l = layoutScreen(MODEL, WIDE_LAYOUT_COLUMNS, 40);
    expect(l.clusters.top).toBe(l.quorum.top);
    expect(l.clusters.width + l.quorum.width).toBe(WIDE_LAYOUT_COLUMNS);
    expect(l.topology.width).toBe(WIDE_LAYOUT_COLUMNS);
    expect(layoutScreen(MODEL, WIDE_LAYOUT_COLUMNS - 1, 40).clusters.width).toBe(WIDE_LAYOUT_COLUMNS - 1);
  });

  test("a large topology grows into a tall terminal before the cluster list does", () => {
    const l = layoutScreen({ ...MODEL, clusterCount: 100, topologyLineCount: 30, eventCount: 0 }, 80, 60);
    expect(l.topology.height).toBe(30);
    expect(l.clusters.height).toBeLessThan(30);
  });

  test("overlays cover the whole body; tiny terminals are flagged", () => {
    const l = layoutScreen({ ...MODEL, overlay: "detail" }, 80, 24);
    expect(l.overlay).toEqual({ left: 0, top: 1, width: 80, height: 22 });
    expect(layoutScreen(MODEL, 80, 24).overlay).toBeNull();
    expect(layoutScreen(MODEL, 39, 24).tooSmall).toBe(true);
    expect(layoutScreen(MODEL, 40, 11).tooSmall).toBe(true);
    expect(layoutScreen(MODEL, 40, 12).tooSmall).toBe(false);
  });
});
