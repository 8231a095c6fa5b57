// The operator override's part of the agent's authenticated HTTP API (api-auth.ts):
//   POST /api/override  body { instance: "host:port" | node id, by: string, ttlMs: number }
//     → 200 { ok: true, grant }  the override is in force on this agent
//   POST /api/override  body { instance, by, end: true } → 200 { ok: true, ended: boolean }
//     → 409 { ok: false, error: override.not-local } when the instance is not this agent's server
// Only the agent beside the promoted server can suspend its own fencing, and with no quorum there
// is nobody to forward to: the command runs on that host, with that agent's config.
import { OPERATOR_OVERRIDE_TTL_MS_MAX } from "../lib/limits.ts";
import type { ApiAuthVerifier } from "./api-auth.ts";
import { jsonResponse as json, type RequestHandler, signedPostBody } from "./api-request.ts";
import type { OperatorOverride, OverrideGrant } from "./operator-override.ts";

export const OVERRIDE_API_PATH = "/api/override";

export type OverrideApiError =
  | { code: "override.not-local"; instance: string; nodeId: string; address: string | null }
  | { code: "override.bad-request"; detail: string };

/** What the command learns: how long the override lasts and the ledger it was taken against. */
export interface OverrideGrantView {
  nodeId: string;
  by: string;
  remainingMs: number;
  ledgerPrimary: string | null;
  ledgerEpoch: number;
}

export interface OverrideApiDeps {
  verifier: ApiAuthVerifier;
  wallMs(): number;
  monoMs(): number;
  self: string;
  /** This agent's server as other servers reach it ("host:port"); null for a witness. */
  selfAddress: string | null;
  override: OperatorOverride;
}

interface OverrideBody {
  instance: string;
  by: string;
  ttlMs: number;
  end: boolean;
}

function parseBody(bytes: Uint8Array): OverrideBody | string {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "body is not JSON";
  }
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.instance !== "string" || o.instance === "" || o.instance.length > 300)
    return "instance must be a non-empty string";
  if (typeof o.by !== "string" || o.by.length > 200) return "by must be a string";
  const end = o.end === true;
  const ttl = o.ttlMs;
  if (!end && (typeof ttl !== "number" || !Number.isSafeInteger(ttl) || ttl <= 0))
    return "ttlMs must be a positive integer";
  if (!end && (ttl as number) > OPERATOR_OVERRIDE_TTL_MS_MAX)
    return `ttlMs must be at most ${OPERATOR_OVERRIDE_TTL_MS_MAX}`;
  return { instance: o.instance, by: o.by, ttlMs: end ? 0 : (ttl as number), end };
}

export function grantView(nodeId: string, g: OverrideGrant, nowMs: number): OverrideGrantView {
  return {
    nodeId,
    by: g.by,
    remainingMs: Math.max(0, Math.round(g.untilMs - nowMs)),
    ledgerPrimary: g.ledgerPrimary,
    ledgerEpoch: g.ledgerEpoch,
  };
}

export function overrideApiRoutes(deps: OverrideApiDeps): Readonly<Record<string, RequestHandler>> {
  return {
    [OVERRIDE_API_PATH]: async (req) => {
      const signed = await signedPostBody(req, deps);
      if (!signed.ok) return signed.response;
      const parsed = parseBody(signed.body);
      if (typeof parsed === "string") {
        const error: OverrideApiError = { code: "override.bad-request", detail: parsed };
        return json(400, { ok: false, error });
      }
      if (parsed.instance !== deps.self && parsed.instance !== deps.selfAddress) {
        const error: OverrideApiError = {
          code: "override.not-local",
          instance: parsed.instance,
          nodeId: deps.self,
          address: deps.selfAddress,
        };
        return json(409, { ok: false, error });
      }
      const nowMs = deps.monoMs();
      if (parsed.end) return json(200, { ok: true, ended: deps.override.endByOperator(parsed.by, nowMs) });
      const grant = deps.override.enter(parsed.by, parsed.ttlMs, nowMs);
      return json(200, { ok: true, grant: grantView(deps.self, grant, nowMs) });
    },
  };
}
