// What `keel failover` and `keel switchover` share: ask the quorum for a recovery (the ledger's
// switchover intent, picked up by the raft leader), then follow it in the ledger, printing each
// step as it is recorded, and end with one line saying what happened.
import type { Config } from "../config/config.ts";
import { RECOVERY_COMMAND_POLL_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { Recovery } from "../raft/ledger.ts";
import {
  type ApiClientError,
  type CallOptions,
  callAgent,
  fetchRaftView,
  proposeViaAgent,
} from "../runtime/api-client.ts";
import { readAgentState } from "../runtime/agent-state-reading.ts";
import type { RaftView } from "../runtime/ledger-view.ts";
import { type IntentKind, newIntentId } from "../runtime/recovery-intent.ts";
import type { CommandIo, CommandOutcome } from "./command.ts";
import type { RecoveryCliError } from "./messages/recovery.ts";

export interface RequestOptions {
  kind: IntentKind;
  /** --to as given: host:port or node id; undefined for the best candidate. */
  to: string | undefined;
  by: string;
  timeoutMs: number;
  call?: CallOptions;
  wallMs?: () => number;
  monoMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Node id → "host:port" of every DB member the local agent knows. */
export type MemberKeys = ReadonlyMap<string, string>;

export async function memberKeysOf(config: Config, call?: CallOptions): Promise<MemberKeys> {
  const r = await callAgent(config, "GET", "/api/state", undefined, call);
  const keys = new Map<string, string>();
  if (!r.ok) return keys;
  const state = readAgentState(r.value.body);
  if (!state.ok) return keys;
  for (const m of state.value.members) {
    const address = m.record?.instanceAddress;
    if (m.record?.cluster === config.cluster && typeof address === "string") keys.set(m.id, address);
  }
  return keys;
}

export function resolveInstance(
  keys: MemberKeys,
  instance: string,
  cluster: string,
): Result<string, RecoveryCliError> {
  for (const [id, key] of keys) if (id === instance || key === instance) return ok(id);
  return err({ code: "recovery.unknown-instance", instance, cluster, known: [...keys.values()] });
}

function nameOf(keys: MemberKeys, nodeId: string | null): string {
  if (nodeId === null || nodeId === "") return "none";
  const key = keys.get(nodeId);
  return key === undefined ? nodeId : `${nodeId} (${key})`;
}

function stepLine(s: Recovery["steps"][number]): string {
  return `  ${s.status.padEnd(6)} ${s.name}${s.detail === "" ? "" : `: ${s.detail}`}`;
}

/** Checks the ledger allows a request now; returns the raft view it read. */
export async function preflight(
  config: Config,
  call?: CallOptions,
): Promise<Result<RaftView, RecoveryCliError | ApiClientError>> {
  const view = await fetchRaftView(config, call);
  if (!view.ok) return view;
  const v = view.value;
  const address = config.http.listen ? `${config.http.listen.host}:${config.http.listen.port}` : "";
  if (v.quorum !== "OK") return err({ code: "recovery.no-quorum", leader: v.leader, address });
  if (v.ledger.primary === null) return err({ code: "recovery.ledger-no-primary", cluster: config.cluster });
  const pending = v.ledger.switchover;
  if (pending !== null)
    return err({ code: "recovery.intent-pending", id: pending.id, from: pending.from, to: pending.to });
  return ok(v);
}

interface Follow {
  id: string;
  keys: MemberKeys;
  /** Indices of the steps already printed. */
  printed: Set<number>;
}

/** Prints newly recorded steps; the recovery once it ended, else null. */
function report(io: CommandIo, f: Follow, r: Recovery): Recovery | null {
  r.steps.forEach((s, i) => {
    if (s.status === "pending" || f.printed.has(i)) return;
    f.printed.add(i);
    io.out(stepLine(s));
  });
  return r.state === "finished" || r.state === "failed" ? r : null;
}

function failure(error: RecoveryCliError): CommandOutcome {
  return { error };
}

export async function requestRecovery(
  config: Config,
  o: RequestOptions,
  io: CommandIo,
): Promise<CommandOutcome> {
  const monoMs = o.monoMs ?? (() => performance.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const before = await preflight(config, o.call);
  if (!before.ok) return { error: before.error };
  const keys = await memberKeysOf(config, o.call);
  let to = "";
  if (o.to !== undefined) {
    const resolved = resolveInstance(keys, o.to, config.cluster);
    if (!resolved.ok) return { error: resolved.error };
    to = resolved.value;
  }
  const from = before.value.ledger.primary ?? "";
  const wallMs = Math.round((o.wallMs ?? Date.now)());
  const id = newIntentId(o.kind, wallMs);
  const startedMs = monoMs();
  const proposed = await proposeViaAgent(
    config,
    { type: "switchover-intent", id, from, to, by: o.by, wallMs },
    o.call,
  );
  if (!proposed.ok) return { error: proposed.error };
  const label = o.kind === "switchover" ? "switchover" : "failover";
  io.out(
    `${label} ${id}: from ${nameOf(keys, from)} to ${to === "" ? "the best candidate" : nameOf(keys, to)}`,
  );
  const f: Follow = { id, keys, printed: new Set() };
  while (monoMs() - startedMs < o.timeoutMs) {
    await sleep(RECOVERY_COMMAND_POLL_MS);
    const view = await fetchRaftView(config, o.call);
    if (!view.ok) continue; // the local agent may be busy or restarting; keep following
    const r = view.value.ledger.recoveries.find((x) => x.id === id);
    if (r === undefined) {
      if (view.value.ledger.switchover?.id !== id)
        return failure({ code: "recovery.intent-dropped", id, primary: view.value.ledger.primary });
      continue;
    }
    const ended = report(io, f, r);
    if (ended === null) continue;
    const tookMs = Math.round(monoMs() - startedMs);
    if (ended.state === "failed")
      return failure({ code: "recovery.failed", id, kind: label, detail: ended.detail });
    io.out(
      `${label}: ${nameOf(keys, ended.successor)} is the primary of ${config.cluster} (epoch ${view.value.ledger.epoch}); ${id} finished in ${tookMs} ms`,
    );
    return { exitCode: 0 };
  }
  return failure({ code: "recovery.timeout", id, waitedMs: monoMs() - startedMs, state: "not finished" });
}
