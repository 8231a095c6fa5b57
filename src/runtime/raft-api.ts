// The raft part of the agent's HTTP API, authenticated (api-auth.ts):
//   GET  /api/raft     → RaftView (ledger-view.ts)
//   POST /api/propose  → body: one LedgerCommand as JSON; answers once the ledger applied it:
//                        200 { ok: true, index, outcome } or { ok: false, error: { code, … } }
//                        (409 for a ledger rejection, 503 when no leader/commit, 400 for a bad command)
// Errors are typed data; the CLI words them (src/cli/messages), this layer never does.
import { PROPOSAL_TIMEOUT_MS_DEFAULT } from "../lib/limits.ts";
import { decodeLedgerCommand, type LedgerCommand } from "../raft/ledger-commands.ts";
import type { ApiAuthVerifier } from "./api-auth.ts";
import { jsonResponse as json, type RequestHandler, refuseUnsigned, signedPostBody } from "./api-request.ts";
import type { RaftView } from "./ledger-view.ts";
import type { ProposalResult } from "./proposals.ts";

export const RAFT_API_PATH = "/api/raft";
export const PROPOSE_API_PATH = "/api/propose";

export interface RaftApiDeps {
  verifier: ApiAuthVerifier;
  wallMs(): number;
  view(): RaftView;
  propose(cmd: LedgerCommand, timeoutMs: number): Promise<ProposalResult>;
  proposalTimeoutMs?: number;
}

export type { RequestHandler };

function statusFor(r: ProposalResult): number {
  if (r.ok) return 200;
  const code = r.error.code;
  if (code.startsWith("ledger.")) return code === "ledger.entry-malformed" ? 400 : 409;
  if (code === "raft.entry-too-large" || code === "raft.command-malformed") return 400;
  return 503;
}

/** Path → handler, for the agent's HTTP server. */
export function raftApiRoutes(deps: RaftApiDeps): Readonly<Record<string, RequestHandler>> {
  return {
    [RAFT_API_PATH]: async (req) => {
      if (req.method !== "GET") return json(405, { error: "method not allowed", allow: "GET" });
      return refuseUnsigned(req, new Uint8Array(0), deps) ?? json(200, deps.view());
    },
    [PROPOSE_API_PATH]: async (req) => {
      const signed = await signedPostBody(req, deps);
      if (!signed.ok) return signed.response;
      const cmd = decodeLedgerCommand(signed.body);
      if (!cmd.ok)
        return json(400, { ok: false, error: { code: "raft.command-malformed", field: cmd.error.field } });
      const r = await deps.propose(cmd.value, deps.proposalTimeoutMs ?? PROPOSAL_TIMEOUT_MS_DEFAULT);
      return json(statusFor(r), r.ok ? { ok: true, ...r.value } : { ok: false, error: r.error });
    },
  };
}
