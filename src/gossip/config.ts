// Gossip tuning. Defaults are chosen for keel's clusters (a handful of agents per replication
// cluster, up to a few thousand members in all) and checked by test/sim/gossip.test.ts:
// a crashed member is dead everywhere within a few seconds on 3–5 nodes, and 10% loss for ten
// simulated minutes declares no live member dead.
import type { MemberKind } from "./messages.ts";

export interface GossipConfig {
  /** This node. */
  id: string;
  addr: string;
  kind: MemberKind;
  cluster: string;
  /** One SWIM protocol period: one member probed per period. */
  probeIntervalMs: number;
  /** How long a direct ping waits for its ack before indirect probes start. */
  probeTimeoutMs: number;
  /** Helpers asked to probe a silent member on our behalf (SWIM's k). */
  indirectChecks: number;
  /** Suspicion lasts at least this many (log-scaled) probe periods. */
  suspicionMult: number;
  /** The longest suspicion is this multiple of the shortest. */
  suspicionMaxTimeoutMult: number;
  /** λ in the λ·log(N) retransmit limit. */
  retransmitMult: number;
  /** Fan-out dissemination period and fan-out (only runs while updates are pending). */
  gossipIntervalMs: number;
  gossipFanout: number;
  /** Push-pull anti-entropy base period (scaled up in large clusters). */
  pushPullIntervalMs: number;
  /** Lifeguard local-health multiplier ceiling. */
  awarenessMax: number;
  /** Dead and left members are forgotten after this long (their stale record with them). */
  deadReclaimMs: number;
}

export type GossipIdentity = Pick<GossipConfig, "id" | "addr" | "kind" | "cluster">;

export function gossipConfig(identity: GossipIdentity, overrides: Partial<GossipConfig> = {}): GossipConfig {
  return Object.freeze({
    probeIntervalMs: 200,
    probeTimeoutMs: 80,
    indirectChecks: 3,
    suspicionMult: 5,
    suspicionMaxTimeoutMult: 6,
    retransmitMult: 4,
    gossipIntervalMs: 200,
    gossipFanout: 3,
    pushPullIntervalMs: 10_000,
    awarenessMax: 8,
    deadReclaimMs: 24 * 3_600_000,
    ...overrides,
    ...identity,
  });
}
