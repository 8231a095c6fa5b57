// End to end on the COMPILED binary, copied out of the repo and run with a bare environment (and,
// where allowed, with the repo's node_modules hidden): plain commands, then the blessed check
// screen under tmux for every TERM keel promises to handle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rewriteWidgetSource } from "../../build/blessed-widgets-plugin.ts";
import { msgpackrPureJsPlugin } from "../../build/msgpackr-pure-js-plugin.ts";
import {
  canHideNodeModules,
  ensureCompiledBinary,
  REPO_ROOT,
  runBinary,
  type StagedBinary,
  stageBinary,
} from "./helpers/compiled.ts";
import { TmuxLab } from "./helpers/tmux.ts";

const SCREEN_TERMS = [
  "xterm",
  "xterm-256color",
  "screen",
  "screen-256color",
  "tmux-256color",
  "linux",
  "vt100",
  "keel-unknown-term",
];
const PROMPT = "keel-e2e$ ";
// Runs keel, then reports its exit code and whether the tty is back in cooked mode with echo.
const CHECK_LINE =
  "./keel tui-check; echo KEEL_EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ,; echo";
const RESTORED = /KEEL_EXIT=(\d+)\nicanon,echo,\s*\nkeel-e2e\$\s*$/;

let staged: StagedBinary;
let hideNodeModules = false;
const lab = new TmuxLab("bin");
let sessionSeq = 0;

beforeAll(() => {
  staged = stageBinary(ensureCompiledBinary());
  hideNodeModules = canHideNodeModules();
  // The pane's shell: optionally an empty tmpfs over node_modules (private mount namespace), then
  // a bare, rc-less bash with only PATH, TERM and a known prompt.
  writeFileSync(
    join(staged.dir, "pane.sh"),
    [
      'if [ -n "$2" ]; then mount -t tmpfs keel-e2e-hidden "$2" || exit 97; fi',
      `exec env -i PATH=/usr/bin:/bin TERM="$1" PS1='${PROMPT}' bash --norc --noprofile`,
      "",
    ].join("\n"),
  );
});

afterAll(() => {
  lab.killServer();
  staged?.remove();
});

/** A shell pane in the staged dir with TERM set; returns its session name once the prompt shows. */
async function openShell(term: string): Promise<string> {
  const session = `s${++sessionSeq}`;
  const nodeModules = join(REPO_ROOT, "node_modules");
  const command = hideNodeModules
    ? `unshare -m --propagation private sh ./pane.sh ${term} ${nodeModules}`
    : `sh ./pane.sh ${term} ''`;
  lab.start(session, command, staged.dir);
  await lab.waitFor(session, (s) => s.includes(PROMPT.trim()));
  return session;
}

describe("compiled binary: plain commands", () => {
  test("version prints version, commit and bun version, and knows it is compiled", () => {
    const r = runBinary(staged.bin, ["version"], staged.dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^keel \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown), bun \d+\.\d+\.\d+\)\n$/);
    const json = JSON.parse(runBinary(staged.bin, ["version", "--json"], staged.dir).stdout);
    expect(json.compiled).toBe(true);
    expect(json.bunVersion).toBe(Bun.version);
  });

  test("--help lists the commands in English", () => {
    const r = runBinary(staged.bin, ["--help"], staged.dir, { PATH: "/usr/bin:/bin", LANG: "de_DE.UTF-8" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("keel <command> [options]");
    expect(r.stdout).toContain("Commands:");
    expect(r.stdout).toMatch(/keel version\s/);
    expect(r.stdout).toMatch(/keel tui-check\s/);
  });

  test("an unknown command exits 2 with one error line, then the usage, and no stack", () => {
    const r = runBinary(staged.bin, ["frobnicate"], staged.dir);
    expect(r.exitCode).toBe(2);
    const [first, ...rest] = r.stderr.split("\n");
    expect(first).toMatch(/^keel: .*frobnicate.* \(cli\.usage\); fix: .+/);
    expect(rest.join("\n")).toContain("keel <command> [options]");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
  });

  test("completion prints a shell completion script for keel", () => {
    const r = runBinary(staged.bin, ["completion"], staged.dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("--get-yargs-completions");
    expect(r.stdout).toMatch(/complete .*keel/);
  });

  test("tui-check without a terminal prints one plain line and succeeds", () => {
    const r = runBinary(staged.bin, ["tui-check"], staged.dir, { PATH: "/usr/bin:/bin", TERM: "xterm" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^keel tui-check: no capable terminal: .*not a terminal.*\n$/);
  });
});

describe("compiled binary: check screen under tmux", () => {
  test("panes run outside the repo, with the repo's node_modules hidden where allowed", async () => {
    const session = await openShell("xterm");
    const nodeModules = join(REPO_ROOT, "node_modules");
    lab.send(session, [`echo "CWD=$PWD NM=$(ls -A ${nodeModules} | wc -l)"`], true);
    lab.send(session, ["Enter"]);
    const screen = await lab.waitFor(session, /CWD=\S+ NM=\d+/);
    const [, cwd, entries] = /CWD=(\S+) NM=(\d+)/.exec(screen) ?? [];
    expect(cwd).toBe(staged.dir);
    expect(cwd?.startsWith(REPO_ROOT)).toBe(false);
    if (hideNodeModules) expect(entries).toBe("0");
    lab.kill(session);
  });

  for (const term of SCREEN_TERMS) {
    test(`TERM=${term}: draws, moves with keys, q restores the shell`, async () => {
      const session = await openShell(term);
      lab.send(session, [CHECK_LINE], true);
      lab.send(session, ["Enter"]);
      const first = await lab.waitFor(session, /selected: alpha/);
      expect(first).toContain("keel terminal check");
      expect(first).toContain(`TERM: ${term}`);
      expect(first).toMatch(/terminfo: \S+/);
      expect(first).toMatch(/colours: \d+/);
      if (term.endsWith("256color")) expect(first).toContain("terminfo: xterm-256color (embedded)");
      if (term === "keel-unknown-term") expect(first).toMatch(/terminfo: xterm \(/);
      for (const [key, item] of [
        ["j", "bravo"],
        ["Down", "charlie"],
        ["k", "bravo"],
        ["Up", "alpha"],
      ] as const) {
        lab.send(session, [key]);
        await lab.waitFor(session, new RegExp(`selected: ${item}`));
      }
      lab.send(session, ["q"]);
      const after = await lab.waitFor(session, RESTORED);
      expect(after.match(RESTORED)?.[1]).toBe("0");
      expect(after).not.toContain("keel terminal check");
      lab.kill(session);
    });
  }

  test("--no-color and NO_COLOR turn colour off but keep the terminfo's count", async () => {
    for (const [prefix, flag] of [
      ["", " --no-color"],
      ["NO_COLOR=1 ", ""],
    ]) {
      const session = await openShell("xterm-256color");
      lab.send(session, [`${prefix}./keel tui-check${flag}`], true);
      lab.send(session, ["Enter"]);
      expect(await lab.waitFor(session, /selected: alpha/)).toContain("colours: 256 (off)");
      lab.send(session, ["q"]);
      await lab.waitFor(session, (screen) => !screen.includes("keel terminal check"));
      lab.kill(session);
    }
  });

  test("TERM=dumb: one plain line, exit 0, no screen", async () => {
    const session = await openShell("dumb");
    lab.send(session, ["./keel tui-check; echo KEEL_EXIT=$?"], true);
    lab.send(session, ["Enter"]);
    const screen = await lab.waitFor(session, /KEEL_EXIT=\d+/);
    expect(screen).toMatch(/keel tui-check: no capable terminal: TERM=dumb.*\nKEEL_EXIT=0/);
    lab.kill(session);
  });

  test("Ctrl-C quits and restores the terminal", async () => {
    const session = await openShell("xterm-256color");
    lab.send(session, [CHECK_LINE], true);
    lab.send(session, ["Enter"]);
    await lab.waitFor(session, /selected: alpha/);
    lab.send(session, ["C-c"]);
    expect((await lab.waitFor(session, RESTORED)).match(RESTORED)?.[1]).toBe("0");
    lab.kill(session);
  });

  test("SIGTERM restores the terminal and exits 143", async () => {
    const session = await openShell("tmux-256color");
    lab.send(session, [CHECK_LINE], true);
    lab.send(session, ["Enter"]);
    await lab.waitFor(session, /selected: alpha/);
    const shellPid = lab.panePid(session);
    const child = Bun.spawnSync(["pgrep", "-P", String(shellPid), "-x", "keel"])
      .stdout.toString()
      .trim();
    expect(child).toMatch(/^\d+$/);
    process.kill(Number(child), "SIGTERM");
    const after = await lab.waitFor(session, RESTORED);
    expect(after.match(RESTORED)?.[1]).toBe("143");
    expect(after).not.toContain("keel terminal check");
    lab.kill(session);
  });
});

describe("build plugin", () => {
  test("rewrites blessed's dynamic widget require into one static require per widget", () => {
    const source = readFileSync(join(REPO_ROOT, "node_modules/blessed/lib/widget.js"), "utf8");
    const out = rewriteWidgetSource(source);
    expect(out).not.toContain("require('./widgets/' + file)");
    expect(out).toContain('"list": () => require("./widgets/list")');
    expect(out).toContain('"screen": () => require("./widgets/screen")');
    expect(() => rewriteWidgetSource("module.exports = {};")).toThrow(/changed shape/);
  });
});

describe("msgpackr in a bundle", () => {
  test("the build's plugin pins msgpackr to pure JS even where the native addon is installed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keel-msgpackr-"));
    try {
      const entry = join(dir, "entry.ts");
      const msgpackr = join(REPO_ROOT, "node_modules/msgpackr/node-index.js");
      writeFileSync(
        entry,
        `import { isNativeAccelerationEnabled as n, pack, unpack } from ${JSON.stringify(msgpackr)};\n` +
          `console.log(JSON.stringify({ native: n, back: unpack(pack({ host: "db-1", port: 3306 })) }));\n`,
      );
      const bundled = await Bun.build({
        entrypoints: [entry],
        target: "bun",
        outdir: dir,
        plugins: [msgpackrPureJsPlugin],
      });
      expect(bundled.success).toBe(true);
      const r = Bun.spawnSync([process.execPath, join(dir, "entry.js")], { stdout: "pipe", stderr: "pipe" });
      expect(JSON.parse(r.stdout.toString())).toEqual({ native: false, back: { host: "db-1", port: 3306 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
