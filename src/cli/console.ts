// `keel console`: the on-call operator's live view and emergency keys. A full-screen TUI where the
// terminal can host one; otherwise (TERM=dumb, no TTY, --once) a plain-text summary reprinted
// every few seconds under a timestamp.
import { hostname } from "node:os";
import type { Config } from "../config/config.ts";
import { type ConsoleActions, LedgerConsoleActions, readOnlyActions } from "../console/actions.ts";
import {
  type ConsoleSnapshot,
  type ConsoleSource,
  linkLost,
  type SourceLink,
} from "../console/console-source.ts";
import { type ConsoleState, clusterOf, initialState } from "../console/console-state.ts";
import { LiveConsoleSource } from "../console/live-console-source.ts";
import { PLAIN_SUMMARY_DEFAULTS, plainSummary } from "../console/plain-summary.ts";
import { seedConfig } from "../console/seed-config.ts";
import { CONSOLE_PLAIN_INTERVAL_MS } from "../lib/limits.ts";
import { err, type Result } from "../lib/result.ts";
import { type RuntimeClock, systemClock } from "../runtime/clock.ts";
import { type CommandIo, type CommandOutcome, defineCommand, success } from "./command.ts";
import { loadConfigForCommand, reportConfigIssues, withConfigOption } from "./config-option.ts";
import { wordError } from "./render-error.ts";
import { loadTui } from "./tui-loader.ts";
import { VIA_MODES, type ViaMode } from "./view-source.ts";

function operatorName(env: Record<string, string | undefined>): string {
  const user = env.SUDO_USER || env.USER || env.LOGNAME || "operator";
  return `${user}@${hostname()}`.slice(0, 64);
}

async function configFor(
  args: { config?: string | undefined; seed?: string | undefined; keyFile?: string | undefined },
  io: CommandIo,
): Promise<Result<Config, CommandOutcome>> {
  if (args.seed === undefined) return loadConfigForCommand(args, io);
  const loaded = await seedConfig(args.seed, args.keyFile as string, io.env);
  if (loaded.ok) return loaded;
  if (Array.isArray(loaded.error)) {
    reportConfigIssues(loaded.error, io);
    return err({ exitCode: 1 });
  }
  return err({ error: loaded.error });
}

interface PlainOptions {
  once: boolean;
  cluster: string | null;
  clock: RuntimeClock;
}

/** Prints the summary until interrupted (or once); a failed `--once` is the command's error. */
async function runPlain(source: ConsoleSource, io: CommandIo, o: PlainOptions): Promise<CommandOutcome> {
  let stop = false;
  let wake = (): void => {};
  const interrupt = (): void => {
    stop = true;
    wake();
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  let link: SourceLink = { kind: "waiting" };
  let data: ConsoleSnapshot | null = null;
  try {
    for (;;) {
      const r = await source.snapshot();
      const nowWallMs = o.clock.wallMs();
      if (r.ok) {
        data = r.value;
        link = { kind: "live", atWallMs: nowWallMs };
      } else {
        if (o.once) return { error: r.error };
        link = linkLost(link, wordError(r.error).problem, nowWallMs);
      }
      const opts = { ...PLAIN_SUMMARY_DEFAULTS, cluster: o.cluster };
      io.out(plainSummary(data, link, nowWallMs, opts).join("\n"));
      if (o.once || stop) return success;
      io.out("");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, CONSOLE_PLAIN_INTERVAL_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (stop) return success;
    }
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await source.close();
  }
}

function actionsFor(
  config: Config,
  seeded: boolean,
  operator: string,
  latest: () => ConsoleState,
): ConsoleActions {
  if (seeded) return readOnlyActions;
  return new LedgerConsoleActions({
    config,
    clock: systemClock,
    operator,
    nodeIdOf: (cluster, key) =>
      clusterOf(latest(), cluster)?.instances.find((i) => i.key === key)?.nodeId ?? null,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
}

export const consoleCommand = defineCommand({
  command: "console",
  describe: "Live console: topology, quorum and events, with keys for switchover, downtime, ack, pause",
  builder: (y) =>
    withConfigOption(y)
      .option("seed", {
        type: "string",
        requiresArg: true,
        describe: "join the gossip through this host:port instead of a config",
      })
      .option("key-file", {
        type: "string",
        requiresArg: true,
        describe: 'keyring file ({"primary","keys"}) for --seed',
      })
      .option("cluster", {
        alias: "c",
        type: "string",
        requiresArg: true,
        describe: "cluster to select first (and the only one shown in plain text)",
      })
      .option("color", {
        type: "boolean",
        default: true,
        describe: "Use colours (--no-color or NO_COLOR=1 turns them off)",
      })
      .option("once", { type: "boolean", default: false, describe: "print one plain-text summary and exit" })
      .option("via", {
        choices: VIA_MODES,
        default: "auto" as ViaMode,
        describe: "read from the local agent's API, the gossip, or auto",
      })
      .implies("seed", "key-file")
      .implies("key-file", "seed")
      .conflicts("seed", "config"),
  async run(args, io): Promise<CommandOutcome> {
    const config = await configFor(args, io);
    if (!config.ok) return config.error;
    const seeded = args.seed !== undefined;
    const source = new LiveConsoleSource({
      config: config.value,
      via: seeded ? "gossip" : (args.via as ViaMode),
      ...(seeded ? { seeds: [args.seed as string] } : {}),
      clock: systemClock,
    });
    const cluster = args.cluster ?? null;
    const plain = { cluster, clock: systemClock };
    if (args.once) return runPlain(source, io, { ...plain, once: true });
    const { openScreen, runConsoleApp } = await loadTui();
    const opened = openScreen({ env: io.env, color: args.color });
    if (!opened.ok) {
      if (opened.error.code !== "console.no-capable-terminal") {
        await source.close();
        return { error: opened.error };
      }
      return runPlain(source, io, { ...plain, once: false });
    }
    const session = opened.value;
    const operator = operatorName(io.env);
    let latest = initialState({ cluster, operator });
    try {
      const exitCode = await runConsoleApp({
        session,
        source,
        actions: actionsFor(config.value, seeded, operator, () => latest),
        initial: latest,
        clock: systemClock,
        onState: (s) => {
          latest = s;
        },
      });
      return { exitCode };
    } finally {
      session.close(1); // no-op after a normal quit; restores the terminal if drawing threw
    }
  },
});
