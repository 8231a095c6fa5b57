// `keel demo`: one command that shows keel doing its job. It starts three MariaDB servers
// (semi-sync GTID replication) with a keel agent beside each, waits for their quorum to adopt the
// primary, runs a small writer against it, then opens the console with two extra keys: K kills
// the primary's mysqld, R restarts it. `--headless` tells the same story as printed stages.
// Everything it started stops when it exits, however it exits, unless --keep.
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { LedgerConsoleActions } from "../console/actions.ts";
import { clusterOf, initialState } from "../console/console-state.ts";
import { DEMO_KEYS, DemoConsoleActions } from "../console/demo-keys.ts";
import { printDemoTopology, topologySettled } from "../console/demo-topology.ts";
import { LiveConsoleSource } from "../console/live-console-source.ts";
import { DEMO_WARMUP_WRITES, DEMO_WRITER_INTERVAL_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { systemClock } from "../runtime/clock.ts";
import { DEMO_AGENT_PORT_OFFSETS, DEMO_INSTANCES, DemoCluster } from "../runtime/demo-cluster.ts";
import { guardDemoExit } from "../runtime/demo-exit-guard.ts";
import { type DemoStage, type HeadlessIo, runHeadlessStory } from "../runtime/demo-headless.ts";
import { ensureMariadbd, realInstallDeps } from "../runtime/demo-mariadb.ts";
import { DemoWriter, prepareDemoSchema } from "../runtime/demo-writer.ts";
import { DEFAULT_MARIADBD } from "../sandbox/sandbox-types.ts";
import { type CodedError, type CommandIo, type CommandOutcome, defineCommand, success } from "./command.ts";
import { wordError } from "./render-error.ts";
import { loadTui } from "./tui-loader.ts";

export const DEMO_DEFAULT_BASE_PORT = 23306;

interface DemoArgs {
  dir?: string | undefined;
  basePort: number;
  headless: boolean;
  failover: boolean;
  keep: boolean;
  mariadbd?: string | undefined;
}

/** One line for a failed stage: which stage, the problem, its code and the fix. */
export function renderStageFailure(f: { stage: DemoStage; error: CodedError }): string {
  const w = wordError(f.error);
  return `keel: demo stage "${f.stage}" failed: ${w.problem} (${f.error.code}); fix: ${w.fix}`;
}

function failed(io: CommandIo, stage: DemoStage, error: CodedError): CommandOutcome {
  io.err(renderStageFailure({ stage, error }));
  return { exitCode: 1 };
}

/** Waits for Enter on a terminal; false when stdin closes first (Ctrl-D). */
function promptEnter(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    rl.question(question, () => {
      answered = true;
      rl.close();
      resolve(true);
    });
    rl.on("close", () => {
      if (!answered) resolve(false);
    });
  });
}

async function headless(
  args: DemoArgs,
  io: CommandIo,
  cluster: DemoCluster,
  writer: DemoWriter,
  primaryPort: number,
): Promise<CommandOutcome> {
  const hio: HeadlessIo = {
    out: io.out,
    printTopology: (title, port, replicas) =>
      printDemoTopology(io, cluster, title, (l) => topologySettled(l, port, replicas), systemClock.monoMs),
  };
  await hio.printTopology("ready", primaryPort, DEMO_INSTANCES - 1);
  let go = args.failover;
  if (!go && process.stdin.isTTY)
    go = await promptEnter("keel demo: press Enter to kill the primary's mysqld (Ctrl-C stops the demo) ");
  if (!go) {
    io.out("keel demo: the cluster is up; run 'keel demo --headless --failover' to watch a failover");
    return success;
  }
  const story = await runHeadlessStory(cluster, writer, primaryPort, hio, systemClock);
  if (!story.ok) return failed(io, story.error.stage, story.error.error);
  io.out("keel demo: done");
  return success;
}

async function tui(io: CommandIo, cluster: DemoCluster): Promise<Result<number, CodedError>> {
  const config = cluster.configs[0];
  if (config === undefined) return err({ code: "sandbox.no-agents", dir: cluster.state.dir });
  const { openScreen, runConsoleApp } = await loadTui();
  const opened = openScreen({ env: io.env, color: true });
  if (!opened.ok) return err(opened.error);
  const source = new LiveConsoleSource({ config, via: "auto", clock: systemClock });
  const operator = `demo@${hostname()}`.slice(0, 64);
  let latest = initialState({ cluster: config.cluster, operator, extraKeys: DEMO_KEYS });
  const ledgerActions = new LedgerConsoleActions({
    config,
    clock: systemClock,
    operator,
    nodeIdOf: (c, key) => clusterOf(latest, c)?.instances.find((i) => i.key === key)?.nodeId ?? null,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  try {
    const exitCode = await runConsoleApp({
      session: opened.value,
      source,
      actions: new DemoConsoleActions(ledgerActions, cluster),
      initial: latest,
      clock: systemClock,
      onState: (s) => {
        latest = s;
      },
    });
    return ok(exitCode);
  } finally {
    opened.value.close(1); // no-op after a normal quit; restores the terminal if drawing threw
  }
}

/** Sandbox, quorum, writer; then the console or the headless story. Cleans up in the caller. */
async function runDemo(
  args: DemoArgs,
  io: CommandIo,
  dir: string,
  started: { cluster: DemoCluster | null; writer: DemoWriter | null },
): Promise<CommandOutcome> {
  const ports = `127.0.0.1:${args.basePort}-${args.basePort + 2}`;
  io.out(
    `keel demo: starting 3 MariaDB servers (${ports}, semi-sync) and a keel agent beside each in ${dir}`,
  );
  const up = await DemoCluster.start(
    { dir, basePort: args.basePort, ...(args.mariadbd ? { mariadbd: args.mariadbd } : {}) },
    systemClock,
  );
  if (!up.ok) return failed(io, "start the sandbox", up.error);
  const cluster = up.value;
  started.cluster = cluster;
  const ready = await cluster.waitReady();
  if (!ready.ok) return failed(io, "wait for the quorum", ready.error);
  const primaryPort = ready.value.primaryPort ?? args.basePort;
  io.out(
    `keel demo: raft leader ${ready.value.leader}; the ledger names ${ready.value.primaryNodeId} ` +
      `(127.0.0.1:${primaryPort}) primary, epoch ${ready.value.epoch}`,
  );
  const schema = await prepareDemoSchema(primaryPort);
  if (!schema.ok) return failed(io, "start the writer", schema.error);
  const writer = new DemoWriter({ ports: cluster.ports, monoMs: systemClock.monoMs });
  started.writer = writer;
  writer.start();
  const writing = await writer.waitAcked(DEMO_WARMUP_WRITES);
  if (!writing.ok) return failed(io, "start the writer", writing.error);
  io.out(
    `keel demo: a writer inserts into keel_demo.writes on the primary every ${DEMO_WRITER_INTERVAL_MS} ms`,
  );
  const wantTui = !args.headless && process.stdin.isTTY && io.isTty;
  if (!wantTui) return headless(args, io, cluster, writer, primaryPort);
  const shown = await tui(io, cluster);
  if (shown.ok) return { exitCode: shown.value };
  if (shown.error.code !== "console.no-capable-terminal") return { error: shown.error };
  io.err("keel demo: this terminal can't host the console; telling the story as text instead");
  return headless(args, io, cluster, writer, primaryPort);
}

export const demoCommand = defineCommand({
  command: "demo",
  describe: "Start a local 3-server MariaDB cluster with keel agents and watch a failover in the console",
  builder: (y) =>
    y
      .option("dir", { type: "string", describe: "sandbox directory (default: a fresh temp dir)" })
      .option("base-port", {
        type: "number",
        default: DEMO_DEFAULT_BASE_PORT,
        describe: `servers at base..base+2, agents' gossip at +${DEMO_AGENT_PORT_OFFSETS.gossip}, HTTP at +${DEMO_AGENT_PORT_OFFSETS.http}`,
      })
      .option("headless", { type: "boolean", default: false, describe: "no console: print each stage" })
      .option("failover", {
        type: "boolean",
        default: false,
        describe: "with --headless: kill the primary without asking, then restart it",
      })
      .option("keep", {
        type: "boolean",
        default: false,
        describe: "leave servers and agents running on exit",
      })
      .option("mariadbd", { type: "string", describe: `path to mariadbd (default ${DEFAULT_MARIADBD})` })
      .example("keel demo", "the console: K kills the primary's mysqld, R restarts it, q quits")
      .example("keel demo --headless --failover", "the same story as text, for scripts and CI"),
  async run(args, io): Promise<CommandOutcome> {
    const a: DemoArgs = args;
    const installed = ensureMariadbd(a.mariadbd ?? DEFAULT_MARIADBD, realInstallDeps(io.err));
    if (!installed.ok) return failed(io, "install mariadb", installed.error);
    if (a.dir !== undefined) {
      const free = DemoCluster.checkDirFree(a.dir);
      if (!free.ok) return failed(io, "start the sandbox", free.error);
    }
    const dir = a.dir ?? mkdtempSync(join(tmpdir(), "keel-demo-"));
    const guard = guardDemoExit({ dir, keep: a.keep, removeDir: a.dir === undefined, say: io.err });
    const started: { cluster: DemoCluster | null; writer: DemoWriter | null } = {
      cluster: null,
      writer: null,
    };
    try {
      return await runDemo(a, io, dir, started);
    } finally {
      await started.writer?.stop();
      if (started.cluster !== null && a.keep) {
        io.out(`keel demo: left running (--keep); stop it with: keel sandbox down --dir ${dir}`);
      } else if (started.cluster !== null) {
        io.out("keel demo: stopping the servers and agents");
        await started.cluster.stop();
      }
      guard.finish();
    }
  },
});
