// `keel raft status [--config F] [--json]`: the local agent's view of the raft quorum, read over
// its signed local API. JSON has top-level `term` and `leader` (node id or null).
import type { RaftMemberView, RaftView } from "../runtime/ledger-view.ts";
import { type CallOptions, fetchRaftView } from "../runtime/api-client.ts";
import { defineCommand, type KeelCommandGroup, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";

function ageText(ms: number | null, self: boolean): string {
  if (self) return "self";
  if (ms === null) return "never";
  return ms < 10_000 ? `${ms} ms ago` : `${Math.round(ms / 1000)} s ago`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join("  ")
    .trimEnd();
}

function memberRows(v: RaftView): string[] {
  const header = ["ID", "ROLE", "KIND", "LAST CONTACT", "MATCH"];
  const rows = v.members.map((m: RaftMemberView) => [
    m.id,
    m.role ?? "-",
    m.witness ? "witness" : "agent",
    ageText(m.lastContactAgeMs, m.id === v.nodeId),
    m.matchIndex === null ? "-" : String(m.matchIndex),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [pad(header, widths), ...rows.map((r) => pad(r, widths))];
}

/** The human table: one summary line, the members, the ledger in one line. */
export function renderRaftStatus(v: RaftView): string[] {
  const l = v.ledger;
  const paused = l.paused ? `paused by ${l.paused.by} (${l.paused.reason})` : "not paused";
  const downtimes = Object.keys(l.downtimes).length;
  const active = l.recoveries.filter((r) => r.state === "detected" || r.state === "planned").length;
  return [
    `term ${v.term}  leader ${v.leader ?? "none"}  this node ${v.nodeId} (${v.role})  ` +
      `commit ${v.commitIndex}  applied ${v.appliedIndex}  quorum ${v.quorum}`,
    ...(v.halted ? [`HALTED: storage failed (${v.halted}); restart the agent after fixing it`] : []),
    "",
    ...memberRows(v),
    "",
    `ledger: primary ${l.primary ?? "none"} (epoch ${l.epoch}), ${paused}, ${downtimes} downtime(s), ` +
      `${active} active recovery(ies), switchover ${l.switchover ? `${l.switchover.from} -> ${l.switchover.to}` : "none"}`,
  ];
}

/** Tests pass a fetch and a clock; the command uses the real ones. */
export function makeRaftStatusCommand(callOptions: CallOptions = {}) {
  return defineCommand({
    command: "status",
    describe: "Show the raft quorum as the local agent sees it (term, leader, members, quorum)",
    builder: (y) =>
      withConfigOption(y).option("json", { type: "boolean", default: false, describe: "Print JSON" }),
    run: async (args, io) => {
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const view = await fetchRaftView(config.value, callOptions);
      if (!view.ok) return { error: view.error };
      if (args.json) io.out(JSON.stringify(view.value, null, 2));
      else for (const line of renderRaftStatus(view.value)) io.out(line);
      return success;
    },
  });
}

export const raftCommand: KeelCommandGroup = {
  command: "raft",
  describe: "Inspect the raft quorum among the agents",
  subcommands: [makeRaftStatusCommand()],
};
