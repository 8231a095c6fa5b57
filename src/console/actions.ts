// What the console's actions do. `ConsoleActions` is the port; `LedgerConsoleActions` acts through
// the local agent's signed proposal API (the path the CLI's ledger commands use): downtime,
// acknowledge, pause/resume, and a switchover intent it then watches until the primary moves.
// Failover and rejoin run the CLI's own client code (recovery-actions.ts).
import type { CodedError } from "../cli/command.ts";
import { wordError } from "../cli/render-error.ts";
import type { Config } from "../config/config.ts";
import { CONSOLE_SWITCHOVER_POLL_MS, CONSOLE_SWITCHOVER_WAIT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import { type CallOptions, fetchRaftView, proposeViaAgent } from "../runtime/api-client.ts";
import type { RuntimeClock } from "../runtime/clock.ts";
import type { ActionOutcome, ActionRequest, ExtraActionRequest } from "./action-request.ts";
import { consoleFailover, consoleRejoin, type RecoveryActionContext } from "./recovery-actions.ts";
import { formatClock } from "./views/time-text.ts";

export type ConsoleActionError =
  | { code: "console.action-no-config"; action: string }
  | { code: "console.action-other-cluster"; cluster: string; configCluster: string; configPath: string }
  | {
      code: "console.switchover-unconfirmed";
      cluster: string;
      to: string;
      waitedMs: number;
      primary: string | null;
    };

/** Reports a step of a running action, as it happens, for the event log. */
export type Progress = (text: string) => void;

export type ActionResult = Result<string, CodedError>;

export interface ConsoleActions {
  switchover(cluster: string, toKey: string, progress: Progress): Promise<ActionResult>;
  failover(cluster: string, progress: Progress): Promise<ActionResult>;
  downtime(
    cluster: string,
    instance: string,
    durationMs: number,
    reason: string,
    progress: Progress,
  ): Promise<ActionResult>;
  ack(cluster: string, progress: Progress): Promise<ActionResult>;
  rejoin(cluster: string, instance: string, progress: Progress): Promise<ActionResult>;
  pause(cluster: string, progress: Progress): Promise<ActionResult>;
  resume(cluster: string, progress: Progress): Promise<ActionResult>;
  /** The actions of extra keys (console-state.ts ExtraKey); absent where none are offered. */
  extra?(request: ExtraActionRequest, progress: Progress): Promise<ActionResult>;
}

function dispatch(a: ConsoleActions, r: ActionRequest, progress: Progress): Promise<ActionResult> {
  switch (r.kind) {
    case "switchover":
      return a.switchover(r.cluster, r.toKey, progress);
    case "failover":
      return a.failover(r.cluster, progress);
    case "downtime":
      return a.downtime(r.cluster, r.instance, r.durationMs, r.reason, progress);
    case "ack":
      return a.ack(r.cluster, progress);
    case "rejoin":
      return a.rejoin(r.cluster, r.instance, progress);
    case "pause":
      return a.pause(r.cluster, progress);
    case "resume":
      return a.resume(r.cluster, progress);
    case "extra":
      // Only a console given extra keys can ask for one, and that console is given their actions.
      return a.extra
        ? a.extra(r, progress)
        : Promise.resolve(err({ code: "console.action-no-config", action: r.title }));
  }
}

/** Runs one request; any failure (a thrown one included) becomes a problem and a next step. */
export async function runAction(
  a: ConsoleActions,
  r: ActionRequest,
  progress: Progress,
): Promise<ActionOutcome> {
  try {
    const result = await dispatch(a, r, progress);
    if (result.ok) return { ok: true, summary: result.value };
    const w = wordError(result.error);
    return { ok: false, problem: `${w.problem} (${result.error.code})`, fix: w.fix };
  } catch (e) {
    return {
      ok: false,
      problem: `internal error: ${e instanceof Error ? e.message : String(e)}`,
      fix: "retry with the matching keel CLI command; report this with KEEL_DEBUG=1 output",
    };
  }
}

/** Actions when the console has no config to reach an agent with (`--seed`): each explains. */
export const readOnlyActions: ConsoleActions = {
  switchover: async () => err({ code: "console.action-no-config", action: "switchover" }),
  failover: async () => err({ code: "console.action-no-config", action: "failover" }),
  downtime: async () => err({ code: "console.action-no-config", action: "downtime" }),
  ack: async () => err({ code: "console.action-no-config", action: "acknowledge" }),
  rejoin: async () => err({ code: "console.action-no-config", action: "rejoin" }),
  pause: async () => err({ code: "console.action-no-config", action: "pause" }),
  resume: async () => err({ code: "console.action-no-config", action: "resume" }),
};

export interface LedgerActionsOptions {
  config: Config;
  clock: RuntimeClock;
  /** Recorded as "by"/"owner" in the ledger. */
  operator: string;
  /** Node id of an instance key ("host:port"), from the console's latest snapshot. */
  nodeIdOf(cluster: string, key: string): string | null;
  sleep(ms: number): Promise<void>;
  /** Passed to the API client (tests hand in a fetch). */
  call?: CallOptions;
  /** How long a failover is followed (default: `keel failover`'s). */
  failoverTimeoutMs?: number;
}

export class LedgerConsoleActions implements ConsoleActions {
  constructor(private readonly o: LedgerActionsOptions) {}

  private sameCluster(cluster: string): Result<void, ConsoleActionError> {
    const { config } = this.o;
    if (cluster === config.cluster) return ok(undefined);
    return err({
      code: "console.action-other-cluster",
      cluster,
      configCluster: config.cluster,
      configPath: config.sourcePath,
    });
  }

  private async propose(cmd: LedgerCommand, progress: Progress): Promise<Result<number, CodedError>> {
    progress(`proposing ${cmd.type} to the ledger through the local agent`);
    const r = await proposeViaAgent(this.o.config, cmd, this.o.call);
    if (!r.ok) return r;
    progress(`${cmd.type} committed at ledger index ${r.value.index} (${r.value.outcome.applied})`);
    return ok(r.value.index);
  }

  async downtime(cluster: string, instance: string, durationMs: number, reason: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    const untilWallMs = Math.round(this.o.clock.wallMs() + durationMs);
    const owner = this.o.operator;
    const r = await this.propose({ type: "downtime-begin", instance, untilWallMs, reason, owner }, progress);
    return r.ok ? ok(`${instance} downtimed until ${formatClock(untilWallMs)} UTC`) : r;
  }

  async pause(cluster: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    const cmd: LedgerCommand = {
      type: "pause",
      by: this.o.operator,
      reason: "paused from keel console",
      wallMs: Math.round(this.o.clock.wallMs()),
    };
    const r = await this.propose(cmd, progress);
    return r.ok ? ok(`automatic recovery of ${cluster} is paused; p again resumes it`) : r;
  }

  async resume(cluster: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    const r = await this.propose({ type: "resume", by: this.o.operator }, progress);
    return r.ok ? ok(`automatic recovery of ${cluster} is resumed`) : r;
  }

  async ack(cluster: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    const raft = await fetchRaftView(this.o.config, this.o.call);
    if (!raft.ok) return raft;
    const open = raft.value.ledger.recoveries.filter(
      (r) => (r.state === "finished" || r.state === "failed") && r.acknowledged === null,
    );
    if (open.length === 0) return ok("nothing to acknowledge: every finished recovery already is");
    for (const rec of open) {
      const cmd: LedgerCommand = {
        type: "recovery-ack",
        id: rec.id,
        by: this.o.operator,
        comment: "acknowledged from keel console",
        wallMs: Math.round(this.o.clock.wallMs()),
      };
      const r = await this.propose(cmd, progress);
      if (!r.ok) return r;
    }
    return ok(
      `${open.length} recover${open.length === 1 ? "y" : "ies"} acknowledged: ${open.map((r) => r.id).join(", ")}`,
    );
  }

  async switchover(cluster: string, toKey: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    const before = await fetchRaftView(this.o.config, this.o.call);
    if (!before.ok) return before;
    const from = before.value.ledger.primary ?? "";
    const to = this.o.nodeIdOf(cluster, toKey) ?? toKey;
    const startedMs = this.o.clock.monoMs();
    const id = `sw-${Math.round(this.o.clock.wallMs()).toString(36)}`;
    const cmd: LedgerCommand = {
      type: "switchover-intent",
      id,
      from,
      to,
      by: this.o.operator,
      wallMs: Math.round(this.o.clock.wallMs()),
    };
    const r = await this.propose(cmd, progress);
    if (!r.ok) return r;
    progress(`waiting for the leader to hand the primary from ${from || "(none)"} to ${to}`);
    let primary: string | null = from;
    while (this.o.clock.monoMs() - startedMs < CONSOLE_SWITCHOVER_WAIT_MS) {
      await this.o.sleep(CONSOLE_SWITCHOVER_POLL_MS);
      const now = await fetchRaftView(this.o.config, this.o.call);
      if (!now.ok) continue;
      primary = now.value.ledger.primary;
      if (primary === to || primary === toKey)
        return ok(`${toKey} is the primary of ${cluster} (epoch ${now.value.ledger.epoch})`);
    }
    const waitedMs = Math.round(this.o.clock.monoMs() - startedMs);
    return err({ code: "console.switchover-unconfirmed", cluster, to: toKey, waitedMs, primary });
  }

  async failover(cluster: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    return consoleFailover(this.recoveryContext(), progress);
  }

  async rejoin(cluster: string, instance: string, progress: Progress) {
    const same = this.sameCluster(cluster);
    if (!same.ok) return same;
    return consoleRejoin(this.recoveryContext(), instance, progress);
  }

  private recoveryContext(): RecoveryActionContext {
    const { config, clock, operator, sleep, call, failoverTimeoutMs } = this.o;
    return {
      config,
      clock,
      operator,
      sleep,
      ...(call ? { call } : {}),
      ...(failoverTimeoutMs !== undefined ? { failoverTimeoutMs } : {}),
    };
  }
}
