// Errors the hooks module reports across its boundary; worded in src/cli/messages/hooks.ts.
import type { HookEvent } from "../config/schema.ts";

/** Why a command at a vetoing hook point (OnFailureDetection, Pre*) stopped the action. */
export type HookVetoReason = "exit-code" | "signal" | "timeout" | "spawn-failed";

export type HookError = {
  code: "hooks.vetoed";
  point: HookEvent;
  /** The command as configured (placeholders unexpanded). */
  command: string;
  reason: HookVetoReason;
  exitCode: number | null;
  signal: string | null;
  timeoutMs: number;
  /** The last line of the command's output, if any: usually the reason it gives. */
  lastLine: string;
};
