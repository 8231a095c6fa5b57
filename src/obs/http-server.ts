// The agent's small HTTP endpoint: /metrics for Prometheus, /api/state for tools (GET/HEAD; a
// handler returning a string is served as Prometheus text, anything else as JSON), plus request
// routes that see the whole request (method, headers, body) for the authenticated API. A handler
// that throws yields a bare 500: no stack trace leaves the process.
import { HTTP_REQUEST_BODY_BYTES_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { ObsError } from "./obs-error.ts";

export type RouteHandler = () => unknown | Promise<unknown>;
/** Sees the whole request and answers it; checks its own method and authentication. */
export type RequestHandler = (req: Request) => Response | Promise<Response>;

export interface HttpServerOptions {
  listen: { host: string; port: number };
  routes: Readonly<Record<string, RouteHandler>>;
  /** Matched before `routes`, for any method. */
  requestRoutes?: Readonly<Record<string, RequestHandler>>;
  /** Told about a handler that threw (to log it); the client only sees a 500. */
  onHandlerError?: (path: string, error: unknown) => void;
}

export interface HttpServer {
  /** The bound address (the real port when 0 was asked for). */
  host: string;
  port: number;
  stop(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": JSON_CONTENT_TYPE, ...headers },
  });
}

async function answer(req: Request, opts: HttpServerOptions): Promise<Response> {
  const path = new URL(req.url).pathname;
  const requestHandler =
    opts.requestRoutes && Object.hasOwn(opts.requestRoutes, path) ? opts.requestRoutes[path] : undefined;
  if (requestHandler !== undefined) {
    try {
      return await requestHandler(req);
    } catch (e) {
      opts.onHandlerError?.(path, e);
      return json(500, { error: "internal error" });
    }
  }
  const handler = Object.hasOwn(opts.routes, path) ? opts.routes[path] : undefined;
  if (handler === undefined)
    return json(404, {
      error: "not found",
      paths: [...Object.keys(opts.routes), ...Object.keys(opts.requestRoutes ?? {})],
    });
  if (req.method !== "GET" && req.method !== "HEAD")
    return json(405, { error: "method not allowed" }, { allow: "GET, HEAD" });
  try {
    const body = await handler();
    if (typeof body === "string")
      return new Response(body, { status: 200, headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
    return json(200, body);
  } catch (e) {
    opts.onHandlerError?.(path, e);
    return json(500, { error: "internal error" });
  }
}

function bindDetail(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return e instanceof Error ? e.message : String(e);
}

/** Starts serving; a port in use or an address not on this host is an obs.bind-failed error. */
export function startHttpServer(opts: HttpServerOptions): Result<HttpServer, ObsError> {
  const { host, port } = opts.listen;
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port,
      maxRequestBodySize: HTTP_REQUEST_BODY_BYTES_MAX,
      development: false, // no framework error pages
      // Must be explicit: with development:false, Bun 1.4 otherwise shares a port already in use.
      reusePort: false,
      fetch: (req) => answer(req, opts),
      error: () => json(500, { error: "internal error" }),
    });
  } catch (e) {
    return err({ code: "obs.bind-failed", host, port, detail: bindDetail(e) });
  }
  return ok({
    host,
    port: server.port ?? port,
    stop: async () => {
      await server.stop(true);
    },
  });
}
