// How the agent carries its reconciler: refuses to start when fence_after is not safely shorter
// than the majority's detection time, feeds the reconciler probes, ledger changes and the raft
// host's contact with the quorum, performs its actions on the local server with the admin
// credentials, audits them, and serves POST /api/rejoin (forwarded over channel "j") and POST
// /api/override (operator-override.ts: this agent's own server only).
import { randomBytes } from "node:crypto";
import type { Config } from "../config/config.ts";
import type { FenceAfterError } from "../failover/plan-errors.ts";
import { fenceAfterIsSafe } from "../failover/self-fence.ts";
import type { MemberView } from "../gossip/events.ts";
import {
  AGENT_MEMBER_STALE_MS,
  RECONCILE_REJOIN_REQUEST_TTL_MS,
  REJOIN_RPC_TIMEOUT_MS,
} from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { InstanceState } from "../model/instance-state.ts";
import { openAdminConnection } from "../mysql/admin-connection.ts";
import type { MysqlAddress } from "../mysql/connect.ts";
import type { Keyring } from "../net/keyring.ts";
import type { Logger } from "../obs/logger.ts";
import { type AgentAudit, openAgentAudit } from "./agent-audit.ts";
import { ApiAuthVerifier } from "./api-auth.ts";
import { memberState, RecordDecodeCache } from "./agent-state.ts";
import type { RuntimeClock } from "./clock.ts";
import { factsOf, type MemberInput } from "./member-facts.ts";
import type { RaftRuntime } from "./raft-loop.ts";
import type { RequestHandler } from "./raft-api.ts";
import { OperatorOverride } from "./operator-override.ts";
import { overrideApiRoutes } from "./override-api.ts";
import { rejoinApiRoutes } from "./reconcile-api.ts";
import { performLocalAction } from "./reconcile-actions.ts";
import { lastQuorumContactMs, namesMember, type QuorumReading, quorumReading } from "./reconcile-inputs.ts";
import { Reconciler } from "./reconciler.ts";
import { decodeRejoinMessage, REJOIN_CHANNEL, type RejoinMessage, RejoinRpc } from "./rejoin-rpc.ts";

export type ReconcileStartError = FenceAfterError;

export interface ReconcileWiring {
  config: Config;
  witness: boolean;
  clock: RuntimeClock;
  logger: Logger;
  raft: RaftRuntime;
  keyring: Keyring;
  channels: {
    register(channel: string, handler: { onMessage(from: string, msg: unknown, nowMs: number): void }): void;
    send(to: string, channel: string, msg: unknown): boolean;
  };
  members(nowMs: number): readonly MemberView[];
}

export interface ReconcileRuntime {
  readonly reconciler: Reconciler;
  onProbe(state: InstanceState): void;
  tick(nowMs: number): void;
  /** POST /api/rejoin and /api/override, for the agent's HTTP server. */
  readonly routes: Readonly<Record<string, RequestHandler>>;
  stop(): Promise<void>;
}

function localAddress(m: NonNullable<Config["mysql"]>): MysqlAddress {
  return m.socket !== null ? { kind: "socket", path: m.socket } : { kind: "tcp", host: m.host, port: m.port };
}

/**
 * The raft host's contact with a majority and whether its ledger is current, as the reconciler
 * needs them. The last contact is remembered: a node that loses its leader keeps counting its
 * lost time from when it last had one.
 */
function quorumOf(raft: RaftRuntime, startedMs: number): (nowMs: number) => QuorumReading {
  let lastContactMs: number | null = null;
  return (nowMs) => {
    const st = raft.host.status();
    lastContactMs = lastQuorumContactMs(
      {
        selfId: st.id,
        voters: raft.host.config.voters,
        role: st.role,
        leader: st.leader,
        heardAtMs: (id) => raft.host.lastHeardAtMs(id),
      },
      nowMs,
      lastContactMs,
    );
    const windowMs = raft.host.config.electionTimeoutMaxMs;
    return quorumReading(lastContactMs, nowMs, windowMs, startedMs, raft.host.ledgerCurrent(nowMs));
  };
}

function auditTo(w: ReconcileWiring): AgentAudit {
  return openAgentAudit(w.config, w.clock, w.logger, "reconcile actions");
}

/**
 * A cut-off primary must fence itself before the majority can confirm it dead and promote another.
 * A witness has no server to fence.
 */
export function checkFenceAfter(config: Config, witness: boolean): Result<void, ReconcileStartError> {
  if (witness || config.mysql === null) return ok(undefined);
  const safe = fenceAfterIsSafe({
    fenceAfterMs: config.failover.fenceAfterMs,
    analysis: { confirmWindowMs: config.failover.confirmWindowMs },
  });
  return safe.ok ? ok(undefined) : err(safe.error);
}

export function attachReconciler(w: ReconcileWiring): Result<ReconcileRuntime, ReconcileStartError> {
  const { config, clock, raft } = w;
  const mysql = w.witness ? null : config.mysql;
  const checked = checkFenceAfter(config, w.witness);
  if (!checked.ok) return checked;
  const self = config.nodeId;
  const selfAddress = mysql === null ? null : `${mysql.host}:${mysql.port}`;
  const startedMs = clock.monoMs();
  const quorum = quorumOf(raft, startedMs);
  const cache = new RecordDecodeCache();
  const members = (nowMs: number): MemberInput[] => {
    const views = w.members(nowMs);
    cache.retain(new Set(views.map((m) => m.id)));
    const bounds = { recordFreshMs: 2 * AGENT_MEMBER_STALE_MS, heardFreshMs: AGENT_MEMBER_STALE_MS };
    return views.map((m) => memberState(m, self, cache, bounds));
  };
  const audit = auditTo(w);
  const logger = w.logger.child({ part: "reconcile" });
  const reconcilerRef: { current: Reconciler | null } = { current: null };
  const override = new OperatorOverride({
    self,
    ledger: () => raft.host.ledgerState,
    propose: (cmd) => raft.propose(cmd),
    audit: audit.append,
    log: logger,
    onEnded: () => reconcilerRef.current?.onLedgerChange(clock.monoMs()),
  });
  const reconciler = new Reconciler({
    self,
    kind: mysql === null ? "witness" : "agent",
    cluster: config.cluster,
    selfAddress,
    settings: { fenceAfterMs: config.failover.fenceAfterMs, autoRejoin: config.failover.autoRejoin },
    rejoinRequestTtlMs: RECONCILE_REJOIN_REQUEST_TTL_MS,
    monoMs: () => clock.monoMs(),
    wallMs: () => clock.wallMs(),
    ledger: () => raft.host.ledgerState,
    members,
    quorum,
    perform: (a) =>
      performLocalAction(a, {
        open: () =>
          openAdminConnection({
            address: localAddress(mysql as NonNullable<Config["mysql"]>),
            user: mysql?.user ?? "",
            password: mysql?.password?.reveal() ?? "",
          }),
        replication: { user: config.replication.user, password: config.replication.password?.reveal() ?? "" },
        stillPrimaryOf: (epoch) => {
          const l = raft.host.ledgerState;
          const named = l.primary === self || (selfAddress !== null && l.primary === selfAddress);
          const q = quorum(clock.monoMs());
          const okNow = named && l.epoch === epoch && q.reachable && q.ledgerCurrent;
          return { ok: okNow, currentEpoch: l.epoch, primary: l.primary };
        },
      }),
    log: logger,
    audit: audit.append,
    overridden: (nowMs) => override.active(nowMs) !== null,
  });
  reconcilerRef.current = reconciler;
  const unsubscribeApplied = raft.host.onApplied((a) => {
    if (a.result.ok && a.result.value.applied === "no-op") return;
    reconciler.onLedgerChange(clock.monoMs());
  });
  const rpc = new RejoinRpc({
    send: (to, msg: RejoinMessage) => {
      w.channels.send(to, REJOIN_CHANNEL, msg);
    },
    handle: (force, nowMs) => reconciler.requestRejoin(force, nowMs),
    newId: () => randomBytes(8).toString("hex"),
  });
  w.channels.register(REJOIN_CHANNEL, {
    onMessage: (from, raw, nowMs) => {
      const m = decodeRejoinMessage(raw);
      if (m.ok) rpc.onMessage(from, m.value, nowMs);
    },
  });
  const routes = rejoinApiRoutes({
    verifier: new ApiAuthVerifier(w.keyring),
    wallMs: () => clock.wallMs(),
    resolve: (instance) => {
      if (instance === self || instance === selfAddress) return self;
      const facts = members(clock.monoMs()).flatMap((m) => factsOf(m) ?? []);
      const f = facts.find(
        (x) => x.cluster === config.cluster && x.kind === "agent" && namesMember(x, instance),
      );
      return f?.nodeId ?? null;
    },
    rejoin: async (nodeId, force) => {
      const startMs = clock.monoMs();
      const outcome =
        nodeId === self
          ? await reconciler.requestRejoin(force, startMs)
          : await rpc.call(nodeId, force, REJOIN_RPC_TIMEOUT_MS, startMs);
      return { outcome, waitedMs: clock.monoMs() - startMs };
    },
  });
  const overrideRoutes = overrideApiRoutes({
    verifier: new ApiAuthVerifier(w.keyring),
    wallMs: () => clock.wallMs(),
    monoMs: () => clock.monoMs(),
    self,
    selfAddress,
    override,
  });
  return ok({
    reconciler,
    onProbe: (state) => reconciler.onProbe(state, clock.monoMs()),
    tick: (nowMs) => {
      override.tick(nowMs, quorum(nowMs));
      reconciler.tick(nowMs);
      rpc.tick(nowMs);
    },
    routes: { ...routes, ...overrideRoutes },
    stop: async () => {
      unsubscribeApplied(); // no ledger change may reach a stopping reconciler
      rpc.close();
      await reconciler.stop();
      audit.log?.close();
    },
  });
}
