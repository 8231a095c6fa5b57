// `keel demo` end to end with the COMPILED binary (built privately: others may rebuild dist/):
// --headless --failover prints the topology three times around a kill -9 of the primary's mysqld,
// a replica takes over with no acknowledged write lost, the old primary rejoins; in tmux the
// console opens on the topology, K + y kills the primary and a new one appears, R + y brings the
// old one back as a replica, q quits. Afterwards no mariadbd or keel process of the demo is left.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { teardownSandboxSync } from "../../src/sandbox/teardown-sync.ts";
import { REPO_ROOT } from "./helpers/compiled.ts";
import { TmuxLab } from "./helpers/tmux.ts";

const HEADLESS_BASE = 22100;
const TUI_BASE = 22150;
const ENV = { PATH: "/usr/bin:/bin" };

let binDir = "";
let bin = "";
const leftDirs: string[] = [];

/** mariadbd and keel processes whose command line mentions `dir` (--defaults-file, --config). */
function processesUsing(dir: string): string[] {
  const r = Bun.spawnSync(["pgrep", "-af", dir], { stdout: "pipe" });
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => /^\d+ \S*(mariadbd|keel-linux-x64) /.test(l));
}

/** The text of each "== topology (<title>)" section, in order. */
function sections(stdout: string): { title: string; lines: string[] }[] {
  const out: { title: string; lines: string[] }[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^== topology \((.+)\)$/.exec(line);
    if (m) out.push({ title: m[1] as string, lines: [] });
    else if (out.length > 0 && /^(\+ )?127\.0\.0\.1:\d+ /.test(line.trimStart()))
      out.at(-1)?.lines.push(line);
  }
  return out;
}

beforeAll(() => {
  binDir = mkdtempSync(join(tmpdir(), "keel-demo-bin-"));
  const r = Bun.spawnSync(
    [join(REPO_ROOT, "node_modules/.bin/bun"), "build.ts", "--target", "x64", "--out", binDir],
    {
      cwd: REPO_ROOT,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if (r.exitCode !== 0) throw new Error(`build failed: ${r.stderr.toString()}`);
  bin = join(binDir, "keel-linux-x64");
}, 60_000);

afterAll(() => {
  // Only after a failed assertion could anything be left; the demo cleans up after itself.
  for (const dir of leftDirs) {
    teardownSandboxSync(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  rmSync(binDir, { recursive: true, force: true });
}, 30_000);

describe("keel demo --headless --failover (compiled)", () => {
  test("three topologies: ready, a replica promoted with nothing lost, the old primary rejoined", async () => {
    const p = Bun.spawn([bin, "demo", "--headless", "--failover", "--base-port", String(HEADLESS_BASE)], {
      cwd: tmpdir(),
      env: ENV,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ]);
    const dir = /in (\/\S+keel-demo-\w+)$/m.exec(stdout)?.[1] ?? "";
    leftDirs.push(dir);
    if (exitCode !== 0) console.error(stdout, stderr);
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    expect(dir).not.toBe("");

    const [ready, failedOver, rejoined] = sections(stdout);
    expect(sections(stdout).map((s) => s.title)).toEqual(["ready", "after the failover", "after the rejoin"]);
    const old = `127.0.0.1:${HEADLESS_BASE}`;
    expect(ready?.lines[0]).toMatch(new RegExp(`^${old} +\\[\\d+s,ok,[^\\]]*,rw,`));
    expect(ready?.lines.filter((l) => /^\+ 127\.0\.0\.1:\d+ \[[^\]]*,ok,[^\]]*,ro,/.test(l))).toHaveLength(2);

    const promoted = /new primary 127\.0\.0\.1:(\d+) \(db\d\), writable ([\d.]+) s after the kill/.exec(
      stdout,
    );
    const newPort = Number(promoted?.[1]);
    expect([HEADLESS_BASE + 1, HEADLESS_BASE + 2]).toContain(newPort);
    expect(stdout).toMatch(/acknowledged writes lost: 0 \(of [1-9]\d* acknowledged\)/);
    const newKey = `127.0.0.1:${newPort}`;
    expect(failedOver?.lines[0]).toMatch(new RegExp(`^${newKey} +\\[[^\\]]*,ok,[^\\]]*,rw,`));

    // The old primary is back, read-only, under the new one.
    expect(stdout).toContain(`${old} rejoined as a read-only replica of ${newKey}`);
    expect(rejoined?.lines[0]).toMatch(new RegExp(`^${newKey} +\\[`));
    expect(rejoined?.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^\\+ ${old} \\[[^\\]]*,ok,[^\\]]*,ro,`)),
    );

    expect(stdout.trimEnd().split("\n").at(-1)).toBe("keel demo: stopping the servers and agents");
    expect(processesUsing(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  }, 90_000);
});

describe("keel demo in tmux (compiled)", () => {
  const lab = new TmuxLab("demo");
  const dir = join(tmpdir(), `keel-demo-e2e-${process.pid}`);
  const S = "demo";
  const primaryLine = (port: number) => new RegExp(`^127\\.0\\.0\\.1:${port} +\\[\\d+s,ok,[^\\]]*,rw,`, "m");

  afterAll(() => lab.killServer());

  test("the console opens on the topology; K kills the primary, R brings it back, q stops everything", async () => {
    leftDirs.push(dir);
    const cmd = `env -i PATH=/usr/bin:/bin TERM=xterm-256color ${bin} demo --dir ${dir} --base-port ${TUI_BASE}`;
    lab.start(S, `sh -c '${cmd}; echo "DEMO EXITED rc=$?"; sleep 600'`, tmpdir());
    const opened = await lab.waitFor(S, primaryLine(TUI_BASE), 30_000);
    expect(opened).toMatch(/^\+ 127\.0\.0\.1:22151 \[/m);
    expect(opened).toMatch(/^K kill primary {2}R restart old primary/m);

    lab.send(S, ["K"]);
    await lab.waitFor(S, /kill the mysqld of 127\.0\.0\.1:22150[\s\S]*\[y\/N\]/);
    lab.send(S, ["y"]);
    const after = await lab.waitFor(
      S,
      (s) => primaryLine(TUI_BASE + 1).test(s) || primaryLine(TUI_BASE + 2).test(s),
      30_000,
    );
    expect(after).toMatch(/127\.0\.0\.1:22150 +\[[^\]]*unreachable/);

    lab.send(S, ["R"]);
    await lab.waitFor(S, /restart the mysqld of 127\.0\.0\.1:22150[\s\S]*\[y\/N\]/);
    lab.send(S, ["y"]);
    await lab.waitFor(S, /^\+ 127\.0\.0\.1:22150 \[[^\]]*,ok,[^\]]*,ro,/m, 30_000);

    lab.send(S, ["q"]);
    await lab.waitFor(S, /DEMO EXITED rc=0/, 30_000);
    expect(processesUsing(dir)).toEqual([]);
    expect(existsSync(join(dir, "sandbox.json"))).toBe(false);
  }, 90_000);
});
