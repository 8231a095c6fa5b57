// Gossip's named limits that are enforced by the node as a whole, each exercised at the limit.
import { describe, expect, test } from "bun:test";
import type { GossipUpdate } from "../../../src/gossip/messages.ts";
import {
  GOSSIP_PENDING_PROBES_MAX,
  GOSSIP_PIGGYBACK_MAX,
  GOSSIP_SYNC_RECORDS_MAX,
} from "../../../src/lib/limits.ts";
import { drain, entry, makeNode } from "./harness.ts";

describe("node-level limits", () => {
  test(`at most GOSSIP_PIGGYBACK_MAX (${GOSSIP_PIGGYBACK_MAX}) updates ride on one message`, () => {
    const a = makeNode("a");
    const ids = Array.from({ length: 3 * GOSSIP_PIGGYBACK_MAX }, (_, i) => `m${i}`);
    a.restore([entry("b"), ...ids.map((id) => entry(id))], 0);
    // Small updates (about 30 B): the count limit binds before the byte budget does.
    const updates: GossipUpdate[] = ids.map((id) => ({ t: "suspect", id, inc: 0, by: "b" }));
    a.step("b", { type: "gossip", updates }, 0);
    drain(a);
    a.step("b", { type: "ping", seq: 1, target: "a", updates: [] }, 1);
    const [ack] = drain(a).messages;
    expect(ack?.msg.type).toBe("ack");
    expect(ack?.msg.type === "ack" && ack.msg.updates.length).toBe(GOSSIP_PIGGYBACK_MAX);
  });

  test(`at most GOSSIP_PENDING_PROBES_MAX (${GOSSIP_PENDING_PROBES_MAX}) indirect probes run for others`, () => {
    const h = makeNode("h");
    h.restore([entry("asker"), entry("target")], 0);
    for (let i = 0; i < GOSSIP_PENDING_PROBES_MAX; i++)
      h.step("asker", { type: "ping-req", seq: i, target: "target", updates: [] }, 0);
    expect(drain(h).messages).toHaveLength(GOSSIP_PENDING_PROBES_MAX);
    h.step("asker", { type: "ping-req", seq: 9_999, target: "target", updates: [] }, 0);
    expect(drain(h).messages).toEqual([]);
  });

  test(`a record request is served for at most GOSSIP_SYNC_RECORDS_MAX (${GOSSIP_SYNC_RECORDS_MAX}) members`, () => {
    const a = makeNode("a");
    const ids = Array.from({ length: GOSSIP_SYNC_RECORDS_MAX + 4 }, (_, i) => `m${i}`);
    a.restore(
      ids.map((id) => entry(id)),
      0,
    );
    for (const id of ids)
      a.step(
        id,
        {
          type: "gossip",
          updates: [{ t: "rec", id, ver: 1, idx: 0, cnt: 1, ageMs: 0, data: new Uint8Array(600) }],
        },
        0,
      );
    drain(a);
    a.step("m0", { type: "rec-req", ids }, 1);
    const served = new Set<string>();
    for (const m of drain(a).messages)
      if (m.msg.type === "gossip") for (const u of m.msg.updates) if (u.t === "rec") served.add(u.id);
    expect(served.size).toBe(GOSSIP_SYNC_RECORDS_MAX);
  });
});
