// Loopback only (port 0): the status endpoint answers GET with Prometheus text or JSON.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { renderError } from "../../../src/cli/render-error.ts";
import { Secret } from "../../../src/config/secret.ts";
import { type HttpServer, PROMETHEUS_CONTENT_TYPE, startHttpServer } from "../../../src/obs/http-server.ts";
import { MetricsRegistry, renderPrometheus } from "../../../src/obs/metrics.ts";

const registry = new MetricsRegistry();
registry.counter({ name: "keel_requests_total", help: "Requests" }).inc(3);
const handlerErrors: string[] = [];
let server: HttpServer;
let base = "";

beforeAll(() => {
  const started = startHttpServer({
    listen: { host: "127.0.0.1", port: 0 },
    routes: {
      "/metrics": () => renderPrometheus(registry),
      "/api/state": () => ({ cluster: "shop", primary: "db1:3306", password: new Secret("hunter2") }),
      "/api/slow": async () => ({ ok: true }),
      "/api/broken": () => {
        throw new Error("stack-should-not-leak");
      },
    },
    onHandlerError: (path, e) => handlerErrors.push(`${path}: ${(e as Error).message}`),
  });
  if (!started.ok) throw new Error(renderError(started.error));
  server = started.value;
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop());

describe("startHttpServer", () => {
  test("binds an ephemeral loopback port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.host).toBe("127.0.0.1");
  });

  test("GET /metrics is Prometheus text", async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(await res.text()).toBe(
      "# HELP keel_requests_total Requests\n# TYPE keel_requests_total counter\nkeel_requests_total 3\n",
    );
  });

  test("GET /api/state is JSON, with secrets redacted", async () => {
    const res = await fetch(`${base}/api/state`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ cluster: "shop", primary: "db1:3306", password: "[redacted]" });
  });

  test("async handlers are awaited", async () => {
    expect(await (await fetch(`${base}/api/slow`)).json()).toEqual({ ok: true });
  });

  test("unknown paths are 404 and list the known ones", async () => {
    const res = await fetch(`${base}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: "not found",
      paths: ["/metrics", "/api/state", "/api/slow", "/api/broken"],
    });
  });

  test("methods other than GET/HEAD are 405 with Allow", async () => {
    const res = await fetch(`${base}/api/state`, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  test("a throwing handler is a bare 500; the error goes to the callback, not the client", async () => {
    const res = await fetch(`${base}/api/broken`);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain("stack-should-not-leak");
    expect(body).not.toContain("at ");
    expect(handlerErrors).toContain("/api/broken: stack-should-not-leak");
  });

  test("a port in use is obs.bind-failed with host:port and a fix", () => {
    const second = startHttpServer({ listen: { host: "127.0.0.1", port: server.port }, routes: {} });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error).toMatchObject({ code: "obs.bind-failed", host: "127.0.0.1", port: server.port });
    const line = renderError(second.error);
    expect(line).toContain(`127.0.0.1:${server.port}`);
    expect(line).toMatch(/^keel: .+ \(obs\.bind-failed\); fix: .+$/);
  });

  test("an address not on this host is obs.bind-failed", () => {
    const r = startHttpServer({ listen: { host: "192.0.2.1", port: 0 }, routes: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(renderError(r.error)).toContain("192.0.2.1:0");
  });
});
