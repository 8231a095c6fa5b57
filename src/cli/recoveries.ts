// `keel recoveries [-c CLUSTER] [--json]`: the ledger's recoveries, oldest first, each with its
// steps and their outcomes (orchestrator-client's `recoveries`). Read from the local agent.
import type { Recovery } from "../raft/ledger.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { orchestratorName } from "../model/analysis-code.ts";
import { intentKindOf, manualFailureType } from "../runtime/recovery-intent.ts";
import { type ApiClientError, type CallOptions, callAgent, fetchRaftView } from "../runtime/api-client.ts";
import type { Config } from "../config/config.ts";
import { defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import { checkCluster } from "./pause.ts";

export const RECOVERIES_API_PATH = "/api/recoveries";

function isRecoveryList(v: unknown): v is Recovery[] {
  return (
    Array.isArray(v) &&
    v.every((r) => typeof r === "object" && r !== null && typeof r.id === "string" && Array.isArray(r.steps))
  );
}

/** Every recovery the ledger holds; falls back to the last few /api/raft shows. */
async function fetchRecoveries(
  config: Config,
  call: CallOptions,
): Promise<Result<Recovery[], ApiClientError>> {
  const r = await callAgent(config, "GET", RECOVERIES_API_PATH, undefined, call);
  if (r.ok && r.value.status === 200 && isRecoveryList(r.value.body)) return ok(r.value.body);
  const view = await fetchRaftView(config, call);
  return view.ok ? ok(view.value.ledger.recoveries) : err(view.error);
}

function when(wallMs: number): string {
  return new Date(wallMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** orchestrator's name for what the recovery was about (operator requests have their own). */
function failureTypeOf(r: Recovery): string {
  return r.id.startsWith("auto-") ? orchestratorName(r.analysis) : manualFailureType(intentKindOf(r.id));
}

export function renderRecovery(r: Recovery): string[] {
  const active = r.state === "detected" || r.state === "planned";
  const took = r.finishedWallMs === null ? "" : ` in ${Math.max(0, r.finishedWallMs - r.detectedWallMs)} ms`;
  const ack = r.acknowledged ? `, acknowledged by ${r.acknowledged.by}` : active ? "" : ", not acknowledged";
  const head =
    `${r.id}  ${failureTypeOf(r)}  ${r.failedInstance} -> ${r.successor ?? "?"}  ${r.state}` +
    `  ${when(r.detectedWallMs)}${took}${ack}${r.detail === "" ? "" : `: ${r.detail}`}`;
  const steps = r.steps.map((s) => {
    const status = s.status === "pending" && !active ? "skipped" : s.status;
    return `  ${status.padEnd(7)} ${s.name}${s.detail === "" ? "" : `: ${s.detail}`}`;
  });
  return [head, ...steps];
}

export function makeRecoveriesCommand(call: CallOptions = {}) {
  return defineCommand({
    command: "recoveries",
    describe: "List the cluster's recoveries with their steps and outcomes (from the ledger)",
    builder: (y) =>
      withConfigOption(y)
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" }),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, args.cluster);
      if (!same.ok) return { error: { ...same.error, code: "recovery.other-cluster" } };
      const list = await fetchRecoveries(config.value, call);
      if (!list.ok) return { error: list.error };
      if (args.json) io.out(JSON.stringify(list.value, null, 2));
      else if (list.value.length === 0) io.out(`no recoveries recorded for ${config.value.cluster}`);
      else for (const r of list.value) for (const line of renderRecovery(r)) io.out(line);
      return success;
    },
  });
}

export const recoveriesCommand = makeRecoveriesCommand();
