// Hand-routing helpers for gossip-node tests: nodes are stepped and ticked explicitly and every
// message is inspected before (or instead of) delivery.
import { type GossipConfig, gossipConfig } from "../../../src/gossip/config.ts";
import type { GossipEvent } from "../../../src/gossip/events.ts";
import { GossipNode, type Outgoing } from "../../../src/gossip/gossip-node.ts";
import type { MemberKind, SyncEntry } from "../../../src/gossip/messages.ts";
import { seededRng } from "../../../src/lib/rng.ts";

export function makeNode(
  id: string,
  opts: {
    kind?: MemberKind;
    cluster?: string;
    config?: Partial<GossipConfig>;
    seed?: number;
    nowMs?: number;
  } = {},
): GossipNode {
  const config = gossipConfig(
    { id, addr: `${id}:7946`, kind: opts.kind ?? "agent", cluster: opts.cluster ?? "c1" },
    opts.config ?? {},
  );
  return new GossipNode(config, seededRng(opts.seed ?? 1), opts.nowMs ?? 0);
}

export function entry(
  id: string,
  opts: { kind?: MemberKind; cluster?: string; inc?: number } = {},
): SyncEntry {
  return [id, opts.inc ?? 0, "alive", `${id}:7946`, opts.kind ?? "agent", opts.cluster ?? "c1", 0];
}

/** Takes and clears what a node has to say. */
export function drain(node: GossipNode): { messages: Outgoing[]; events: GossipEvent[] } {
  const r = node.ready();
  const out = { messages: [...r.messages], events: [...r.events] };
  node.advance();
  return out;
}

/** Ticks every `stepMs` from `fromMs` to `toMs` inclusive, collecting output. */
export function tickThrough(node: GossipNode, fromMs: number, toMs: number, stepMs = 1) {
  const messages: Outgoing[] = [];
  const events: GossipEvent[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) {
    node.tick(t);
    const r = drain(node);
    messages.push(...r.messages);
    events.push(...r.events);
  }
  return { messages, events };
}
