// Words for the agent's local API: the CLI's signed calls and the agent's refusals.
import type { ApiAuthError } from "../../runtime/api-auth.ts";
import type { ApiClientError } from "../../runtime/api-client.ts";
import { defineMessages } from "./define.ts";

export type ApiError = ApiAuthError | Exclude<ApiClientError, { code: `net.${string}` }>;

export const apiMessages = defineMessages<ApiError>({
  "api.unauthorized": (e) => ({
    problem: `an API request was refused: ${e.detail}`,
    fix:
      e.reason === "stale"
        ? "sync the clocks (chrony/ntp) of the caller and the agent"
        : "sign requests with a key installed in the agent's keyring (use the same keyring as the agent)",
  }),
  "api.http-disabled": (e) => ({
    problem: `the agent's HTTP API is disabled (http.listen is null in ${e.configPath})`,
    fix: `set http.listen (e.g. "127.0.0.1:9797") in ${e.configPath} and restart the agent`,
  }),
  "api.agent-unreachable": (e) => ({
    problem: `no keel agent answers at http://${e.address} (${e.detail})`,
    fix: `start the agent ('keel agent --config ${e.configPath}' or 'systemctl start keel'), or point --config at the agent's config`,
  }),
  "api.rejected": (e) => ({
    problem: `the agent at ${e.address} refused the request (${e.reason})`,
    fix: "use the same keyring as the agent (keel keyring list on both) and check both clocks",
  }),
  "api.bad-response": (e) => ({
    problem: `the agent at ${e.address} answered HTTP ${e.status} with an unexpected body (${e.detail})`,
    fix: "run the same keel release for the CLI and the agent",
  }),
});
