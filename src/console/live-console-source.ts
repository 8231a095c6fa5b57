// The console's real source: the local agent's /api/state (through the read side's view-source,
// which also hands back the agent's raft status), else a gossip observer that stays joined for
// the console's lifetime. Each look is turned into a snapshot plus the events since the last look.
import type { CodedError } from "../cli/command.ts";
import { loadReadView, realViewSourceDeps, type ViaMode, type ViewSourceDeps } from "../cli/view-source.ts";
import type { Config } from "../config/config.ts";
import { CONSOLE_EVENTS_MAX, CONSOLE_STATE_STALE_MS, OBSERVER_SETTLE_MS_DEFAULT } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { orchestratorName } from "../model/analysis-code.ts";
import type { EventView } from "../model/topology-view.ts";
import type { RuntimeClock } from "../runtime/clock.ts";
import type { MemberInput } from "../runtime/member-facts.ts";
import { GossipObserver } from "../runtime/observer.ts";
import { type AssembledCluster, assembleClusters } from "../runtime/view-assembly.ts";
import type { ConsoleSnapshot, ConsoleSource } from "./console-source.ts";
import { eventsBetween, type SourceFacts } from "./snapshot-events.ts";
import { consoleClusterOf, type RaftFacts, readRaftFacts } from "./snapshot-mapping.ts";

/** Only seen by a look still running when the console quits. */
export type LiveSourceError = { code: "console.source-closed" };

export interface LiveSourceOptions {
  config: Config;
  via: ViaMode;
  /** Gossip seeds to join through instead of the config's (`--seed`). */
  seeds?: readonly string[];
  clock: RuntimeClock;
}

interface Look {
  clusters: AssembledCluster[];
  members: MemberInput[];
  raft: RaftFacts | null;
  origin: string;
}

function factsOf(look: Look): SourceFacts {
  const own = look.raft
    ? look.clusters.find((c) => c.instances.some((i) => look.raft?.members.some((m) => m.id === i.nodeId)))
    : undefined;
  return {
    members: new Map(
      look.members
        .filter((m) => m.kind !== "observer")
        .map((m) => [m.id, { cluster: m.record?.cluster ?? m.cluster, status: m.status }]),
    ),
    health: new Map(
      look.clusters.map((c) => [
        c.cluster,
        { health: c.summary.health, problems: c.summary.problems.map(orchestratorName).join(", ") },
      ]),
    ),
    ledger: own && look.raft ? { cluster: own.cluster, facts: look.raft.ledger } : null,
  };
}

export class LiveConsoleSource implements ConsoleSource {
  private prev: SourceFacts | null = null;
  private events: EventView[] = [];
  private observer: GossipObserver | null = null;
  private observerOpenedAtMs = 0;
  private closed = false;
  private inflight: Promise<Result<ConsoleSnapshot, CodedError>> | null = null;

  constructor(private readonly o: LiveSourceOptions) {}

  /** A caller that gave up on a slow look and asks again joins it rather than starting another. */
  snapshot(): Promise<Result<ConsoleSnapshot, CodedError>> {
    this.inflight ??= this.takeSnapshot().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async takeSnapshot(): Promise<Result<ConsoleSnapshot, CodedError>> {
    const look = await this.look();
    if (!look.ok) return look;
    const nowWallMs = this.o.clock.wallMs();
    const facts = factsOf(look.value);
    this.events = [...this.events, ...eventsBetween(this.prev, facts, nowWallMs)].slice(-CONSOLE_EVENTS_MAX);
    this.prev = facts;
    const { clusters, members, raft, origin } = look.value;
    return ok({
      clusters: clusters.map((c) => consoleClusterOf(c, members, raft)),
      events: this.events,
      origin,
      takenAtWallMs: nowWallMs,
    });
  }

  private async look(): Promise<Result<Look, CodedError>> {
    const { via, config } = this.o;
    let agentError: CodedError | null = null;
    if (via !== "gossip" && this.o.seeds === undefined) {
      const fromAgent = await this.fromAgent();
      if (fromAgent.ok || via === "agent") return fromAgent;
      agentError = fromAgent.error;
    }
    const fromGossip = await this.fromObserver();
    // Both failed: the agent's reason is the useful one when the config names an agent.
    if (!fromGossip.ok && agentError !== null && config.http.listen !== null) return err(agentError);
    return fromGossip;
  }

  private async fromAgent(): Promise<Result<Look, CodedError>> {
    let raw: unknown = null;
    // The read side fetches /api/state; keeping its body gives the raft status in the same request.
    const deps: ViewSourceDeps = {
      ...realViewSourceDeps,
      monoMs: () => this.o.clock.monoMs(),
      wallMs: () => this.o.clock.wallMs(),
      fetchJson: async (url, timeoutMs) => {
        const r = await realViewSourceDeps.fetchJson(url, timeoutMs);
        if (r.ok) raw = r.value;
        return r;
      },
    };
    const view = await loadReadView(this.o.config, "agent", deps);
    if (!view.ok) return view;
    const origin = view.value.origin;
    const raft = readRaftFacts((raw as { raft?: unknown } | null)?.raft);
    const where = origin.via === "agent" ? `agent ${origin.nodeId} ${new URL(origin.url).host}` : "agent";
    return ok({ clusters: view.value.clusters, members: view.value.members, raft, origin: where });
  }

  private async fromObserver(): Promise<Result<Look, CodedError>> {
    if (this.observer === null) {
      const opened = await GossipObserver.open(this.o.config, {
        clock: this.o.clock,
        ...(this.o.seeds ? { seeds: this.o.seeds } : {}),
      });
      if (!opened.ok) return opened;
      // Closed while joining: leave at once rather than keep a socket nobody will close.
      if (this.closed) {
        await opened.value.close();
        const closed: LiveSourceError = { code: "console.source-closed" };
        return err(closed);
      }
      this.observer = opened.value;
      this.observerOpenedAtMs = this.o.clock.monoMs();
      // The first look waits for the members' records, so even --once shows a whole picture.
      await this.observer.waitSettled();
    }
    const observer = this.observer;
    const seen = observer.observe();
    const members = seen.members.filter((m) => m.id !== observer.id);
    const heard = members.some((m) => m.kind !== "observer");
    if (!heard && seen.nowMs - this.observerOpenedAtMs > OBSERVER_SETTLE_MS_DEFAULT)
      return err({
        code: "observer.nobody-answered",
        seeds: [...observer.seeds],
        waitedMs: Math.round(seen.nowMs - this.observerOpenedAtMs),
      } as CodedError);
    const clusters = assembleClusters({
      nowMs: seen.nowMs,
      nowWallMs: seen.nowWallMs,
      members,
      analysisSettings: { staleAfterMs: CONSOLE_STATE_STALE_MS },
    });
    return ok({ clusters, members, raft: null, origin: `observer via ${observer.seeds.join(", ")}` });
  }

  async close(): Promise<void> {
    this.closed = true;
    const o = this.observer;
    this.observer = null;
    if (o) await o.close();
  }
}
