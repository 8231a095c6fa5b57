// How the agent carries raft: starts the raft runtime on the agent's channels, logs what the host
// reports, refreshes the gossiped record when leadership moves, and says which voters are
// witnesses from gossip. agent.ts calls attachRaft once its channels and gossip exist.
import type { Config } from "../config/config.ts";
import type { Result } from "../lib/result.ts";
import type { AgentRaftSummary } from "../model/agent-record.ts";
import type { Keyring } from "../net/keyring.ts";
import type { Logger } from "../obs/logger.ts";
import type { RaftTiming } from "../raft/config.ts";
import { ApiAuthVerifier } from "./api-auth.ts";
import type { RuntimeClock } from "./clock.ts";
import type { MemberKind } from "./ledger-view.ts";
import { type RequestHandler, raftApiRoutes } from "./raft-api.ts";
import type { RaftHostEvent } from "./raft-host.ts";
import {
  PROPOSAL_CHANNEL,
  RAFT_CHANNEL,
  type RaftRuntime,
  type RaftStartError,
  startRaftRuntime,
} from "./raft-loop.ts";

export interface RaftWiring {
  config: Config;
  witness: boolean;
  clock: RuntimeClock;
  logger: Logger;
  channels: {
    register(channel: string, handler: { onMessage(from: string, msg: unknown, nowMs: number): void }): void;
    send(to: string, channel: string, msg: unknown): boolean;
  };
  /** Gossip's members: a voter's kind and liveness come from there. */
  members(nowMs: number): readonly { id: string; kind: string; status: string }[];
  /** Leadership moved: the record's raft summary is news. */
  onLeadershipChange(nowMs: number): void;
  timing?: Partial<RaftTiming>;
}

type Level = "debug" | "info" | "warn" | "error";

/** Level, message and fields of the log line for one host event. */
function raftLogLine(e: RaftHostEvent): [Level, string, Record<string, unknown>] {
  switch (e.type) {
    case "became-leader":
      return ["info", "raft: became leader", { term: e.term }];
    case "lost-leadership":
      return ["warn", "raft: lost leadership", { term: e.term, reason: e.reason }];
    case "leader-changed":
      return ["info", "raft: leader changed", { term: e.term, leader: e.leader }];
    case "ledger-applied":
      return ["info", "ledger: applied", { index: e.index, command: e.command }];
    case "ledger-rejected":
      return ["warn", "ledger: rejected", { ...e.rejection }];
    case "snapshot-restored":
      return ["info", "raft: snapshot restored from leader", { index: e.index }];
    case "compacted":
      return ["debug", "raft: log compacted", { index: e.index }];
    case "storage-warning":
      return ["warn", "raft: storage repaired on open", { ...e.warning }];
    case "message-dropped":
      return ["debug", "raft: message dropped", { from: e.from, reason: e.reason }];
    case "halted":
      return ["error", "raft: halted after a storage failure; restart the agent once fixed", { ...e.error }];
  }
}

export function attachRaft(w: RaftWiring): Result<RaftRuntime, RaftStartError> {
  const started = startRaftRuntime(w.config, {
    clock: w.clock,
    send: (to, channel, msg) => w.channels.send(to, channel, msg),
    witness: w.witness,
    timing: w.timing,
    kindOf: (id) => {
      const m = w.members(w.clock.monoMs()).find((x) => x.id === id);
      return m?.kind === "witness" || m?.kind === "agent" ? (m.kind as MemberKind) : null;
    },
    onEvent: (e) => {
      const [level, msg, fields] = raftLogLine(e);
      w.logger[level](msg, fields);
      if (e.type === "leader-changed" || e.type === "became-leader" || e.type === "lost-leadership")
        w.onLeadershipChange(w.clock.monoMs());
    },
  });
  if (!started.ok) return started;
  w.channels.register(RAFT_CHANNEL, started.value.handlers.r);
  w.channels.register(PROPOSAL_CHANNEL, started.value.handlers.p);
  return started;
}

/** What the gossiped AgentRecord says about raft. */
export function raftSummary(rt: RaftRuntime): AgentRaftSummary {
  const st = rt.host.status();
  return { term: st.term, leader: st.leader, role: st.role };
}

/** The parts of the running agent raft plugs into (agent.ts's AgentParts, structurally). */
export interface AgentSlots {
  config: Config;
  clock: RuntimeClock;
  logger: Logger;
  channels: RaftWiring["channels"];
  gossip: { members(nowMs: number): readonly { id: string; kind: string; status: string }[] };
  publisher: { refresh(nowMs: number): void };
  raftRef: { current: RaftRuntime | null };
  hosts: { tick(nowMs: number): void; stop?(): Promise<void> }[];
  raftState: () => unknown | null;
}

/** Starts raft on the agent's channels and fills its slots: the record's raft summary, the
 *  hosts stopped on shutdown, and the status /api/state and /api/raft show. */
export function plugRaftIntoAgent(p: AgentSlots, witness: boolean): Result<RaftRuntime, RaftStartError> {
  const raft = attachRaft({
    config: p.config,
    witness,
    clock: p.clock,
    logger: p.logger,
    channels: p.channels,
    members: (nowMs) => p.gossip.members(nowMs),
    onLeadershipChange: (nowMs) => p.publisher.refresh(nowMs),
  });
  if (!raft.ok) return raft;
  const rt = raft.value;
  p.raftRef.current = rt;
  // Raft ticks on its own RAFT_HOST_TICK_MS timer; the agent loop only stops it.
  p.hosts.push({ tick: () => {}, stop: async () => rt.stop() });
  p.raftState = () => rt.view();
  return raft;
}

/** The authenticated GET /api/raft and POST /api/propose handlers for the agent's HTTP server
 *  (they need request-level routes: the server's plain routes see neither headers nor body). */
export function raftRoutesFor(
  rt: RaftRuntime,
  keyring: Keyring,
  clock: RuntimeClock,
): Readonly<Record<string, RequestHandler>> {
  return raftApiRoutes({
    verifier: new ApiAuthVerifier(keyring),
    wallMs: () => clock.wallMs(),
    view: () => rt.view(),
    propose: (cmd, timeoutMs) => rt.propose(cmd, timeoutMs),
  });
}
