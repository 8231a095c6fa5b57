// `keel console` end to end: the COMPILED binary in tmux against `keel sandbox up --agents` (three
// MariaDB servers, an agent beside each). The topology appears, `?` shows help, a downtime done
// with keys shows `downtimed` on the instance, a resize redraws at the new size, `q` leaves the
// terminal as it was; TERM=dumb prints the plain summary instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureCompiledBinary, type RunResult, runBinary } from "./helpers/compiled.ts";
import { TmuxLab } from "./helpers/tmux.ts";
import { AGENT_OFFSET_ARGS, portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { makeTestSandboxDir, removeTestSandboxDir, SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";

const BASE_PORT = portIn(TEST_PORT_BLOCKS.console, 0);
const REPLICA = `127.0.0.1:${BASE_PORT + 1}`;
const REPLICA_PATTERN = REPLICA.replaceAll(".", "\\.");
const SESSION = "console";

let bin = "";
let dir = "";
let config = "";
const lab = new TmuxLab("console");
const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: "/usr/bin:/bin",
  KEEL_SANDBOX_OWNER_PID: String(process.pid),
  ...extra,
});

function keel(args: string[], extra: Record<string, string> = {}): RunResult {
  return runBinary(bin, args, dir, env(extra));
}

function resize(columns: number, rows: number): void {
  const r = Bun.spawnSync([
    "tmux",
    "-L",
    lab.socket,
    "resize-window",
    "-t",
    SESSION,
    "-x",
    String(columns),
    "-y",
    String(rows),
  ]);
  if (r.exitCode !== 0) throw new Error(`tmux resize-window failed: ${r.stderr.toString()}`);
}

const topologyShown = (screen: string): boolean =>
  new RegExp(`^127\\.0\\.0\\.1:${BASE_PORT} +\\[\\d+s,ok,[^\\]]*,rw,`, "m").test(screen) &&
  new RegExp(`^\\+ 127\\.0\\.0\\.1:${BASE_PORT + 1} \\[`, "m").test(screen) &&
  new RegExp(`^\\+ 127\\.0\\.0\\.1:${BASE_PORT + 2} \\[`, "m").test(screen);

describe("keel console in tmux against a sandbox with agents (compiled binary)", () => {
  beforeAll(() => {
    bin = ensureCompiledBinary();
    dir = makeTestSandboxDir();
    const up = keel([
      "sandbox",
      "up",
      "--agents",
      "--dir",
      dir,
      "--instances",
      "3",
      "--base-port",
      String(BASE_PORT),
      ...AGENT_OFFSET_ARGS,
    ]);
    if (up.exitCode !== 0) throw new Error(`sandbox up --agents failed: ${up.stderr}`);
    config = keel(["sandbox", "config", "--dir", dir, "--port", String(BASE_PORT)]).stdout.trim();
    // The stty settings before and after tell whether the console left the terminal as it found it.
    const shell = [
      'before="$(stty -g)"',
      `env -i PATH=/usr/bin:/bin TERM="$TERM" KEEL_SANDBOX_OWNER_PID=${process.pid} ${bin} console --config ${config}`,
      "rc=$?",
      '[ "$before" = "$(stty -g)" ] && echo "TTY SANE rc=$rc" || echo "TTY CHANGED rc=$rc"',
      "sleep 600",
    ].join("; ");
    lab.start(SESSION, `sh -c '${shell}'`, dir);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    lab.killServer();
    await removeTestSandboxDir(dir);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  test("the topology appears, one orchestrator-style line per instance", async () => {
    const screen = await lab.waitFor(SESSION, topologyShown, 15_000);
    expect(screen).toContain("keel console  cluster sandbox");
    expect(screen).toMatch(/quorum (OK|LOST)/);
  }, 20_000);

  test("? shows every key, Esc goes back", async () => {
    lab.send(SESSION, ["?"]);
    const help = await lab.waitFor(SESSION, /keel console keys/);
    for (const words of ["Up / k", "switchover", "(asks to confirm)", "q / Ctrl-C"])
      expect(help).toContain(words);
    lab.send(SESSION, ["Escape"]);
    await lab.waitFor(SESSION, topologyShown);
  }, 10_000);

  test("a resize redraws at the new size", async () => {
    resize(140, 40);
    // From 120 columns the cluster list and the quorum panel share a row.
    const wide = await lab.waitFor(SESSION, /CLUSTER .*quorum (OK|LOST)/);
    expect(wide.split("\n").some((l) => l.trimEnd().length > 100)).toBe(true);
    resize(100, 30);
    const narrow = await lab.waitFor(SESSION, (s) => /^quorum (OK|LOST)/m.test(s) && topologyShown(s));
    expect(narrow.split("\n").every((l) => l.length <= 100)).toBe(true);
  }, 15_000);

  test("a downtime done with keys shows downtimed on the instance", async () => {
    lab.send(SESSION, ["j", "d"]);
    await lab.waitFor(SESSION, new RegExp(`downtime: ${REPLICA_PATTERN}`));
    lab.send(SESSION, ["1"]);
    await lab.waitFor(SESSION, /\[y\/N\]/);
    lab.send(SESSION, ["y"]);
    const screen = await lab.waitFor(
      SESSION,
      new RegExp(`^\\+ ${REPLICA_PATTERN} \\[[^\\]]*downtimed\\]`, "m"),
      15_000,
    );
    expect(screen).toContain(`downtime ${REPLICA}`);
  }, 25_000);

  test("q quits and leaves a sane terminal", async () => {
    lab.send(SESSION, ["q"]);
    const after = await lab.waitFor(SESSION, /TTY (SANE|CHANGED) rc=\d+/, 5_000);
    expect(after).toContain("TTY SANE rc=0");
  }, 10_000);

  test("TERM=dumb --once prints the plain summary", () => {
    const r = keel(["console", "--once", "--config", config], { TERM: "dumb" });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^== keel console \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC .*\[live\]$/m);
    expect(r.stdout).toMatch(/^cluster sandbox: /m);
    expect(topologyShown(r.stdout)).toBe(true);
  }, 15_000);
});
