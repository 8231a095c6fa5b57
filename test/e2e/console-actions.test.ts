// The console's recovery keys end to end: the COMPILED binary in tmux against `keel sandbox up
// --agents` (three MariaDB servers, an agent beside each). A switchover done with keys (s, pick,
// y) moves the primary and the topology shows it; a failover done with keys (f, the cluster's
// name) of a primary that answers is refused by the planner, said on screen with what to do;
// q leaves the terminal as it was.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureCompiledBinary, type RunResult, runBinary } from "./helpers/compiled.ts";
import { TmuxLab } from "./helpers/tmux.ts";
import { AGENT_OFFSET_ARGS, portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { makeTestSandboxDir, removeTestSandboxDir, SANDBOX_HOOK_TIMEOUT_MS } from "../helpers/sandbox.ts";

const BASE_PORT = portIn(TEST_PORT_BLOCKS.consoleActions, 0);
const SESSION = "actions";
const COLUMNS = 200;

let bin = "";
let dir = "";
const lab = new TmuxLab("console-actions");
const env = (): Record<string, string> => ({
  PATH: "/usr/bin:/bin",
  KEEL_SANDBOX_OWNER_PID: String(process.pid),
});

function keel(args: string[]): RunResult {
  return runBinary(bin, args, dir, env());
}

const escaped = (key: string): string => key.replaceAll(".", "\\.");
/** The instance the topology shows as the writable root of the tree. */
const primaryShown = (key: string) => (screen: string) =>
  new RegExp(`^${escaped(key)} +\\[\\d+s,ok,[^\\]]*,rw,`, "m").test(screen);
const replicaShown = (key: string) => (screen: string) =>
  new RegExp(`^\\+ ${escaped(key)} \\[`, "m").test(screen);

describe("keel console recovery keys in tmux against a sandbox with agents (compiled binary)", () => {
  const first = `127.0.0.1:${BASE_PORT}`;
  let target = "";

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
    const config = keel(["sandbox", "config", "--dir", dir, "--port", String(BASE_PORT)]).stdout.trim();
    const shell = [
      'before="$(stty -g)"',
      `env -i PATH=/usr/bin:/bin TERM="$TERM" KEEL_SANDBOX_OWNER_PID=${process.pid} ${bin} console --config ${config}`,
      "rc=$?",
      '[ "$before" = "$(stty -g)" ] && echo "TTY SANE rc=$rc" || echo "TTY CHANGED rc=$rc"',
      "sleep 600",
    ].join("; ");
    lab.start(SESSION, `sh -c '${shell}'`, dir);
    // Wide enough that a result line and its next step fit on one row.
    Bun.spawnSync([
      "tmux",
      "-L",
      lab.socket,
      "resize-window",
      "-t",
      SESSION,
      "-x",
      String(COLUMNS),
      "-y",
      "40",
    ]);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    lab.killServer();
    await removeTestSandboxDir(dir);
  }, SANDBOX_HOOK_TIMEOUT_MS);

  test("the first server is the primary and the quorum holds", async () => {
    const screen = await lab.waitFor(
      SESSION,
      (s) =>
        primaryShown(first)(s) && /quorum OK/.test(s) && (s.match(/^\+ 127\.0\.0\.1:/gm) ?? []).length === 2,
      20_000,
    );
    expect(screen).toContain("keel console  cluster sandbox");
  }, 25_000);

  test("a switchover done with keys moves the primary, and the topology shows the new one", async () => {
    lab.send(SESSION, ["s"]);
    const pick = await lab.waitFor(SESSION, /1\. 127\.0\.0\.1:\d+/);
    target = /1\. (127\.0\.0\.1:\d+)/.exec(pick)?.[1] ?? "";
    expect(target).not.toBe(first);
    lab.send(SESSION, ["Enter"]);
    const confirm = await lab.waitFor(SESSION, /\[y\/N\]/);
    expect(confirm).toContain(`${target} becomes its`);
    lab.send(SESSION, ["y"]);
    const screen = await lab.waitFor(
      SESSION,
      (s) => primaryShown(target)(s) && replicaShown(first)(s),
      40_000,
    );
    expect(screen).toContain(`switchover sandbox to ${target}: done: ${target} is the primary of sandbox`);
  }, 45_000);

  test("a failover done with keys of a primary that answers is refused on screen, with what to do", async () => {
    lab.send(SESSION, ["f"]);
    await lab.waitFor(SESSION, /Type the cluster name \(sandbox\)/);
    lab.send(SESSION, ["sandbox"], true);
    lab.send(SESSION, ["Enter"]);
    const screen = await lab.waitFor(SESSION, /failover sandbox: FAILED: /, 20_000);
    expect(screen).toMatch(/asking the quorum of sandbox for a failover/);
    // (The ledger's own "fo-… failed" step line may land a frame later; the result line is what counts.)
    // The event log wraps a long line onto indented rows.
    const unwrapped = screen.replace(/\s*\n\s+/g, " ");
    expect(unwrapped).toMatch(
      /failover sandbox: FAILED: the primary db\d still answers, .*\(recovery\.primary-serves\); next: use 'keel switchover' .*or add --force to fail over anyway/,
    );
    // Nothing moved: the switchover's primary still is the primary.
    expect(primaryShown(target)(screen)).toBe(true);
  }, 25_000);

  test("q quits and leaves a sane terminal", async () => {
    lab.send(SESSION, ["q"]);
    const after = await lab.waitFor(SESSION, /TTY (SANE|CHANGED) rc=\d+/, 5_000);
    expect(after).toContain("TTY SANE rc=0");
  }, 10_000);
});
