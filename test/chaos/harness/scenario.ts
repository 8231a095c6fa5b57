// The shared shape of a scripted scenario: warm up until the writer has acknowledged writes on the
// ledger's primary, inject one fault (recorded in the timeline), hold it while the scenario
// watches, revert it. The run around it (chaos-run.ts) heals, settles and judges.
import type { ChaosScript, ScriptContext } from "./chaos-run.ts";
import type { FaultKind } from "./schedule.ts";
import { waitUntil } from "./agent-lab.ts";
import { readAgentLedger } from "./lab-agents.ts";

export const WARMUP_ACKS = 20;
export const WARMUP_TIMEOUT_MS = 15_000;

export interface FaultStep {
  kind: FaultKind;
  hosts: string[];
  detail: string;
  inject(ctx: ScriptContext): Promise<void>;
  /** While the fault holds: what the scenario waits for or asserts. */
  during(ctx: ScriptContext): Promise<void>;
  revert(ctx: ScriptContext): Promise<void>;
}

/** The writer has this many acks beyond `from`. */
export async function waitAcks(
  ctx: ScriptContext,
  more: number,
  timeoutMs = WARMUP_TIMEOUT_MS,
): Promise<void> {
  const target = ctx.writer.acked.length + more;
  await waitUntil(`${more} acknowledged writes`, timeoutMs, () => ctx.writer.acked.length >= target);
}

/** One fault, from a step built once the primary is known. */
export function oneFault(build: (primary: string, ctx: ScriptContext) => FaultStep): ChaosScript {
  return async (ctx) => {
    await waitAcks(ctx, WARMUP_ACKS);
    const primary = ctx.ledger.latestPrimary();
    if (primary === null) throw new Error("no primary in the ledger after warm-up");
    const step = build(primary, ctx);
    const base = { seq: 1, kind: step.kind, hosts: step.hosts, detail: step.detail, error: null };
    await step.inject(ctx);
    ctx.record({ ...base, phase: "start" });
    try {
      await step.during(ctx);
    } finally {
      await step.revert(ctx);
      ctx.record({ ...base, phase: "end" });
    }
    return undefined;
  };
}

/** The other hosts, sorted. */
export function othersThan(ctx: ScriptContext, host: string): string[] {
  return ctx.lab.hosts.map((h) => h.name).filter((n) => n !== host);
}

/** Waits until the ledger names a primary other than `old`, in a newer epoch; returns it. */
export function waitNewPrimary(ctx: ScriptContext, old: string, timeoutMs: number): Promise<string> {
  return waitUntil(`a primary other than ${old} in the ledger`, timeoutMs, () => {
    const p = ctx.ledger.latestPrimary();
    return p !== null && p !== old ? p : null;
  });
}

/** Waits until the client's sampler sees `host` as the only writable server. */
export function waitSoleWritable(ctx: ScriptContext, host: string, timeoutMs: number): Promise<true> {
  return waitUntil(
    `${host} as the only writable server`,
    timeoutMs,
    () => ctx.sampler.currentPrimary() === host,
  );
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Makes sure `host`'s agent does not lead raft: if it does, it is killed until another agent
 * leads, then started again as a follower. (A hung primary whose own agent leads is a separate
 * case: see the report of issue 8.)
 */
export async function moveLeadershipOff(ctx: ScriptContext, host: string, timeoutMs = 15_000): Promise<void> {
  const leaderSeenBy = async (from: string) => (await readAgentLedger(ctx.lab.host(from)))?.leader ?? null;
  const witness = othersThan(ctx, host)[0]!;
  if ((await waitUntil("a raft leader", timeoutMs, () => leaderSeenBy(witness))) !== host) return;
  await ctx.nemesis.kill9(host, "agent");
  await waitUntil(`a leader other than ${host}`, timeoutMs, async () => {
    const l = await leaderSeenBy(witness);
    return l !== null && l !== host;
  });
  await ctx.nemesis.start(host, "agent");
  await waitUntil(`${host}'s agent to follow again`, timeoutMs, async () => {
    const l = await leaderSeenBy(host);
    return l !== null && l !== host;
  });
}
