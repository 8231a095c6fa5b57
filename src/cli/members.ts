// `keel members`: every gossip member this host hears of: agents, witnesses and observers (except
// observers that already left), with their status, last word and the keel version they run.
import { formatAge } from "../console/views/time-text.ts";
import type { MemberInput } from "../runtime/view-assembly.ts";
import { NEVER_MS } from "../runtime/view-assembly.ts";
import { type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand } from "./config-option.ts";
import { formatTable } from "./sandbox-render.ts";
import { loadReadView, type ViaMode, withReadOptions } from "./view-source.ts";

function ageText(ms: number | null): string {
  return ms === null || ms >= NEVER_MS ? "-" : `${formatAge(ms, true)} ago`;
}

function byClusterThenId(a: MemberInput, b: MemberInput): number {
  return a.cluster.localeCompare(b.cluster) || a.id.localeCompare(b.id);
}

export function memberRows(members: readonly MemberInput[]): string[] {
  const rows = [...members]
    .sort(byClusterThenId)
    .map((m) => [
      m.id,
      m.addr,
      m.kind,
      m.cluster,
      m.status,
      ageText(m.lastHeardAgeMs),
      m.record?.agentVersion ?? "-",
    ]);
  return formatTable(["ID", "ADDRESS", "KIND", "CLUSTER", "STATUS", "LAST HEARD", "VERSION"], rows);
}

export const membersCommand = defineCommand({
  command: "members",
  describe: "List gossip members: id, address, kind, cluster, status, last heard, agent version",
  builder: (y) =>
    withReadOptions(y).example("keel members --via gossip", "as the gossip sees it, not the local agent"),
  async run(args, io): Promise<CommandOutcome> {
    const config = loadConfigForCommand(args, io);
    if (!config.ok) return config.error;
    const view = await loadReadView(config.value, args.via as ViaMode);
    if (!view.ok) return { error: view.error };
    // Every read command joins and leaves as an observer; those that left are just noise here.
    const members = view.value.members
      .filter((m) => !(m.kind === "observer" && m.status === "left"))
      .sort(byClusterThenId);
    if (args.json) {
      const rows = members.map((m) => ({
        id: m.id,
        addr: m.addr,
        kind: m.kind,
        cluster: m.cluster,
        status: m.status,
        lastHeardAgeMs: m.lastHeardAgeMs,
        recordAgeMs: m.recordAgeMs,
        agentVersion: m.record?.agentVersion ?? null,
        instance: m.record?.instanceAddress ?? null,
      }));
      io.out(JSON.stringify(rows));
    } else for (const line of memberRows(members)) io.out(line);
    return success;
  },
});
