// Words for the agent runtime's error codes (src/runtime/agent*.ts).
import type { AgentStartError } from "../../runtime/agent.ts";
import type { RecordDecodeError } from "../../runtime/agent-record-codec.ts";
import { defineMessages } from "./define.ts";

export type AgentMessageError = AgentStartError | RecordDecodeError;

const PEER_FIX =
  "run the same keel version on every agent of the cluster (keel version); if they match, report it as a keel bug";

export const agentMessages = defineMessages<AgentMessageError>({
  "agent.no-mysql": (e) => ({
    problem: `agent ${e.nodeId} has no local database configured (mysql is null) and is not a witness`,
    fix: 'add a "mysql" section to the config, or run it as a witness with "witness": true or --witness',
  }),
  "agent.record-empty": () => ({
    problem: "a peer gossiped an empty state record",
    fix: PEER_FIX,
  }),
  "agent.record-unknown-format": (e) => ({
    problem: `a peer gossiped a state record in unknown format ${e.flag}`,
    fix: PEER_FIX,
  }),
  "agent.record-corrupt": (e) => ({
    problem: `a peer's state record could not be decoded (${e.detail})`,
    fix: PEER_FIX,
  }),
  "agent.record-bad-field": (e) => ({
    problem: `a peer's state record has a missing or malformed field ${e.field}`,
    fix: PEER_FIX,
  }),
});
