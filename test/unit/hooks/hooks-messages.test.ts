import { describe, expect, test } from "bun:test";
import { renderError } from "../../../src/cli/render-error.ts";
import type { HookError } from "../../../src/hooks/hook-error.ts";

const veto = (over: Partial<HookError>): HookError => ({
  code: "hooks.vetoed",
  point: "PreFailover",
  command: "/usr/local/bin/check-vip {failedHost}",
  reason: "exit-code",
  exitCode: 2,
  signal: null,
  timeoutMs: 30_000,
  lastLine: "",
  ...over,
});

describe("hooks messages", () => {
  test.each([
    veto({}),
    veto({ reason: "signal", exitCode: null, signal: "SIGSEGV" }),
    veto({ reason: "timeout", exitCode: null, signal: "SIGTERM", lastLine: "waiting for vip" }),
    veto({ reason: "spawn-failed", exitCode: null, lastLine: "spawn bash ENOENT" }),
    veto({ point: "PreGracefulTakeover" }),
    veto({ point: "OnFailureDetection" }),
  ])("%# is one line with the problem, the code and a fix", (e) => {
    const line = renderError(e);
    expect(line).toMatch(/^keel: .+ \(hooks\.vetoed\); fix: .+$/);
    expect(line).not.toContain("undefined");
    expect(line).toContain(e.point);
  });

  test("words carry what locates the problem", () => {
    expect(renderError(veto({}))).toContain('"/usr/local/bin/check-vip {failedHost}" exited with code 2');
    expect(renderError(veto({ reason: "timeout", lastLine: "waiting" }))).toContain(
      "hooks.timeout_ms (30000 ms)",
    );
    expect(renderError(veto({ lastLine: "VIP still bound" }))).toContain("last output: VIP still bound");
    expect(renderError(veto({ point: "PreGracefulTakeover" }))).toContain("takeover was not started");
  });
});
