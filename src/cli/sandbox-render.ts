// Plain-text tables for `keel sandbox up` and `keel sandbox status`.
import type { InstanceStatus, SandboxState } from "../sandbox/sandbox-types.ts";

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function plannedRole(sourcePort: number | null, port: number, all: readonly { sourcePort: number | null }[]) {
  if (sourcePort === null) return "primary";
  return all.some((i) => i.sourcePort === port) ? "intermediate" : "replica";
}

function agentLines(state: SandboxState): string[] {
  const agents = state.agents ?? [];
  if (agents.length === 0) return [];
  const rows = agents.map((a) => [
    a.nodeId,
    `127.0.0.1:${a.port}`,
    `127.0.0.1:${a.gossipPort}`,
    `127.0.0.1:${a.httpPort}`,
    a.pid === null ? "-" : String(a.pid),
    a.configFile,
  ]);
  return formatTable(["AGENT", "INSTANCE", "GOSSIP", "HTTP", "PID", "CONFIG"], rows);
}

export function renderUp(state: SandboxState, tookMs: number): string[] {
  const rows = state.instances.map((i) => [
    `127.0.0.1:${i.port}`,
    String(i.serverId),
    plannedRole(i.sourcePort, i.port, state.instances),
    i.sourcePort === null ? "-" : String(i.sourcePort),
  ]);
  const extras = [state.semiSync ? "semi-sync" : "", state.chained ? "chained" : ""].filter((x) => x !== "");
  return [
    ...formatTable(["INSTANCE", "SERVER_ID", "ROLE", "SOURCE"], rows),
    ...agentLines(state),
    `sandbox up in ${state.dir}: ${state.instances.length} instances${extras.length ? ` (${extras.join(", ")})` : ""}, ${(tookMs / 1000).toFixed(1)} s; admin user 'keel' on 127.0.0.1`,
  ];
}

function yesNo(v: boolean | null): string {
  if (v === null) return "-";
  return v ? "yes" : "no";
}

export function renderStatus(statuses: readonly InstanceStatus[]): string[] {
  const rows = statuses.map((s) => [
    `127.0.0.1:${s.port}`,
    s.pid === null ? "-" : String(s.pid),
    s.alive ? (s.reachable ? "up" : "unreachable") : "down",
    s.role,
    s.readOnly === null ? "-" : s.readOnly ? "ro" : "rw",
    s.sourcePort === null ? "-" : String(s.sourcePort),
    s.ioRunning ?? "-",
    yesNo(s.sqlRunning),
    s.gtidCurrentPos === null ? "-" : s.gtidCurrentPos || "(empty)",
  ]);
  const lines = formatTable(["INSTANCE", "PID", "STATE", "ROLE", "RW", "SOURCE", "IO", "SQL", "GTID"], rows);
  for (const s of statuses) if (s.lastError) lines.push(`${s.port}: ${s.lastError}`);
  return lines;
}
