// Words for the operator override that `keel failover --force-without-quorum` asks of the agent
// beside the promoted server (src/runtime/override-api.ts).
import type { OverrideApiError } from "../../runtime/override-api.ts";
import { defineMessages } from "./define.ts";

export type OverrideCliError =
  | OverrideApiError
  | { code: "override.refused"; instance: string; status: number; detail: string };

export const overrideMessages = defineMessages<OverrideCliError>({
  "override.not-local": (e) => ({
    problem: `the agent of this config runs beside ${e.nodeId} (${e.address ?? "no server"}), not beside ${e.instance}: only the agent beside the promoted server can suspend its own fencing, and without a quorum nothing forwards the request`,
    fix: `run the command on the host of ${e.instance} with the config of the agent beside it; nothing was changed`,
  }),
  "override.bad-request": (e) => ({
    problem: `the agent rejected the override request: ${e.detail}`,
    fix: "check --override-minutes (1 to 1440); nothing was changed",
  }),
  "override.refused": (e) => ({
    problem: `the agent beside ${e.instance} did not grant the override (HTTP ${e.status}: ${e.detail})`,
    fix: "read the agent's log; nothing was changed, and acting without the override would have the agent fence the promoted server again",
  }),
});
