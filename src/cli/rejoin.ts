// `keel rejoin -i host:port [--force]`: ask the agent beside that server (through the local agent)
// to make it a replica of the ledger's primary now. Without --force a server holding transactions
// the primary lacks is refused, with the errant GTIDs named. --force repoints it anyway: keel
// injects nothing and discards nothing, so the operator must have dealt with those transactions.
import type { Config } from "../config/config.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { ReconcileActionError } from "../runtime/reconcile-actions.ts";
import { type CallOptions, callAgent } from "../runtime/api-client.ts";
import { REJOIN_API_PATH, type RejoinApiError } from "../runtime/reconcile-api.ts";
import type { RejoinOutcome } from "../runtime/reconciler.ts";
import type { CodedError, CommandOutcome } from "./command.ts";
import { defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import type { ReconcileCliError } from "./messages/reconcile.ts";

export const FORCE_WARNING = [
  "keel: WARNING: --force makes the server replicate from the primary even though it holds",
  "keel: WARNING: transactions the primary does not have (errant GTIDs). keel injects nothing and",
  "keel: WARNING: discards nothing: it only repoints. Those transactions stay on the server, may",
  "keel: WARNING: make replication stop later, and are lost if the server is ever rebuilt.",
];

/** The outcome as one line, or as the error it amounts to. */
export function judgeRejoin(
  instance: string,
  o: RejoinOutcome,
): { line: string } | { error: ReconcileCliError } {
  const { nodeId } = o;
  switch (o.kind) {
    case "rejoined":
      return {
        line: o.changed
          ? `rejoin: ${instance} (${nodeId}) now replicates from ${o.source}${o.forced ? " (forced: errant transactions kept)" : ""}`
          : `rejoin: ${instance} (${nodeId}) already replicated from ${o.source}; nothing changed`,
      };
    case "already-replica":
      return {
        line: `rejoin: ${instance} (${nodeId}) already replicates in the primary ${o.primary}'s topology; nothing to do`,
      };
    case "is-primary":
      return { error: { code: "reconcile.rejoin-is-primary", instance, nodeId } };
    case "refused":
      return { error: { code: "reconcile.rejoin-refused", instance, nodeId, event: o.event } };
    case "pending":
      return { error: { code: "reconcile.rejoin-pending", instance, nodeId, reason: o.reason } };
    case "failed":
      return {
        error: { code: "reconcile.rejoin-failed", instance, nodeId, error: o.error as ReconcileActionError },
      };
  }
}

function apiError(body: unknown): CodedError | null {
  const e = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof e?.code === "string" ? (e as RejoinApiError) : null;
}

/** Asks the local agent (signed POST /api/rejoin) to have INSTANCE's agent rejoin it: its outcome. */
export async function requestRejoin(
  config: Config,
  instance: string,
  force: boolean,
  call: CallOptions = {},
): Promise<Result<RejoinOutcome, CodedError>> {
  const r = await callAgent(config, "POST", REJOIN_API_PATH, { instance, force }, call);
  if (!r.ok) return r;
  const body = r.value.body as { ok?: unknown; outcome?: RejoinOutcome } | null;
  if (body?.ok === true && body.outcome !== undefined) return ok(body.outcome);
  const listen = config.http.listen;
  const address = listen ? `${listen.host}:${listen.port}` : "";
  return err(
    apiError(r.value.body) ??
      ({
        code: "api.bad-response",
        address,
        status: r.value.status,
        detail: "not a rejoin answer",
      } as CodedError),
  );
}

export function makeRejoinCommand(call: CallOptions = {}) {
  return defineCommand({
    command: "rejoin",
    describe: "Make a detached server (e.g. a recovered old primary) a replica of the primary now",
    builder: (y) =>
      withConfigOption(y)
        .option("instance", { alias: "i", type: "string", demandOption: true, describe: "host:port" })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "rejoin despite errant GTIDs you have inspected (repoints only; injects nothing)",
        })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" }),
    run: async (args, io): Promise<CommandOutcome> => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      if (args.force) for (const line of FORCE_WARNING) io.err(line);
      const outcome = await requestRejoin(config.value, args.instance, args.force, call);
      if (!outcome.ok) return { error: outcome.error };
      if (args.json) io.out(JSON.stringify({ instance: args.instance, outcome: outcome.value }));
      const judged = judgeRejoin(args.instance, outcome.value);
      if ("error" in judged) return { error: judged.error };
      if (!args.json) io.out(judged.line);
      return success;
    },
  });
}

export const rejoinCommand = makeRejoinCommand();
