// Runs the pure GossipNode on channel "g": feeds it decoded messages and ticks, and after each
// drains ready() into sealed datagrams and events. Record bytes are opaque here; agent-publisher.ts
// decides what and when to publish.
import { decodeGossipMessage } from "../gossip/codec.ts";
import type { GossipConfig } from "../gossip/config.ts";
import type { GossipEvent, MemberView } from "../gossip/events.ts";
import { GossipNode, type GossipPublishError } from "../gossip/gossip-node.ts";
import type { GossipMessage } from "../gossip/messages.ts";
import type { Result } from "../lib/result.ts";
import type { Rng } from "../lib/rng.ts";
import type { Channels } from "./channels.ts";

export const GOSSIP_CHANNEL = "g";

export interface GossipHostOptions {
  config: GossipConfig;
  rng: Rng;
  nowMs: number;
  channels: Channels;
  onEvent(event: GossipEvent): void;
}

export class GossipHost {
  readonly node: GossipNode;

  constructor(private readonly o: GossipHostOptions) {
    this.node = new GossipNode(o.config, o.rng, o.nowMs);
    o.channels.register<GossipMessage>(GOSSIP_CHANNEL, {
      decode: decodeGossipMessage,
      onMessage: (from, msg, nowMs) => {
        this.node.step(from, msg, nowMs);
        this.flush();
      },
    });
  }

  tick(nowMs: number): void {
    this.node.tick(nowMs);
    this.flush();
  }

  /** Seeds are "host:port"; our own address among them is skipped (it would only talk to us). */
  join(seeds: readonly string[], nowMs: number): void {
    this.node.join(
      seeds.filter((s) => s !== this.o.config.addr),
      nowMs,
    );
    this.flush();
  }

  publish(record: Uint8Array, nowMs: number): Result<number, GossipPublishError> {
    const r = this.node.publish(record, nowMs);
    this.flush();
    return r;
  }

  leave(nowMs: number): void {
    this.node.leave(nowMs);
    this.flush();
  }

  members(nowMs: number): MemberView[] {
    return this.node.members(nowMs);
  }

  addressOf(id: string): string | null {
    return this.node.addressOf(id);
  }

  private flush(): void {
    const { messages, events } = this.node.ready();
    this.node.advance();
    for (const { to, msg } of messages) this.o.channels.send(to, GOSSIP_CHANNEL, msg);
    for (const e of events) this.o.onEvent(e);
  }
}
