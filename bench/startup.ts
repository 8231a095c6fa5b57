// Startup cost of the compiled binary: `keel version` wall time (p50/p95), binary sizes, peak RSS
// of `keel version`, and idle RSS of a live `keel tui-check` screen. Prints numbers; asserts nothing.
// Usage: bun bench/startup.ts [--runs 30]   (builds dist/keel-linux-x64 first if it is missing)
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BARE_ENV, ensureCompiledBinary, REPO_ROOT } from "../test/e2e/helpers/compiled.ts";
import { TmuxLab } from "../test/e2e/helpers/tmux.ts";

function percentile(sortedMs: number[], p: number): number {
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i] as number;
}

function timeRuns(cmd: string[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = Bun.nanoseconds();
    const r = Bun.spawnSync(cmd, { env: BARE_ENV, stdout: "ignore", stderr: "ignore" });
    const ms = (Bun.nanoseconds() - t0) / 1e6;
    if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${r.exitCode}`);
    if (i >= 3) times.push(ms); // the first runs warm the page cache
  }
  return times.sort((a, b) => a - b);
}

function report(label: string, sortedMs: number[]): void {
  const f = (n: number) => n.toFixed(1).padStart(6);
  console.log(
    `${label.padEnd(38)} p50 ${f(percentile(sortedMs, 50))} ms  p95 ${f(percentile(sortedMs, 95))} ms  ` +
      `min ${f(sortedMs[0] as number)} ms  (n=${sortedMs.length})`,
  );
}

function hyperfineMean(bin: string, runs: number): string | undefined {
  const which = Bun.spawnSync(["sh", "-c", "command -v hyperfine"], { stdout: "pipe" });
  if (which.exitCode !== 0) return undefined;
  const out = join(REPO_ROOT, "dist", ".hyperfine-startup.json");
  const r = Bun.spawnSync(
    ["hyperfine", "-N", "--warmup", "3", "--runs", String(runs), "--export-json", out, `${bin} version`],
    { stdout: "ignore", stderr: "ignore" },
  );
  if (r.exitCode !== 0 || !existsSync(out)) return undefined;
  const result = JSON.parse(readFileSync(out, "utf8")).results[0];
  Bun.spawnSync(["rm", "-f", out]);
  return `${(result.mean * 1000).toFixed(1)} ms ± ${(result.stddev * 1000).toFixed(1)} ms`;
}

function peakRssKb(cmd: string[]): number | undefined {
  if (!existsSync("/usr/bin/time")) return undefined;
  const r = Bun.spawnSync(["/usr/bin/time", "-v", ...cmd], {
    env: BARE_ENV,
    stdout: "ignore",
    stderr: "pipe",
  });
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr.toString());
  return m ? Number(m[1]) : undefined;
}

/** VmRSS of a tui-check screen sitting idle in a tmux pane. */
async function idleTuiRssKb(bin: string): Promise<number | undefined> {
  const lab = new TmuxLab("bench");
  try {
    lab.start("tui", `env -i PATH=/usr/bin:/bin TERM=xterm-256color ${bin} tui-check`, REPO_ROOT);
    await lab.waitFor("tui", /selected: alpha/);
    await Bun.sleep(500); // let the first render's garbage settle
    const status = await Bun.file(`/proc/${lab.panePid("tui")}/status`).text();
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    lab.send("tui", ["q"]);
    return m ? Number(m[1]) : undefined;
  } finally {
    lab.killServer();
  }
}

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "30" } },
});
const runs = Number(values.runs);
const bin = ensureCompiledBinary();
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

console.log(`keel startup bench (bun ${Bun.version}, ${runs} runs each)`);
for (const name of ["keel-linux-x64", "keel-linux-arm64"]) {
  const file = join(REPO_ROOT, "dist", name);
  console.log(`size ${name.padEnd(29)} ${existsSync(file) ? mb(statSync(file).size) : "(not built)"}`);
}
report("compiled `keel version`", timeRuns([bin, "version"], runs));
const hf = hyperfineMean(bin, runs);
if (hf) console.log(`${"hyperfine -N `keel version`".padEnd(38)} mean ${hf}`);
report(
  "from source `bun src/main.ts version`",
  timeRuns([process.execPath, join(REPO_ROOT, "src/main.ts"), "version"], 10),
);
const peak = peakRssKb([bin, "version"]);
console.log(
  `${"peak RSS `keel version`".padEnd(38)} ${peak === undefined ? "(no /usr/bin/time)" : `${(peak / 1024).toFixed(1)} MB`}`,
);
const idle = await idleTuiRssKb(bin);
console.log(
  `${"idle RSS `keel tui-check`".padEnd(38)} ${idle === undefined ? "(unavailable)" : `${(idle / 1024).toFixed(1)} MB`}`,
);
