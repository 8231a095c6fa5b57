import type { GossipDecodeError } from "../../gossip/codec.ts";
import type { GossipPublishError } from "../../gossip/gossip-node.ts";
import { defineMessages } from "./define.ts";

export type GossipError = GossipDecodeError | GossipPublishError;

const PEER_FIX = "run the same keel version on every member; if they match, this is a bug in keel: report it";

export const gossipMessages = defineMessages<GossipError>({
  "gossip.not-an-object": () => ({
    problem: "a gossip message from a peer was not a msgpack map",
    fix: PEER_FIX,
  }),
  "gossip.unknown-type": (e) => ({
    problem: `a peer sent a gossip message of unknown type '${e.type}'`,
    fix: PEER_FIX,
  }),
  "gossip.bad-field": (e) => ({
    problem: `a peer's gossip '${e.type}' message has a missing or malformed field '${e.field}'`,
    fix: PEER_FIX,
  }),
  "gossip.record-too-large": (e) => ({
    problem: `this agent's state record is ${e.sizeBytes} bytes, over the gossip limit of ${e.maxBytes}`,
    fix: "reduce what the agent publishes (fewer replication channels in the summary), or raise GOSSIP_RECORD_BYTES_MAX in src/lib/limits.ts",
  }),
});
