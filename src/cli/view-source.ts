// Where the read commands (and the console) get the cluster picture: a local agent's /api/state
// when the config's http.listen answers, else a brief gossip join as an observer. `--via` forces one.
import type { Argv } from "yargs";
import type { Config } from "../config/config.ts";
import { CONSOLE_STATE_STALE_MS, READ_AGENT_API_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { type AgentStateReadError, readAgentState } from "../runtime/agent-state-reading.ts";
import { type ObserverError, observeOnce, seedsOf } from "../runtime/observer.ts";
import {
  type AssembledCluster,
  assembleClusters,
  type LedgerSnapshot,
  type MemberInput,
} from "../runtime/view-assembly.ts";
import { withConfigOption } from "./config-option.ts";

export const VIA_MODES = ["auto", "agent", "gossip"] as const;
export type ViaMode = (typeof VIA_MODES)[number];

export type ViewOrigin =
  | { via: "agent"; url: string; nodeId: string }
  | { via: "gossip"; seeds: string[]; settled: boolean };

export interface ReadView {
  clusters: AssembledCluster[];
  /** Every member heard of, the reader itself excluded. */
  members: MemberInput[];
  origin: ViewOrigin;
}

export type AgentApiError =
  | { code: "read.agent-api-disabled"; configPath: string }
  | { code: "read.agent-unreachable"; url: string; detail: string };

export type ViewSourceError = AgentApiError | AgentStateReadError | ObserverError;

export interface ViewSourceDeps {
  fetchJson(url: string, timeoutMs: number): Promise<Result<unknown, string>>;
  monoMs(): number;
  wallMs(): number;
}

async function fetchJson(url: string, timeoutMs: number): Promise<Result<unknown, string>> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return err(`HTTP ${res.status}`);
    return ok(await res.json());
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return err(cause ?? (e instanceof Error ? e.message : String(e)));
  }
}

export const realViewSourceDeps: ViewSourceDeps = {
  fetchJson,
  monoMs: () => performance.now(),
  wallMs: () => Date.now(),
};

/** The URL of the config's local agent state; a wildcard listen address is reached on loopback. */
export function agentStateUrl(config: Config): string | null {
  const listen = config.http.listen;
  if (listen === null) return null;
  const host = listen.host === "0.0.0.0" ? "127.0.0.1" : listen.host === "::" ? "::1" : listen.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${listen.port}/api/state`;
}

/** The clusters of whatever members a source holds (a long-lived observer, e.g. the console's). */
export function assemble(
  members: MemberInput[],
  ledgers: Record<string, LedgerSnapshot>,
  deps: Pick<ViewSourceDeps, "monoMs" | "wallMs"> = realViewSourceDeps,
): AssembledCluster[] {
  return assembleClusters({
    nowMs: deps.monoMs(),
    nowWallMs: deps.wallMs(),
    members,
    ledgers,
    // Records travel on change and every few seconds; the views call older states stale at this age.
    analysisSettings: { staleAfterMs: CONSOLE_STATE_STALE_MS },
  });
}

async function fromAgent(config: Config, deps: ViewSourceDeps): Promise<Result<ReadView, ViewSourceError>> {
  const url = agentStateUrl(config);
  if (url === null) return err({ code: "read.agent-api-disabled", configPath: config.sourcePath });
  const fetched = await deps.fetchJson(url, READ_AGENT_API_TIMEOUT_MS);
  if (!fetched.ok) return err({ code: "read.agent-unreachable", url, detail: fetched.error });
  const state = readAgentState(fetched.value);
  if (!state.ok) return state;
  const { members, ledgers, self } = state.value;
  return ok({
    clusters: assemble(members, ledgers, deps),
    members,
    origin: { via: "agent", url, nodeId: self.nodeId },
  });
}

async function fromGossip(config: Config, deps: ViewSourceDeps): Promise<Result<ReadView, ViewSourceError>> {
  const seen = await observeOnce(config);
  if (!seen.ok) return seen;
  const members = seen.value.members.filter((m) => m.id !== seen.value.selfId);
  return ok({
    clusters: assemble(members, {}, deps),
    members,
    origin: { via: "gossip", seeds: seedsOf(config), settled: seen.value.settled },
  });
}

/** auto: the local agent if it answers, else the gossip. */
export async function loadReadView(
  config: Config,
  via: ViaMode,
  deps: ViewSourceDeps = realViewSourceDeps,
): Promise<Result<ReadView, ViewSourceError>> {
  if (via === "gossip") return fromGossip(config, deps);
  const fromApi = await fromAgent(config, deps);
  if (fromApi.ok || via === "agent") return fromApi;
  return fromGossip(config, deps);
}

/** The flags every read command shares. */
export function withReadOptions<T>(y: Argv<T>) {
  return withConfigOption(y)
    .option("json", { type: "boolean", default: false, describe: "JSON output" })
    .option("via", {
      choices: VIA_MODES,
      default: "auto" as ViaMode,
      describe: "where to read: the local agent's API, the gossip (as an observer), or auto",
    });
}
