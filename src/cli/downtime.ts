// `keel downtime -i host:port --duration 1h --reason R [--owner O]` and `keel downtime --end -i
// host:port`: orchestrator-client's begin-downtime / end-downtime, through the quorum. A downtimed
// instance is never the subject of an automatic recovery until the window ends.
import { DOWNTIME_DURATION_MS_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { type CallOptions, fetchRaftView } from "../runtime/api-client.ts";
import { type CommandIo, type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import type { ReconcileCliError } from "./messages/reconcile.ts";
import { checkCluster, operatorOf, proposeAndSay } from "./pause.ts";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "1h", "2d", "1h30m"; a bare number counts seconds. */
export function parseDurationMs(text: string): Result<number, ReconcileCliError> {
  const bad = err({ code: "reconcile.bad-duration" as const, text, maxMs: DOWNTIME_DURATION_MS_MAX });
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) {
    const ms = Number(t) * 1_000;
    return ms > 0 && ms <= DOWNTIME_DURATION_MS_MAX ? ok(ms) : bad;
  }
  if (!/^(\d+[smhd])+$/.test(t)) return bad;
  let ms = 0;
  for (const m of t.matchAll(/(\d+)([smhd])/g)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
  return ms > 0 && ms <= DOWNTIME_DURATION_MS_MAX ? ok(ms) : bad;
}

function utc(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

interface DowntimeArgs {
  config?: string;
  instance: string;
  cluster?: string;
  duration?: string;
  reason?: string;
  owner?: string;
  end: boolean;
  json: boolean;
}

async function endDowntime(
  config: Parameters<typeof proposeAndSay>[0],
  a: DowntimeArgs,
  io: CommandIo,
  call: CallOptions,
): Promise<CommandOutcome> {
  const view = await fetchRaftView(config, call);
  if (!view.ok) return { error: view.error };
  if (!(a.instance in view.value.ledger.downtimes)) {
    if (a.json) io.out(JSON.stringify({ ok: true, instance: a.instance, downtimed: false }));
    else io.out(`downtime: ${a.instance} is not downtimed; nothing to end`);
    return success;
  }
  return proposeAndSay(
    config,
    { type: "downtime-end", instance: a.instance },
    io,
    a.json,
    (index) => `downtime: ended for ${a.instance}; automatic recovery covers it again; ledger index ${index}`,
    call,
  );
}

export function makeDowntimeCommand(call: CallOptions = {}, wallMs: () => number = Date.now) {
  return defineCommand({
    command: "downtime",
    describe: "Downtime an instance (no automatic recovery for it) or end its downtime",
    builder: (y) =>
      withConfigOption(y)
        .option("instance", { alias: "i", type: "string", demandOption: true, describe: "host:port" })
        .option("cluster", { alias: "c", type: "string", describe: "cluster (default: the config's)" })
        .option("duration", { alias: "d", type: "string", describe: "how long: 90s, 30m, 1h, 2d" })
        .option("reason", { alias: "r", type: "string", describe: "why, recorded in the ledger" })
        .option("owner", { alias: "o", type: "string", describe: "who (default: $USER)" })
        .option("end", { type: "boolean", default: false, describe: "end the instance's downtime" })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" })
        .example("keel downtime -i db1:3306 --duration 1h --reason 'disk swap'", "begin-downtime")
        .example("keel downtime --end -i db1:3306", "end-downtime"),
    run: async (args, io) => {
      const a: DowntimeArgs = args;
      const config = loadConfigForCommand(args, io);
      if (!config.ok) return config.error;
      const same = checkCluster(config.value, a.cluster);
      if (!same.ok) return { error: same.error };
      if (a.end) return endDowntime(config.value, a, io, call);
      const duration = parseDurationMs(a.duration ?? "");
      if (!duration.ok) return { error: duration.error, exitCode: 2 };
      const reason = a.reason ?? "";
      const owner = a.owner ?? operatorOf(io);
      const untilWallMs = Math.round(wallMs() + duration.value);
      return proposeAndSay(
        config.value,
        { type: "downtime-begin", instance: a.instance, untilWallMs, reason, owner },
        io,
        a.json,
        (index) =>
          `downtime: ${a.instance} downtimed until ${utc(untilWallMs)} by ${owner}${reason ? ` (${reason})` : ""}; ledger index ${index}`,
        call,
      );
    },
  });
}

export const downtimeCommand = makeDowntimeCommand();
