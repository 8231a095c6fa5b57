// Words for the hooks module's error codes: each names what went wrong and what to do next.
import type { HookError } from "../../hooks/hook-error.ts";
import { defineMessages } from "./define.ts";

const WHY: Record<HookError["reason"], (e: HookError) => string> = {
  "exit-code": (e) => `exited with code ${e.exitCode}`,
  signal: (e) => `was killed by ${e.signal}`,
  timeout: (e) => `ran longer than hooks.timeout_ms (${e.timeoutMs} ms) and was killed`,
  "spawn-failed": () => "could not be started",
};

export const hooksMessages = defineMessages<HookError>({
  "hooks.vetoed": (e) => ({
    problem:
      `${e.point} hook "${e.command}" ${WHY[e.reason](e)}, so the ${e.point === "PreGracefulTakeover" ? "takeover" : "recovery"} was not started` +
      (e.lastLine === "" ? "" : ` (last output: ${e.lastLine})`),
    fix:
      e.reason === "timeout"
        ? "make the hook finish sooner, or raise hooks.timeout_ms; a veto hook must answer before keel acts"
        : `run the hook by hand with the same ORC_* variables to see why it fails, fix it, or remove it from hooks.${e.point}`,
  }),
});
