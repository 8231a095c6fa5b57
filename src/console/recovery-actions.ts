// The console's failover and rejoin: the very client code of `keel failover -c CLUSTER` (a
// non-forced request through the quorum, followed in the ledger) and of `keel rejoin -i`, with
// what those commands print turned into the console's progress lines and one result line.
import { judgeRejoin, requestRejoin } from "../cli/rejoin.ts";
import type { CodedError, CommandIo } from "../cli/command.ts";
import { requestRecovery } from "../cli/recovery-request.ts";
import type { Config } from "../config/config.ts";
import { RECOVERY_COMMAND_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { CallOptions } from "../runtime/api-client.ts";
import type { RuntimeClock } from "../runtime/clock.ts";

export interface RecoveryActionContext {
  config: Config;
  clock: RuntimeClock;
  operator: string;
  sleep(ms: number): Promise<void>;
  call?: CallOptions;
  /** How long a failover is followed; `keel failover`'s default unless a test says otherwise. */
  failoverTimeoutMs?: number;
}

/**
 * A CommandIo whose lines become progress as they come, except the command's closing summary
 * ("failover: … is the primary …"), which the console shows once, as the result line.
 */
function progressIo(progress: (text: string) => void): { io: CommandIo; summary(): string | null } {
  let summary: string | null = null;
  const line = (text: string): void => {
    if (text.startsWith("failover: ")) summary = text;
    else progress(text.trim());
  };
  return { io: { out: line, err: line, env: {}, isTty: false }, summary: () => summary };
}

/**
 * A planner's refusal reaches the ledger as "<code>: <the refusal as JSON>"; the refusal itself
 * has words (a primary that answers: use switchover, or --force), so the console shows those.
 */
function refusalOf(e: CodedError): CodedError {
  const detail = (e as { code: string; detail?: unknown }).detail;
  if (e.code !== "recovery.failed" || typeof detail !== "string") return e;
  const m = /^([a-z]+\.[a-z-]+): (\{.*\})$/.exec(detail);
  if (m === null) return e;
  try {
    const inner = JSON.parse(m[2] ?? "") as { code?: unknown } | null;
    return inner !== null && inner.code === m[1] ? (inner as CodedError) : e;
  } catch {
    return e;
  }
}

/** Exactly `keel failover -c CLUSTER`: the planner refuses a primary that still answers. */
export async function consoleFailover(
  c: RecoveryActionContext,
  progress: (text: string) => void,
): Promise<Result<string, CodedError>> {
  progress(`asking the quorum of ${c.config.cluster} for a failover (as 'keel failover' does)`);
  const { io, summary } = progressIo(progress);
  const outcome = await requestRecovery(
    c.config,
    {
      kind: "failover",
      to: undefined,
      by: c.operator,
      timeoutMs: c.failoverTimeoutMs ?? RECOVERY_COMMAND_TIMEOUT_MS,
      ...(c.call ? { call: c.call } : {}),
      wallMs: () => c.clock.wallMs(),
      monoMs: () => c.clock.monoMs(),
      sleep: (ms) => c.sleep(ms),
    },
    io,
  );
  if ("error" in outcome) return err(refusalOf(outcome.error));
  return ok(summary() ?? `failover of ${c.config.cluster} finished`);
}

/** Exactly `keel rejoin -i INSTANCE` (without --force): errant transactions are refused. */
export async function consoleRejoin(
  c: RecoveryActionContext,
  instance: string,
  progress: (text: string) => void,
): Promise<Result<string, CodedError>> {
  progress(`asking the agent beside ${instance}, through the local agent, to rejoin it to the primary`);
  const outcome = await requestRejoin(c.config, instance, false, c.call);
  if (!outcome.ok) return outcome;
  const judged = judgeRejoin(instance, outcome.value);
  return "error" in judged ? err(judged.error) : ok(judged.line);
}
