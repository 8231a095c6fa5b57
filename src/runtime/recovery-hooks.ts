// The hooks of a recovery: orchestrator's placeholders filled from what the recovery is about
// (failed server, successor, replicas, outcome so far) and each hook point run with the config's
// commands, bounded. The step's ledger detail gets a short account (exit codes and the tail of
// the output); the whole captured tail goes to the log and the audit.
import { hostname } from "node:os";
import type { HookPoint } from "../model/hook-point.ts";
import type { HookCommandHint, HookContext } from "../hooks/placeholders.ts";
import { type HookRun, runHookPoint } from "../hooks/run-hook.ts";
import { RECOVERY_HOOK_DETAIL_CHARS_MAX } from "../lib/limits.ts";
import type { InstanceKey } from "../model/instance-state.ts";
import type { StepOutcome } from "./step-rpc.ts";

/** What a recovery is about, as its hooks are told. */
export interface HookFacts {
  recoveryId: string;
  cluster: string;
  /** orchestrator's analysis name (DeadMaster, GracefulMasterTakeover, …). */
  failureType: string;
  description: string;
  failed: InstanceKey | null;
  intermediate: boolean;
  replicaHosts: readonly string[];
  successor: InstanceKey | null;
  /** Replicas the recovery could not repoint (so far). */
  lostReplicas: readonly string[];
  isSuccessful: boolean;
  isDowntimed: boolean;
  autoRecovery: boolean;
  command: HookCommandHint;
}

export interface HookSettings {
  commands: Readonly<Record<HookPoint, readonly string[]>>;
  timeoutMs: number;
}

export interface HookPointOutcome extends StepOutcome {
  runs: HookRun[];
  vetoed: boolean;
}

export function hookContextOf(f: HookFacts, withSuccessor: boolean): HookContext {
  const successor = withSuccessor ? f.successor : null;
  return {
    failureType: f.failureType,
    failureDescription: f.description,
    failedHost: f.failed?.host ?? "",
    failedPort: f.failed?.port ?? 0,
    failureCluster: f.cluster,
    failureClusterAlias: f.cluster,
    failureClusterDomain: "",
    instanceType: f.intermediate ? "intermediate-master" : "master",
    isMaster: !f.intermediate,
    isCoMaster: false,
    countReplicas: f.replicaHosts.length,
    replicaHosts: f.replicaHosts,
    isDowntimed: f.isDowntimed,
    autoMasterRecovery: f.autoRecovery,
    autoIntermediateMasterRecovery: f.autoRecovery,
    orchestratorHost: hostname(),
    recoveryUID: f.recoveryId,
    isSuccessful: f.isSuccessful,
    lostReplicas: f.lostReplicas,
    countLostReplicas: f.lostReplicas.length,
    successorHost: successor?.host ?? null,
    successorPort: successor?.port ?? null,
    successorBinlogCoordinates: null,
    successorAlias: successor === null ? "" : `${successor.host}:${successor.port}`,
    command: f.command,
  };
}

function runSummary(run: HookRun): string {
  const how = run.spawnError
    ? `not started (${run.spawnError})`
    : run.timedOut
      ? "timed out"
      : run.detached
        ? "started in background"
        : run.signal
          ? `killed by ${run.signal}`
          : `exit ${run.exitCode}`;
  const tail = run.output.trim().split("\n").slice(-2).join(" | ");
  return tail === "" ? how : `${how}: ${tail}`;
}

/** Runs one hook point; at Pre* points a failing command vetoes (the step fails). */
export async function runRecoveryHookPoint(
  point: HookPoint,
  facts: HookFacts,
  settings: HookSettings,
): Promise<HookPointOutcome> {
  const commands = settings.commands[point] ?? [];
  if (commands.length === 0) return { ok: true, detail: "no commands configured", runs: [], vetoed: false };
  const withSuccessor = point.startsWith("Post");
  const result = await runHookPoint(point, commands, hookContextOf(facts, withSuccessor), {
    timeoutMs: settings.timeoutMs,
  });
  const summary = result.runs.map(runSummary).join("; ");
  const detail =
    summary.length > RECOVERY_HOOK_DETAIL_CHARS_MAX
      ? `…${summary.slice(-RECOVERY_HOOK_DETAIL_CHARS_MAX)}`
      : summary;
  const vetoed = result.veto !== null;
  return { ok: !vetoed, detail: vetoed ? `vetoed: ${detail}` : detail, runs: result.runs, vetoed };
}
