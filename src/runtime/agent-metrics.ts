// The agent's Prometheus metrics. Probe results are observed as they happen; traffic, drops and
// membership live in their owners' counters and are copied in when /metrics is scraped, so the
// hot receive path does no metrics work.
import type { MemberView } from "../gossip/events.ts";
import { MEMBER_STATUSES } from "../gossip/messages.ts";
import type { DropCounts } from "../net/drop-counters.ts";
import { type Counter, type Gauge, MetricsRegistry, renderPrometheus } from "../obs/metrics.ts";
import type { InstanceState } from "../model/instance-state.ts";
import type { ChannelDropReason, ChannelTraffic } from "./channels.ts";
import type { PublishReason } from "./agent-record-changes.ts";

const PROBE_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface ScrapeSnapshot {
  members: readonly MemberView[];
  traffic: ChannelTraffic;
  envelopeDrops: DropCounts;
  channelDrops: Record<ChannelDropReason, number>;
  healthScore: number;
  pendingBroadcasts: number;
}

/** Adds to a counter only what its source gained since the last scrape. */
class CounterMirror {
  private readonly seen = new Map<string, number>();

  constructor(private readonly counter: Counter) {}

  update(labels: Record<string, string>, total: number): void {
    const key = JSON.stringify(labels);
    const delta = total - (this.seen.get(key) ?? 0);
    // A new label set is shown at 0 too, so every drop reason is visible before it happens.
    if (delta > 0 || !this.seen.has(key)) this.counter.labels(labels).inc(Math.max(0, delta));
    this.seen.set(key, total);
  }
}

export class AgentMetrics {
  readonly registry = new MetricsRegistry();
  private readonly probeLatency = this.registry.histogram({
    name: "keel_probe_latency_seconds",
    help: "Time one probe of the local server took, reachable or not",
    buckets: PROBE_BUCKETS_SECONDS,
  });
  private readonly probeFailures = this.registry.counter({
    name: "keel_probe_failures_total",
    help: "Probes that found the local server unreachable, by reason",
    labelNames: ["reason"],
  });
  private readonly probes = this.registry.counter({
    name: "keel_probes_total",
    help: "Probes of the local server",
  });
  private readonly published = this.registry.counter({
    name: "keel_records_published_total",
    help: "Versions of this agent's record handed to gossip, by why (first, changed, keepalive)",
    labelNames: ["reason"],
  });
  private readonly members: Gauge = this.registry.gauge({
    name: "keel_gossip_members",
    help: "Members this agent knows, by status (itself included)",
    labelNames: ["status"],
  });
  private readonly datagrams = new CounterMirror(
    this.registry.counter({
      name: "keel_datagrams_total",
      help: "Datagrams received and sent",
      labelNames: ["direction"],
    }),
  );
  private readonly bytes = new CounterMirror(
    this.registry.counter({
      name: "keel_datagram_bytes_total",
      help: "Datagram bytes received and sent",
      labelNames: ["direction"],
    }),
  );
  private readonly dropped = new CounterMirror(
    this.registry.counter({
      name: "keel_datagrams_dropped_total",
      help: "Datagrams thrown away (envelope: not authentic or replayed; channel: unusable content), by reason",
      labelNames: ["layer", "reason"],
    }),
  );
  private readonly health = this.registry.gauge({
    name: "keel_gossip_health_score",
    help: "Lifeguard local health: 0 is healthy, higher means this node is slow to answer probes",
  });
  private readonly pending = this.registry.gauge({
    name: "keel_gossip_pending_broadcasts",
    help: "Membership and record updates waiting to be piggybacked",
  });

  observeProbe(state: InstanceState): void {
    this.probes.inc();
    this.probeLatency.observe(state.probeLatencyMs / 1000);
    if (!state.reachable) this.probeFailures.labels({ reason: state.reason }).inc();
  }

  observePublish(reason: PublishReason): void {
    this.published.labels({ reason }).inc();
  }

  /** Prometheus text with everything copied in from `s`. */
  render(s: ScrapeSnapshot): string {
    for (const status of MEMBER_STATUSES)
      this.members.labels({ status }).set(s.members.filter((m) => m.status === status).length);
    this.datagrams.update({ direction: "in" }, s.traffic.datagramsIn);
    this.datagrams.update({ direction: "out" }, s.traffic.datagramsOut);
    this.bytes.update({ direction: "in" }, s.traffic.bytesIn);
    this.bytes.update({ direction: "out" }, s.traffic.bytesOut);
    for (const [reason, n] of Object.entries(s.envelopeDrops))
      this.dropped.update({ layer: "envelope", reason }, n);
    for (const [reason, n] of Object.entries(s.channelDrops))
      this.dropped.update({ layer: "channel", reason }, n);
    this.health.set(s.healthScore);
    this.pending.set(s.pendingBroadcasts);
    return renderPrometheus(this.registry);
  }
}
