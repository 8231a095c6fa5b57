// The running agent's parts, built by startAgent (agent.ts) and read by its loops, its HTTP views
// and the wiring of raft, reconciler and recovery.
import type { Config } from "../config/config.ts";
import type { InstanceProber } from "../mysql/probe.ts";
import type { UdpTransport } from "../net/udp-transport.ts";
import type { Logger } from "../obs/logger.ts";
import type { AgentMetrics } from "./agent-metrics.ts";
import type { AgentPublisher } from "./agent-publisher.ts";
import type { RecordDecodeCache } from "./agent-state.ts";
import type { Channels } from "./channels.ts";
import type { RuntimeClock } from "./clock.ts";
import type { GossipHost } from "./gossip-host.ts";
import type { ProbeLoop } from "./probe-loop.ts";
import type { RaftRuntime } from "./raft-loop.ts";
import type { RecoveryRuntime } from "./recovery-wiring.ts";
import type { ReconcileRuntime } from "./reconcile-wiring.ts";

/** Something the agent's loop ticks besides gossip, stopped with the agent. */
export interface RuntimeHost {
  tick(nowMs: number): void;
  stop?(): Promise<void>;
}

/** Everything the running agent holds; built by startAgent, read by agent.ts, agent-views.ts and the wiring. */
export interface AgentParts {
  config: Config;
  clock: RuntimeClock;
  kind: "agent" | "witness";
  version: string;
  selfAddr: string;
  keepaliveMs: number;
  logger: Logger;
  metrics: AgentMetrics;
  udp: UdpTransport;
  channels: Channels;
  gossip: GossipHost;
  publisher: AgentPublisher;
  prober: InstanceProber | null;
  probeLoop: ProbeLoop | null;
  /** Hosts the loop ticks besides gossip (the raft host plugs in here). */
  hosts: RuntimeHost[];
  /** What /api/state shows under "raft" (the raft host's status). */
  raftState: () => unknown | null;
  /** Set by plugRaftIntoAgent right after assemble(); the publisher reads it for the record. */
  raftRef: { current: RaftRuntime | null };
  /** Set right after attachRaft; every probe result also goes to the reconciler. */
  reconcileRef: { current: ReconcileRuntime | null };
  /** Set right after the reconciler; feeds the record its primary check, woken by gossip news. */
  recoveryRef: { current: RecoveryRuntime | null };
  decodeCache: RecordDecodeCache;
}
