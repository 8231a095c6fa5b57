// The reconciler's part of the agent's authenticated HTTP API (api-auth.ts):
//   POST /api/rejoin  body { instance: "host:port" | node id, force: boolean }
//     → 200 { ok: true, outcome: RejoinOutcome }  (the target agent's answer, refusals included)
//     → 404 { ok: false, error: reconcile.unknown-instance } / 504 reconcile.rejoin-unanswered
// The local agent answers for its own server and forwards to the agent beside any other.
import type { ApiAuthVerifier } from "./api-auth.ts";
import { jsonResponse as json, type RequestHandler, signedPostBody } from "./api-request.ts";
import type { RejoinOutcome } from "./reconciler.ts";

export const REJOIN_API_PATH = "/api/rejoin";

export type RejoinApiError =
  | { code: "reconcile.unknown-instance"; instance: string }
  | { code: "reconcile.rejoin-unanswered"; instance: string; nodeId: string; waitedMs: number }
  | { code: "reconcile.bad-request"; detail: string };

export interface RejoinApiDeps {
  verifier: ApiAuthVerifier;
  wallMs(): number;
  /** The node id of the agent beside the named server, or null when no member matches. */
  resolve(instance: string): string | null;
  /** Asks that agent (this one included) to rejoin; null when it did not answer in time. */
  rejoin(nodeId: string, force: boolean): Promise<{ outcome: RejoinOutcome | null; waitedMs: number }>;
}

function parseBody(bytes: Uint8Array): { instance: string; force: boolean } | string {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return "body is not JSON";
  }
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  if (typeof o.instance !== "string" || o.instance === "" || o.instance.length > 300)
    return "instance must be a non-empty string";
  if (typeof o.force !== "boolean") return "force must be true or false";
  return { instance: o.instance, force: o.force };
}

export function rejoinApiRoutes(deps: RejoinApiDeps): Readonly<Record<string, RequestHandler>> {
  return {
    [REJOIN_API_PATH]: async (req) => {
      const signed = await signedPostBody(req, deps);
      if (!signed.ok) return signed.response;
      const parsed = parseBody(signed.body);
      if (typeof parsed === "string")
        return json(400, { ok: false, error: { code: "reconcile.bad-request", detail: parsed } });
      const nodeId = deps.resolve(parsed.instance);
      if (nodeId === null)
        return json(404, {
          ok: false,
          error: { code: "reconcile.unknown-instance", instance: parsed.instance },
        });
      const { outcome, waitedMs } = await deps.rejoin(nodeId, parsed.force);
      if (outcome === null) {
        const error: RejoinApiError = {
          code: "reconcile.rejoin-unanswered",
          instance: parsed.instance,
          nodeId,
          waitedMs: Math.round(waitedMs),
        };
        return json(504, { ok: false, error });
      }
      return json(200, { ok: true, outcome });
    },
  };
}
