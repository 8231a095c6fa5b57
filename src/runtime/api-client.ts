// How CLI commands talk to the local agent: a signed HTTP request to config http.listen.
// `callAgent` returns the status and JSON of any answer except 401 (an error of its own);
// `proposeViaAgent` is the one-liner failover/switchover/downtime/ack/pause commands use.
import type { Config } from "../config/config.ts";
import { API_CLIENT_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { createKeyring } from "../net/keyring.ts";
import type { KeyringError } from "../net/net-error.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import { API_AUTH_HEADER, deriveApiKey, signRequest } from "./api-auth.ts";
import type { RaftView } from "./ledger-view.ts";
import type { ProposalError, ProposalOk } from "./proposal-messages.ts";
import { PROPOSE_API_PATH, RAFT_API_PATH } from "./raft-api.ts";

export type ApiClientError =
  | KeyringError
  | { code: "api.http-disabled"; configPath: string }
  | { code: "api.agent-unreachable"; address: string; detail: string; configPath: string }
  | { code: "api.rejected"; address: string; reason: string }
  | { code: "api.bad-response"; address: string; status: number; detail: string };

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface CallOptions {
  fetch?: typeof fetch;
  wallMs?: () => number;
  timeoutMs?: number;
}

/** A wildcard listen address is reached over loopback. */
export function agentBaseUrl(listen: { host: string; port: number }): string {
  const host = listen.host === "0.0.0.0" ? "127.0.0.1" : listen.host === "::" ? "::1" : listen.host;
  return host.includes(":") ? `http://[${host}]:${listen.port}` : `http://${host}:${listen.port}`;
}

function detailOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return e instanceof Error ? e.message : String(e);
}

export async function callAgent(
  config: Config,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<Result<ApiAnswer, ApiClientError>> {
  const listen = config.http.listen;
  if (listen === null) return err({ code: "api.http-disabled", configPath: config.sourcePath });
  const keyring = createKeyring({
    primary: config.keyring.primary.reveal(),
    keys: config.keyring.keys.map((k) => k.reveal()),
  });
  if (!keyring.ok) return keyring;
  const base = agentBaseUrl(listen);
  const address = `${listen.host}:${listen.port}`;
  const bytes = body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(body));
  const auth = signRequest(
    deriveApiKey(keyring.value.primaryKey),
    { method, path, body: bytes },
    (opts.wallMs ?? Date.now)(),
  );
  const headers: Record<string, string> = { [API_AUTH_HEADER]: auth };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : bytes,
      signal: AbortSignal.timeout(opts.timeoutMs ?? API_CLIENT_TIMEOUT_MS),
    });
  } catch (e) {
    return err({
      code: "api.agent-unreachable",
      address,
      detail: detailOf(e),
      configPath: config.sourcePath,
    });
  }
  const text = await res.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err({ code: "api.bad-response", address, status: res.status, detail: "body is not JSON" });
  }
  if (res.status === 401) {
    const reason = (parsed as { reason?: unknown }).reason;
    return err({
      code: "api.rejected",
      address,
      reason: typeof reason === "string" ? reason : "unauthorized",
    });
  }
  return ok({ status: res.status, body: parsed });
}

function isRaftView(v: unknown): v is RaftView {
  const o = v as Partial<RaftView> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.term === "number" &&
    (o.leader === null || typeof o.leader === "string") &&
    Array.isArray(o.members)
  );
}

export async function fetchRaftView(
  config: Config,
  opts?: CallOptions,
): Promise<Result<RaftView, ApiClientError>> {
  const r = await callAgent(config, "GET", RAFT_API_PATH, undefined, opts);
  if (!r.ok) return r;
  const address = config.http.listen ? `${config.http.listen.host}:${config.http.listen.port}` : "";
  if (r.value.status !== 200 || !isRaftView(r.value.body))
    return err({ code: "api.bad-response", address, status: r.value.status, detail: "not a raft status" });
  return ok(r.value.body);
}

/** Proposes through the local agent (which forwards to the leader) and waits for the outcome. */
export async function proposeViaAgent(
  config: Config,
  cmd: LedgerCommand,
  opts?: CallOptions,
): Promise<Result<ProposalOk, ProposalError | ApiClientError>> {
  const r = await callAgent(config, "POST", PROPOSE_API_PATH, cmd, opts);
  if (!r.ok) return r;
  const b = r.value.body as { ok?: unknown; index?: unknown; outcome?: unknown; error?: unknown };
  if (b.ok === true && typeof b.index === "number" && typeof b.outcome === "object" && b.outcome !== null)
    return ok({ index: b.index, outcome: b.outcome as ProposalOk["outcome"] });
  const e = b.error as { code?: unknown } | undefined;
  if (b.ok === false && typeof e?.code === "string") return err(e as ProposalError);
  const address = config.http.listen ? `${config.http.listen.host}:${config.http.listen.port}` : "";
  return err({ code: "api.bad-response", address, status: r.value.status, detail: "not a proposal answer" });
}
