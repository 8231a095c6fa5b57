// Words for the sandbox's agent errors (`keel sandbox up --agents`, config, kill-agent, start-agent).
import type { SandboxAgentError } from "../../sandbox/sandbox-agents.ts";
import { defineMessages } from "./define.ts";

function tail(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `; last log lines: ${lines.join(" | ")}`;
}

export const sandboxAgentMessages = defineMessages<SandboxAgentError>({
  "sandbox.agent-start-failed": (e) => ({
    problem: `the keel agent for sandbox instance ${e.port} did not start: ${e.reason}${tail(e.logTail)}`,
    fix: `read ${e.log}; then 'keel sandbox start-agent --port ${e.port}' or 'keel sandbox down' and 'up --agents' again`,
  }),
  "sandbox.agent-stop-timeout": (e) => ({
    problem: `the keel agent for sandbox instance ${e.port} (pid ${e.pid}) was still running ${e.waitedMs} ms after the signal`,
    fix: `kill it with 'kill -9 ${e.pid}', then retry`,
  }),
  "sandbox.no-agents": (e) => ({
    problem: `the sandbox in ${e.dir} runs no keel agents`,
    fix: `start one with agents: 'keel sandbox down --dir ${e.dir}' then 'keel sandbox up --agents --dir ${e.dir}'`,
  }),
  "sandbox.agent-port-clash": (e) => ({
    problem: `agent port ${e.port} is unusable (${e.detail})`,
    fix: "pick other --gossip-port-offset/--http-port-offset values or another --base-port",
  }),
});
