// The real shell drives the core with performance.now(): fractional milliseconds. Everything the
// core sends must still decode on the other side (records relayed with a fractional age were
// once rejected as gossip.bad-field, so only the direct push ever arrived).
import { describe, expect, test } from "bun:test";
import { decodeGossipMessage } from "../../../src/gossip/codec.ts";
import { drain, makeNode } from "./harness.ts";

describe("fractional clocks", () => {
  test("every message a node emits under a fractional clock decodes", () => {
    const nodes = ["a", "b", "c"].map((id, i) => makeNode(id, { seed: i + 1, nowMs: 0.25 }));
    const byId = new Map(nodes.map((n, i) => [["a", "b", "c"][i] as string, n]));
    let now = 0.25;
    nodes[1]?.join(["a"], now);
    nodes[2]?.join(["a"], now);
    const rejected: string[] = [];
    let delivered = 0;
    for (let step = 0; step < 400; step++) {
      now += 7.3; // never a whole number of ms
      if (step % 50 === 0)
        for (const [i, n] of nodes.entries()) n.publish(new Uint8Array([i, step & 0xff]), now);
      for (const [id, node] of byId) {
        node.tick(now);
        for (const m of drain(node).messages) {
          const wire = structuredClone(m.msg);
          const decoded = decodeGossipMessage(wire);
          if (!decoded.ok) {
            rejected.push(`${id}→${m.to}: ${JSON.stringify(decoded.error)}`);
            continue;
          }
          byId.get(m.to)?.step(id, decoded.value, now);
          delivered++;
        }
      }
    }
    expect(rejected).toEqual([]);
    expect(delivered).toBeGreaterThan(100);
    for (const node of nodes) {
      const withRecords = node.members(now).filter((m) => m.record !== null);
      expect(withRecords.length).toBe(3);
    }
  });
});
