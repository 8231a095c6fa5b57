import { describe, expect, test } from "bun:test";
import {
  buildTopologyTree,
  compareKeys,
  placeNodes,
  type TopologyTree,
} from "../../../../src/console/views/topology-tree.ts";
import { seededRng } from "../../../../src/lib/rng.ts";
import { channel, mariadb, replicaOf, unreachable, view } from "./fixtures.ts";

const P = "10.0.0.1:3306";
const A = "10.0.0.2:3306";
const B = "10.0.0.3:3306";
const C = "10.0.0.4:3306";

/** "key@depth" in print order: the shape of the tree in one comparable value. */
function shape(tree: TopologyTree): string[] {
  return placeNodes(tree).map((p) => `${p.node.view.key}@${p.depth}`);
}

describe("buildTopologyTree", () => {
  test("replicas hang under the instance whose key their channel names", () => {
    const tree = buildTopologyTree([view(A, replicaOf(A, P)), view(P, mariadb(P)), view(B, replicaOf(B, A))]);
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`, `${B}@2`]);
  });

  test("a source named by report_host:report_port or by the probed address is matched", () => {
    const primary = mariadb("127.0.0.1:3306", { reportHost: "DB-Primary.example", reportPort: 3306 });
    const tree = buildTopologyTree([
      view(P, primary),
      view(A, replicaOf(A, "db-primary.example:3306")),
      view(B, replicaOf(B, "127.0.0.1:3306")),
    ]);
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`, `${B}@1`]);
    expect(tree.roots[0]?.children.every((c) => c.unknownSources.length === 0)).toBe(true);
  });

  test("report_host without report_port means the server's own port", () => {
    const tree = buildTopologyTree([
      view(P, mariadb("127.0.0.1:3306", { reportHost: "db1" })),
      view(A, replicaOf(A, "db1:3306")),
    ]);
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`]);
  });

  test("an unreachable replica stays where its last successful probe put it", () => {
    const tree = buildTopologyTree([
      view(P, mariadb(P)),
      view(A, unreachable(A, "timeout"), { lastReachable: replicaOf(A, P) }),
    ]);
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`]);
  });

  test("a multi-source replica sits under its first channel's source, the others noted", () => {
    const multi = replicaOf(C, P, { channels: [channel(B, { name: "b" }), channel(P, { name: "p" })] });
    const tree = buildTopologyTree([view(P, mariadb(P)), view(B, mariadb(B)), view(C, multi)]);
    const node = placeNodes(tree).find((p) => p.node.view.key === C);
    expect(node?.depth).toBe(1);
    expect(tree.roots.find((r) => r.view.key === B)?.children.map((c) => c.view.key)).toEqual([C]);
    expect(node?.node.otherSources).toEqual([P]);
  });

  test("a first channel from outside the cluster: the next known source is the parent, the unknown one noted", () => {
    const multi = replicaOf(C, P, { channels: [channel("192.168.9.9:3306"), channel(P, { name: "p" })] });
    const tree = buildTopologyTree([view(P, mariadb(P)), view(C, multi)]);
    expect(shape(tree)).toEqual([`${P}@0`, `${C}@1`]);
    expect(tree.roots[0]?.children[0]?.unknownSources).toEqual(["192.168.9.9:3306"]);
  });

  test("a replica of an unknown address is its own root, flagged, after the real roots", () => {
    const tree = buildTopologyTree([
      view(A, replicaOf(A, "10.9.9.9:3306")),
      view(P, mariadb(P)),
      view(B, replicaOf(B, P)),
    ]);
    expect(shape(tree)).toEqual([`${P}@0`, `${B}@1`, `${A}@0`]);
    expect(tree.roots[1]?.unknownSources).toEqual(["10.9.9.9:3306"]);
    expect(tree.roots[0]?.unknownSources).toEqual([]);
  });

  test("a server replicating from itself is flagged, not looped", () => {
    const tree = buildTopologyTree([view(A, replicaOf(A, A))]);
    expect(shape(tree)).toEqual([`${A}@0`]);
    expect(tree.roots[0]?.unknownSources).toEqual([A]);
  });

  test("co-primaries: the ring is cut at the ledger primary, the other appears under it", () => {
    const tree = buildTopologyTree([
      view(A, replicaOf(A, B)),
      view(B, replicaOf(B, A, { readOnly: false }), { isLedgerPrimary: true }),
      view(C, replicaOf(C, A)),
    ]);
    expect(shape(tree)).toEqual([`${B}@0`, `${A}@1`, `${C}@2`]);
    expect(tree.roots[0]?.coPrimaryOf).toBe(A);
    expect(placeNodes(tree).filter((p) => p.node.coPrimaryOf !== null)).toHaveLength(1);
  });

  test("without a ledger primary the writable ring member is the root, else the lowest key", () => {
    const writable = buildTopologyTree([
      view(A, replicaOf(A, B)),
      view(B, replicaOf(B, A, { readOnly: false })),
    ]);
    expect(shape(writable)).toEqual([`${B}@0`, `${A}@1`]);
    const readOnly = buildTopologyTree([view(B, replicaOf(B, A)), view(A, replicaOf(A, B))]);
    expect(shape(readOnly)).toEqual([`${A}@0`, `${B}@1`]);
  });

  test("a three-member ring with a tail hanging off it prints every instance exactly once", () => {
    const tree = buildTopologyTree([
      view(P, replicaOf(P, B)),
      view(A, replicaOf(A, P)),
      view(B, replicaOf(B, A)),
      view(C, replicaOf(C, B)),
    ]);
    const keys = placeNodes(tree).map((p) => p.node.view.key);
    expect([...keys].sort()).toEqual([P, A, B, C].sort());
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`, `${B}@2`, `${C}@3`]);
  });

  test("duplicate keys keep one node", () => {
    const tree = buildTopologyTree([view(P, mariadb(P)), view(P, mariadb(P)), view(A, replicaOf(A, P))]);
    expect(shape(tree)).toEqual([`${P}@0`, `${A}@1`]);
  });

  test("any input order gives the same tree", () => {
    const views = [
      view(P, mariadb(P)),
      view("10.0.0.10:3306", replicaOf("10.0.0.10:3306", P)),
      view("10.0.0.9:3306", replicaOf("10.0.0.9:3306", P)),
      view(A, replicaOf(A, "10.0.0.9:3306")),
      view(B, replicaOf(B, "10.8.8.8:3306")),
      view(C, mariadb(C, { readOnly: true })),
    ];
    const expected = shape(buildTopologyTree(views));
    expect(expected).toEqual([`${P}@0`, "10.0.0.9:3306@1", `${A}@2`, "10.0.0.10:3306@1", `${C}@0`, `${B}@0`]);
    const rng = seededRng(7);
    for (let i = 0; i < 50; i++) expect(shape(buildTopologyTree(rng.shuffle(views)))).toEqual(expected);
  });

  test("an empty cluster is an empty forest", () => {
    expect(buildTopologyTree([]).roots).toEqual([]);
  });
});

describe("compareKeys", () => {
  test("host first, then numeric port", () => {
    expect(["h:10", "h:9", "a:3306", "h:3306"].sort(compareKeys)).toEqual([
      "a:3306",
      "h:9",
      "h:10",
      "h:3306",
    ]);
  });
});
