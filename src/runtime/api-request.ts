// The shared front of every authenticated API handler: JSON answers, the body size bound, and the
// HMAC check (api-auth.ts), so each route only handles its own request.
import { HTTP_REQUEST_BODY_BYTES_MAX } from "../lib/limits.ts";
import { API_AUTH_HEADER, type ApiAuthVerifier } from "./api-auth.ts";

export type RequestHandler = (req: Request) => Promise<Response>;

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

export interface ApiGate {
  verifier: ApiAuthVerifier;
  wallMs(): number;
}

/** null when the request is signed right; else the 401 to answer. */
export function refuseUnsigned(req: Request, body: Uint8Array, gate: ApiGate): Response | null {
  const path = new URL(req.url).pathname;
  const r = gate.verifier.verify(
    { method: req.method, path, body },
    req.headers.get(API_AUTH_HEADER),
    gate.wallMs(),
  );
  return r.ok ? null : jsonResponse(401, { error: r.error, reason: `unauthorized: ${r.error.detail}` });
}

/** A signed POST's body, or the response refusing it (405, 413 or 401). */
export async function signedPostBody(
  req: Request,
  gate: ApiGate,
): Promise<{ ok: true; body: Uint8Array } | { ok: false; response: Response }> {
  if (req.method !== "POST")
    return { ok: false, response: jsonResponse(405, { error: "method not allowed", allow: "POST" }) };
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.length > HTTP_REQUEST_BODY_BYTES_MAX)
    return { ok: false, response: jsonResponse(413, { error: "request body too large" }) };
  const refused = refuseUnsigned(req, body, gate);
  return refused ? { ok: false, response: refused } : { ok: true, body };
}
