// How the agent carries recovery: the step RPC on channel "s" (every agent performs the steps the
// leader asks of its own server), and on the raft leader the recovery runner, ticked by the agent
// loop and woken at once by ledger changes and gossip news. Events go to the log and the audit
// log (raft.data_dir/<cluster>/audit.log), so every step's outcome is on this host's disk too.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "../config/config.ts";
import { DEFAULT_ANALYSIS_SETTINGS } from "../failover/analysis.ts";
import { parseStepName, type StepAction } from "../failover/plan-steps.ts";
import type { MemberView } from "../gossip/events.ts";
import {
  PRIMARY_CHECK_INTERVAL_MS_MIN,
  PROPOSAL_TIMEOUT_MS_DEFAULT,
  RECOVERY_FENCE_MARGIN_MS,
  RECOVERY_REFRESH_DEADLINE_MS,
  RECOVERY_RUNNER_TICK_MS,
  RECOVERY_SETTLE_MS_MIN,
  RECOVERY_STOP_WAIT_MS,
} from "../lib/limits.ts";
import { err } from "../lib/result.ts";
import type { MysqlAddress } from "../mysql/connect.ts";
import type { Logger } from "../obs/logger.ts";
import type { AgentPrimaryCheck } from "../model/agent-record.ts";
import { type AgentAudit, openAgentAudit } from "./agent-audit.ts";
import { memberState, RecordDecodeCache } from "./agent-state.ts";
import { takeSnapshot } from "./cluster-snapshot.ts";
import type { RuntimeClock } from "./clock.ts";
import { parseInstanceKey } from "./member-facts.ts";
import { type CheckTarget, PrimaryCheckLoop } from "./primary-check-loop.ts";
import type { RaftRuntime } from "./raft-loop.ts";
import { refreshPositions } from "./position-refresh.ts";
import { RecoveryExecutor } from "./recovery-executor.ts";
import { type RecoveryEvent, RecoveryRunner, type RunnerSettings } from "./recovery-runner.ts";
import { performServerStep, type ServerAccess } from "./server-step.ts";
import {
  type Acceptance,
  type CallResult,
  STEP_CHANNEL,
  type StepMessage,
  type StepOutcome,
  type StepRequest,
  StepRpc,
} from "./step-rpc.ts";

export interface RecoveryWiring {
  config: Config;
  witness: boolean;
  clock: RuntimeClock;
  logger: Logger;
  raft: RaftRuntime;
  channels: {
    register(channel: string, handler: { onMessage(from: string, msg: unknown, nowMs: number): void }): void;
    send(to: string, channel: string, msg: unknown): boolean;
  };
  members(nowMs: number): readonly MemberView[];
  /** This agent's primary check changed: its record should be republished. */
  onPrimaryCheckChange(): void;
}

export interface RecoveryRuntime {
  readonly runner: RecoveryRunner;
  /** Agent loop tick: step RPC deadlines, then the runner (leader only). */
  tick(nowMs: number): void;
  /** Something changed (a gossip record, the ledger): assess now rather than at the next tick. */
  nudge(): void;
  /** This agent's check of the ledger's primary, for the gossiped record. */
  primaryCheck(): AgentPrimaryCheck | null;
  stop(): Promise<void>;
}

const NO_BOUNDS = { recordFreshMs: Number.MAX_SAFE_INTEGER, heardFreshMs: Number.MAX_SAFE_INTEGER };

function localAddress(m: NonNullable<Config["mysql"]>): MysqlAddress {
  return m.socket !== null ? { kind: "socket", path: m.socket } : { kind: "tcp", host: m.host, port: m.port };
}

export function runnerSettingsOf(config: Config): RunnerSettings {
  const staleAfterMs = Math.max(DEFAULT_ANALYSIS_SETTINGS.staleAfterMs, 3 * config.probeIntervalMs);
  return {
    auto: config.failover.auto,
    recoveryBlockMs: config.failover.recoveryBlockSeconds * 1000,
    settleMs: Math.max(RECOVERY_SETTLE_MS_MIN, 4 * config.probeIntervalMs),
    staleAfterMs,
    analysis: { confirmWindowMs: config.failover.confirmWindowMs, staleAfterMs },
    plan: {
      fenceAfterMs: config.failover.fenceAfterMs,
      fenceMarginMs: RECOVERY_FENCE_MARGIN_MS,
      catchupTimeoutMs: config.failover.catchupTimeoutMs,
    },
    hooks: { commands: config.hooks.commands, timeoutMs: config.hooks.timeoutMs },
    voters: config.raft.voters,
  };
}

function openAudit(w: RecoveryWiring): AgentAudit {
  return openAgentAudit(w.config, w.clock, w.logger, "recovery steps");
}

function localAccessOf(config: Config, witness: boolean): ServerAccess | null {
  const m = witness ? null : config.mysql;
  if (m === null) return null;
  return {
    target: { address: localAddress(m), user: m.user, password: m.password?.reveal() ?? "" },
    replication: { user: config.replication.user, password: config.replication.password?.reveal() ?? "" },
    semiSync: config.failover.semiSync,
  };
}

/** What this agent knows of the ledger, checked before it makes its own server writable. */
export interface LocalLedgerCheck {
  selfIds: readonly string[];
  ledger(): { primary: string | null; epoch: number };
  quorumOk(): boolean;
}

/**
 * The leader's view may be stale, so the agent checks its own: its server becomes writable only
 * while its ledger names it primary of exactly the step's epoch and it hears a quorum. Null: go.
 */
export function writableRefusal(action: StepAction, check: LocalLedgerCheck): string | null {
  if (action.kind !== "make-writable") return null;
  const l = check.ledger();
  const named = l.primary !== null && l.primary === action.nodeId && check.selfIds.includes(l.primary);
  if (!named || l.epoch !== action.epoch)
    return `refused: this agent's ledger names ${l.primary ?? "no primary"} at epoch ${l.epoch}, not ${action.nodeId} at epoch ${action.epoch}`;
  if (!check.quorumOk()) return "refused: this agent does not hear a raft quorum";
  return null;
}

/** A step the leader asked this agent to perform on its own server. */
export async function performRequested(
  access: ServerAccess | null,
  req: StepRequest,
  check: LocalLedgerCheck,
): Promise<StepOutcome> {
  if (access === null) return { ok: false, detail: "this agent is a witness: it has no server" };
  const action = parseStepName(req.name);
  if (!action.ok) return { ok: false, detail: `unknown step ${req.name}` };
  const refusal = writableRefusal(action.value, check);
  if (refusal !== null) return { ok: false, detail: refusal };
  const source = req.source === null ? null : parseInstanceKey(req.source);
  return performServerStep(access, { action: action.value, source, gtid: req.gtid, boundMs: req.boundMs });
}

/** Serves only the leader of the request's term (step-rpc.ts). */
export function acceptanceOf(
  st: { term: number; leader: string | null },
  from: string,
  term: number | undefined,
): Acceptance {
  if (term === undefined) return st.leader === from ? { type: "accept" } : { type: "refuse" };
  if (term > st.term || (term === st.term && st.leader === null)) return { type: "unknown-term" };
  if (term === st.term && st.leader === from) return { type: "accept" };
  return { type: "refuse", term: st.term };
}

/** The ledger's primary as this agent checks it; null when there is none or it is this agent. */
function checkTargetOf(w: RecoveryWiring, cache: RecordDecodeCache): CheckTarget | null {
  const primary = w.raft.host.ledgerState.primary;
  if (primary === null || primary === w.config.nodeId) return null;
  const nowMs = w.clock.monoMs();
  const m = w.members(nowMs).find((x) => x.id === primary);
  const record = m === undefined ? null : memberState(m, w.config.nodeId, cache, NO_BOUNDS).record;
  const address = record?.instanceAddress ?? (primary.includes(":") ? primary : null);
  const key = address === null ? null : parseInstanceKey(address);
  return key === null || address === null ? null : { address, host: key.host, port: key.port };
}

function startPrimaryCheck(w: RecoveryWiring): PrimaryCheckLoop | null {
  const m = w.witness ? null : w.config.mysql;
  if (m === null) return null;
  const cache = new RecordDecodeCache();
  const loop = new PrimaryCheckLoop({
    intervalMs: Math.max(PRIMARY_CHECK_INTERVAL_MS_MIN, Math.floor(w.config.probeIntervalMs / 2)),
    clock: w.clock,
    target: () => checkTargetOf(w, cache),
    user: m.user,
    password: m.password?.reveal() ?? "",
    onChange: () => w.onPrimaryCheckChange(),
  });
  loop.start();
  return loop;
}

/**
 * An acknowledged step may still be running on its server: acting there remotely too (what the
 * executor does when an agent doesn't answer) would run it twice at once. Only "never
 * acknowledged" lets the leader act itself; a timeout after the acknowledgement, or a call ended
 * by shutdown, is a failed step.
 */
export function settledCall(r: CallResult): CallResult {
  if (r.type !== "timeout") return r;
  return {
    type: "result",
    ok: false,
    detail: "acknowledged but not answered in time (or the leader is stopping)",
  };
}

/** Waits for `p`, at most `ms`: a hook or SQL statement still running must not hold up shutdown. */
async function boundedWait(p: Promise<void>, ms: number): Promise<void> {
  const ac = new AbortController();
  await Promise.race([p, sleep(ms, undefined, { signal: ac.signal }).catch(() => {})]);
  ac.abort();
}

export function attachRecovery(w: RecoveryWiring): RecoveryRuntime {
  const { config, clock, raft } = w;
  const logger = w.logger.child({ part: "recovery" });
  const audit = openAudit(w);
  const localAccess = localAccessOf(config, w.witness);
  const settings = runnerSettingsOf(config);
  const m = w.witness ? null : config.mysql;
  const ledgerCheck: LocalLedgerCheck = {
    selfIds: m === null ? [config.nodeId] : [config.nodeId, `${m.host}:${m.port}`],
    ledger: () => raft.host.ledgerState,
    quorumOk: () => raft.view().quorum === "OK",
  };
  const rpc = new StepRpc({
    send: (to, msg: StepMessage) => {
      w.channels.send(to, STEP_CHANNEL, msg);
    },
    acceptFrom: (from, term) => acceptanceOf(raft.host.status(), from, term),
    performLocal: async (req) => {
      logger.info("performing step for the leader", { recovery: req.recovery, step: req.name });
      const out = await performRequested(localAccess, req, ledgerCheck);
      audit.append("recovery.step-performed", { recovery: req.recovery, step: req.name, ...out });
      logger[out.ok ? "info" : "warn"]("step performed", { recovery: req.recovery, step: req.name, ...out });
      return out;
    },
  });
  w.channels.register(STEP_CHANNEL, { onMessage: (from, raw) => rpc.onMessage(from, raw) });
  const cache = new RecordDecodeCache();
  const snapshot = () => {
    const nowMs = clock.monoMs();
    const members = w.members(nowMs);
    cache.retain(new Set(members.map((m) => m.id)));
    return takeSnapshot({
      cluster: config.cluster,
      selfId: config.nodeId,
      nowMs,
      nowWallMs: clock.wallMs(),
      members,
      cache,
      ledger: raft.host.ledgerState,
      quorumOk: raft.view().quorum === "OK",
      staleAfterMs: settings.staleAfterMs,
    });
  };
  // The executor acts for the runner's assessment: its proposals and step requests carry that
  // assessment's term (a deposed leader's are refused, not forwarded or served).
  const runnerRef: { current: RecoveryRunner | null } = { current: null };
  const executor = new RecoveryExecutor({
    selfId: config.nodeId,
    monoMs: () => clock.monoMs(),
    sleep: (ms) => sleep(ms),
    snapshot,
    propose: (cmd) =>
      runnerRef.current?.proposeAsLeader(cmd) ??
      Promise.resolve(err({ code: "raft.no-leader", term: raft.host.status().term, waitedMs: 0 })),
    callAgent: (nodeId, req, o) => {
      const term = runnerRef.current?.drivingTerm() ?? null;
      if (term === null)
        return Promise.resolve({ type: "result", ok: false, detail: "this agent no longer leads" });
      return rpc.call(nodeId, { ...req, term }, { nowMs: clock.monoMs(), ...o }).then(settledCall);
    },
    localAccess,
    admin: { user: config.mysql?.user ?? "", password: config.mysql?.password?.reveal() ?? "" },
    replication: { user: config.replication.user, password: config.replication.password?.reveal() ?? "" },
    semiSync: config.failover.semiSync,
    hooks: settings.hooks,
    newRequestId: () => randomBytes(8).toString("hex"),
    onHookRun: (point, run) => {
      logger.info("hook ran", { point, command: run.command, exitCode: run.exitCode, output: run.output });
      audit.append("hook.run", { point, command: run.command, exitCode: run.exitCode, output: run.output });
    },
  });
  const runner = new RecoveryRunner({
    cluster: config.cluster,
    leaderTerm: () => raft.host.leaderTerm(),
    ledger: () => raft.host.ledgerState,
    snapshot,
    propose: (cmd, term) =>
      raft.proposer.proposeAsLeader(cmd, term, PROPOSAL_TIMEOUT_MS_DEFAULT, clock.monoMs()),
    executor,
    settings,
    wallMs: () => clock.wallMs(),
    refresh: (s, failed) =>
      refreshPositions(s, failed, {
        user: config.mysql?.user ?? "",
        password: config.mysql?.password?.reveal() ?? "",
        deadlineMs: RECOVERY_REFRESH_DEADLINE_MS,
      }),
    onEvent: (e: RecoveryEvent) => {
      logger[e.level](e.message, { event: e.kind, ...e.data });
      if (!auditClosed) audit.append(e.kind, { message: e.message, ...e.data });
    },
  });
  runnerRef.current = runner;
  const checkLoop = startPrimaryCheck(w);
  const unsubscribe = raft.host.onApplied(() => queueMicrotask(() => runner.tick()));
  let stopped = false;
  let auditClosed = false;
  let assessedAtMs = Number.NEGATIVE_INFINITY;
  return {
    runner,
    tick: (nowMs) => {
      if (stopped) return;
      rpc.tick(nowMs);
      if (nowMs - assessedAtMs < RECOVERY_RUNNER_TICK_MS) return;
      assessedAtMs = nowMs;
      runner.tick();
    },
    nudge: () => {
      if (!stopped) runner.tick();
    },
    primaryCheck: () => checkLoop?.current() ?? null,
    // Before raft stops (agent.ts stops hosts in reverse): the runner must not be left mid-step
    // with a proposer that no longer ticks. Its calls are failed so it winds down at once.
    stop: async () => {
      stopped = true;
      unsubscribe();
      const runnerStopped = runner.stop();
      rpc.close();
      await boundedWait(runnerStopped, RECOVERY_STOP_WAIT_MS);
      await checkLoop?.stop();
      auditClosed = true;
      audit.log?.close();
    },
  };
}
