// `keel agent` as a running thing: wires the real clock, one UDP socket (channels.ts), the
// gossip core (gossip-host.ts), the probe loop and record publishing, logs, /metrics and
// /api/state. Wiring only; the decisions live in the pure cores and the small files beside this.
//
// Where another host plugs in (raft-host.ts on channel "r", proposal forwarding on "p"):
//   1. build it in startAgent() after `channels` and `gossip` exist, registering its channel
//      with channels.register(name, handler) and sending with channels.send(nodeId, name, msg);
//   2. add it to `hosts` so the loop ticks it and stop() stops it;
//   3. feed its summary to the record through AgentPublisher's `raft` option, and its status
//      to /api/state through `raftState` below.
import { randomInt } from "node:crypto";
import pkg from "../../package.json" with { type: "json" };
import type { Config } from "../config/config.ts";
import { type GossipConfig, gossipConfig } from "../gossip/config.ts";
import { AGENT_LEAVE_FLUSH_MS, AGENT_RECORD_KEEPALIVE_MS, AGENT_TICK_INTERVAL_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { type Rng, seededRng } from "../lib/rng.ts";
import type { InstanceState } from "../model/instance-state.ts";
import type { MysqlAddress } from "../mysql/connect.ts";
import { InstanceProber } from "../mysql/probe.ts";
import { createKeyring, type Keyring } from "../net/keyring.ts";
import type { KeyringError, TransportError } from "../net/net-error.ts";
import { ReplayWindow } from "../net/replay-window.ts";
import type { Address } from "../net/transport.ts";
import { openUdpTransport, type UdpTransport } from "../net/udp-transport.ts";
import { startHttpServer, type HttpServer } from "../obs/http-server.ts";
import type { Logger } from "../obs/logger.ts";
import type { ObsError } from "../obs/obs-error.ts";
export type { RuntimeHost } from "./agent-parts.ts";
import { createAgentLogger, createDropLogger, logGossipEvent } from "./agent-logger.ts";
import { AgentMetrics } from "./agent-metrics.ts";
import { AgentPublisher } from "./agent-publisher.ts";
import type { AgentParts } from "./agent-parts.ts";
import { type AgentState, RecordDecodeCache } from "./agent-state.ts";
import { agentState, metricsText } from "./agent-views.ts";
import { Channels } from "./channels.ts";
import { type RuntimeClock, systemClock } from "./clock.ts";
import { GossipHost } from "./gossip-host.ts";
import { claimAgentIncarnation } from "./incarnation.ts";
import { ProbeLoop } from "./probe-loop.ts";
import type { RaftRuntime, RaftStartError } from "./raft-loop.ts";
import { plugRaftIntoAgent, raftRoutesFor, raftSummary } from "./raft-wiring.ts";
import { attachRecovery } from "./recovery-wiring.ts";
import { attachReconciler, type ReconcileStartError } from "./reconcile-wiring.ts";

export type AgentStartError = { code: "agent.no-mysql"; nodeId: string };
export type AgentError =
  | TransportError
  | ObsError
  | KeyringError
  | AgentStartError
  | RaftStartError
  | ReconcileStartError;

/** Something the agent's loop drives besides gossip (the raft host, later the reconciler). */

export interface AgentDeps {
  clock?: RuntimeClock;
  rng?: Rng;
  logger?: Logger;
  /** Replaces the mysqld prober (tests, benches). */
  probe?: () => Promise<InstanceState>;
  /** Run as a witness whatever the config says (`keel agent --witness`). */
  witness?: boolean;
  gossip?: Partial<GossipConfig>;
  keepaliveMs?: number;
  tickIntervalMs?: number;
  /** Agent version gossiped in the record; the package version by default. */
  version?: string;
}

export interface AgentHandle {
  readonly nodeId: string;
  readonly udpAddress: Address;
  /** null when http.listen is null. */
  readonly httpAddress: { host: string; port: number } | null;
  readonly channels: Channels;
  readonly gossip: GossipHost;
  /** The raft host, its proposer and its status view (raft-loop.ts). */
  readonly raft: RaftRuntime;
  state(): AgentState;
  metricsText(): string;
  /** Graceful: announces the leave, lets gossip flush it, then closes everything. Idempotent. */
  stop(): Promise<void>;
}

function probeAddress(m: NonNullable<Config["mysql"]>): MysqlAddress {
  return m.socket !== null ? { kind: "socket", path: m.socket } : { kind: "tcp", host: m.host, port: m.port };
}

export async function startAgent(
  config: Config,
  deps: AgentDeps = {},
): Promise<Result<AgentHandle, AgentError>> {
  const witness = deps.witness ?? config.witness;
  if (!witness && config.mysql === null) return err({ code: "agent.no-mysql", nodeId: config.nodeId });
  const keyring = createKeyring({
    primary: config.keyring.primary.reveal(),
    keys: config.keyring.keys.map((k) => k.reveal()),
  });
  if (!keyring.ok) return keyring;
  const incarnation = claimAgentIncarnation(config, (deps.clock ?? systemClock).wallMs());
  if (!incarnation.ok) return incarnation;
  const transport = await openUdpTransport({ host: config.gossip.bind, port: config.gossip.port });
  if (!transport.ok) return transport;
  const parts = assemble(config, deps, witness, keyring.value, transport.value, incarnation.value);
  const raft = plugRaftIntoAgent(parts, witness);
  if (!raft.ok) {
    await parts.udp.close();
    return raft;
  }
  const reconcile = attachReconciler({
    config,
    witness,
    clock: parts.clock,
    logger: parts.logger,
    raft: raft.value,
    keyring: keyring.value,
    channels: parts.channels,
    members: (nowMs) => parts.gossip.members(nowMs),
  });
  if (!reconcile.ok) {
    raft.value.stop();
    await parts.udp.close();
    return reconcile;
  }
  parts.reconcileRef.current = reconcile.value;
  parts.hosts.push(reconcile.value);
  const recovery = attachRecovery({
    config,
    witness,
    clock: parts.clock,
    logger: parts.logger,
    raft: raft.value,
    channels: parts.channels,
    members: (nowMs) => parts.gossip.members(nowMs),
    onPrimaryCheckChange: () => parts.publisher.refresh(parts.clock.monoMs()),
  });
  parts.recoveryRef.current = recovery;
  parts.hosts.push(recovery);
  let http: HttpServer | null = null;
  if (config.http.listen !== null) {
    const started = startHttpServer({
      listen: config.http.listen,
      routes: {
        "/metrics": () => metricsText(parts),
        "/api/state": () => agentState(parts),
        "/api/recoveries": () => raft.value.host.ledgerState.recoveries,
      },
      // Authenticated (HMAC from the keyring): GET /api/raft, POST /api/propose.
      requestRoutes: { ...raftRoutesFor(raft.value, keyring.value, parts.clock), ...reconcile.value.routes },
      onHandlerError: (path, e) => parts.logger.error("http handler failed", { path, detail: String(e) }),
    });
    if (!started.ok) {
      raft.value.stop();
      await parts.udp.close();
      return started;
    }
    http = started.value;
  }
  const loop = run(parts, deps.tickIntervalMs ?? AGENT_TICK_INTERVAL_MS);
  parts.logger.info("agent started", {
    kind: parts.kind,
    gossip: parts.selfAddr,
    http: http ? `${http.host}:${http.port}` : null,
    version: parts.version,
  });
  return ok({
    nodeId: config.nodeId,
    udpAddress: parts.udp.localAddress(),
    httpAddress: http ? { host: http.host, port: http.port } : null,
    channels: parts.channels,
    gossip: parts.gossip,
    raft: raft.value,
    state: () => agentState(parts),
    metricsText: () => metricsText(parts),
    stop: once(() => stopAgent(parts, loop, http)),
  });
}

function assemble(
  config: Config,
  deps: AgentDeps,
  witness: boolean,
  keyring: Keyring,
  udp: UdpTransport,
  /** From claimAgentIncarnation: grows across restarts whatever the clock does. */
  incarnation: number,
): AgentParts {
  const clock = deps.clock ?? systemClock;
  const logger = (deps.logger ?? createAgentLogger(config, clock)).child({ node: config.nodeId });
  const kind = witness ? "witness" : "agent";
  const selfAddr = `${config.gossip.advertise}:${udp.localAddress().port}`;
  const version = deps.version ?? pkg.version;
  const keepaliveMs = deps.keepaliveMs ?? AGENT_RECORD_KEEPALIVE_MS;
  const metrics = new AgentMetrics();
  const logDrop = createDropLogger(logger);
  let gossip: GossipHost | null = null;
  const recoveryRef: AgentParts["recoveryRef"] = { current: null };
  const channels = new Channels({
    transport: udp,
    keyring,
    replayWindow: new ReplayWindow(),
    selfId: config.nodeId,
    incarnation,
    clock,
    resolve: (id) => gossip?.addressOf(id) ?? null,
    onDrop: (notice) => logDrop(notice, clock.monoMs()),
  });
  gossip = new GossipHost({
    config: gossipConfig({ id: config.nodeId, addr: selfAddr, kind, cluster: config.cluster }, deps.gossip),
    rng: deps.rng ?? seededRng(randomInt(2 ** 31)),
    nowMs: clock.monoMs(),
    channels,
    onEvent: (e) => {
      logGossipEvent(logger, e);
      // The leader's recovery runner reacts to a changed record at once, not at the next tick.
      if (e.type === "record-updated") recoveryRef.current?.nudge();
    },
  });
  const mysql = witness ? null : config.mysql;
  const raftRef: AgentParts["raftRef"] = { current: null };
  const reconcileRef: AgentParts["reconcileRef"] = { current: null };
  const publisher = new AgentPublisher({
    identity: {
      nodeId: config.nodeId,
      cluster: config.cluster,
      kind,
      datacenter: config.datacenter,
      promotionRule: config.promotionRule,
      agentVersion: version,
      instanceAddress: mysql === null ? null : `${mysql.host}:${mysql.port}`,
    },
    gossip,
    clock,
    keepaliveMs,
    metrics,
    logger,
    raft: () => (raftRef.current ? raftSummary(raftRef.current) : null),
    primaryCheck: () => recoveryRef.current?.primaryCheck() ?? null,
  });
  const onProbe = (state: InstanceState): void => {
    publisher.onProbe(state, clock.monoMs());
    reconcileRef.current?.onProbe(state);
  };
  const { prober, probeLoop } = probing(mysql, config.probeIntervalMs, deps, clock, onProbe, logger);
  return {
    config,
    clock,
    kind,
    version,
    selfAddr,
    keepaliveMs,
    logger,
    metrics,
    udp,
    channels,
    gossip,
    publisher,
    prober,
    probeLoop,
    hosts: [],
    raftState: () => null,
    raftRef,
    reconcileRef,
    recoveryRef,
    decodeCache: new RecordDecodeCache(),
  };
}

/** The local server's prober and the loop that runs it; neither for a witness. */
function probing(
  mysql: Config["mysql"],
  intervalMs: number,
  deps: AgentDeps,
  clock: RuntimeClock,
  onProbe: (state: InstanceState) => void,
  logger: Logger,
): { prober: InstanceProber | null; probeLoop: ProbeLoop | null } {
  if (mysql === null) return { prober: null, probeLoop: null };
  const loopOf = (probe: () => Promise<InstanceState>) =>
    new ProbeLoop({
      probe,
      intervalMs,
      clock,
      onResult: onProbe,
      onError: (e) => logger.error("probe loop failed", { detail: String(e) }),
    });
  if (deps.probe !== undefined) return { prober: null, probeLoop: loopOf(deps.probe) };
  const prober = new InstanceProber({
    address: probeAddress(mysql),
    user: mysql.user,
    password: mysql.password?.reveal() ?? "",
  });
  return { prober, probeLoop: loopOf(() => prober.probe()) };
}

/** Starts the tick loop, joins the seeds, starts probing; returns the loop's timer. */
function run(p: AgentParts, tickIntervalMs: number): ReturnType<typeof setInterval> {
  const loop = setInterval(() => {
    const nowMs = p.clock.monoMs();
    p.gossip.tick(nowMs);
    p.publisher.tick(nowMs);
    for (const h of p.hosts) h.tick(nowMs);
  }, tickIntervalMs);
  p.gossip.join(
    p.config.gossip.seeds.map((s) => `${s.host}:${s.port}`),
    p.clock.monoMs(),
  );
  if (p.probeLoop !== null) p.probeLoop.start();
  else p.publisher.refresh(p.clock.monoMs());
  return loop;
}

async function stopAgent(
  p: AgentParts,
  loop: ReturnType<typeof setInterval>,
  http: HttpServer | null,
): Promise<void> {
  const probeStopped = p.probeLoop?.stop();
  p.gossip.leave(p.clock.monoMs());
  // Gossip keeps ticking a moment so the farewell reaches peers that missed the first send.
  await new Promise((resolve) => setTimeout(resolve, AGENT_LEAVE_FLUSH_MS));
  clearInterval(loop);
  // Last attached first: recovery and the reconciler propose through raft, so raft stops last.
  for (const h of [...p.hosts].reverse()) await h.stop?.();
  await http?.stop();
  await p.udp.close();
  await p.prober?.close();
  await probeStopped;
  p.logger.info("agent stopped", {});
}

function once(f: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= f();
    return running;
  };
}
