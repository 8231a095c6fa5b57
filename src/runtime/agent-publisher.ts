// Turns probe results into this agent's gossiped AgentRecord: rebuilt after every probe,
// published only when it changed meaningfully or the keepalive period ran out (see
// agent-record-changes.ts). The last reachable probe is kept after the server dies, because
// failover needs the dead server's last known GTID position.
import type { AgentPrimaryCheck, AgentRaftSummary, AgentRecord } from "../model/agent-record.ts";
import type { InstanceState, PromotionRule, ReachableInstance } from "../model/instance-state.ts";
import type { Logger } from "../obs/logger.ts";
import type { AgentMetrics } from "./agent-metrics.ts";
import { PublishPolicy, probeTransitions } from "./agent-record-changes.ts";
import { encodeAgentRecord } from "./agent-record-codec.ts";
import type { RuntimeClock } from "./clock.ts";
import type { GossipHost } from "./gossip-host.ts";

export interface RecordIdentity {
  nodeId: string;
  cluster: string;
  kind: "agent" | "witness";
  datacenter: string;
  promotionRule: PromotionRule;
  agentVersion: string;
  instanceAddress: string | null;
}

export interface AgentPublisherOptions {
  identity: RecordIdentity;
  gossip: GossipHost;
  clock: RuntimeClock;
  keepaliveMs: number;
  metrics: AgentMetrics;
  logger: Logger;
  /** This agent's check of the cluster's primary (src/mysql/primary-check.ts); null until wired. */
  primaryCheck?: () => AgentPrimaryCheck | null;
  /** The raft host's summary; null until a raft host is plugged in. */
  raft?: () => AgentRaftSummary | null;
}

export class AgentPublisher {
  private instance: InstanceState | null = null;
  private lastReachable: ReachableInstance | null = null;
  private readonly policy: PublishPolicy;
  private current: AgentRecord | null = null;

  constructor(private readonly o: AgentPublisherOptions) {
    this.policy = new PublishPolicy(o.keepaliveMs);
  }

  /** A probe answered: log what changed, rebuild the record, publish if it is news. */
  onProbe(state: InstanceState, nowMs: number): void {
    this.o.metrics.observeProbe(state);
    for (const t of probeTransitions(this.instance, state)) {
      const { type, ...fields } = t;
      const level = type === "server-unreachable" ? "warn" : "info";
      this.o.logger[level](type, { instance: `${state.key.host}:${state.key.port}`, ...fields });
    }
    this.instance = state;
    if (state.reachable) this.lastReachable = state;
    this.publishIfDue(nowMs);
  }

  /** Called every loop tick: republishes an unchanged record once the keepalive is due (cheap
   *  otherwise: nothing is built between keepalives). */
  tick(nowMs: number): void {
    if (nowMs >= this.policy.keepaliveDueAtMs()) this.publishIfDue(nowMs);
  }

  /** Something outside the probe changed (raft role, primary check): publish if it is news. */
  refresh(nowMs: number): void {
    this.publishIfDue(nowMs);
  }

  /** The record as last built (what /api/state shows for self). */
  record(): AgentRecord | null {
    return this.current;
  }

  private publishIfDue(nowMs: number): void {
    // An agent publishes once it has probed; a witness has nothing to wait for.
    if (this.o.identity.kind === "agent" && this.instance === null) return;
    const record = this.build();
    this.current = record;
    const reason = this.policy.decide(record, nowMs);
    if (reason === null) return;
    const published = this.o.gossip.publish(encodeAgentRecord(record), nowMs);
    if (!published.ok) {
      this.o.logger.error("record not published", { ...published.error });
      return;
    }
    this.policy.published(record, nowMs);
    this.o.metrics.observePublish(reason);
  }

  private build(): AgentRecord {
    return {
      ...this.o.identity,
      producedAtWallMs: this.o.clock.wallMs(),
      instance: this.instance,
      lastReachable: this.lastReachable,
      primaryCheck: this.o.primaryCheck?.() ?? null,
      raft: this.o.raft?.() ?? null,
    };
  }
}
