// Running `ip` and `nft` for the lab: async for normal work, sync for exit handlers, and the
// preflight that refuses to run (with the reason) where namespaces can't be made.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface CommandOutcome {
  ok: boolean;
  exitCode: number | null;
  output: string;
}

const OUTPUT_KEEP_CHARS = 4_096;

export function runCommand(cmd: string, args: readonly string[], input?: string): Promise<CommandOutcome> {
  return new Promise((done) => {
    const child = spawn(cmd, [...args], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEEP_CHARS);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (e) => done({ ok: false, exitCode: null, output: e.message }));
    child.on("close", (code) => done({ ok: code === 0, exitCode: code, output: output.trim() }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

export function runCommandSync(cmd: string, args: readonly string[], input?: string): CommandOutcome {
  const r = spawnSync(cmd, [...args], { input: input ?? "", encoding: "utf8", timeout: 10_000 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().slice(-OUTPUT_KEEP_CHARS);
  return { ok: r.status === 0, exitCode: r.status, output: r.error ? r.error.message : output };
}

/** Runs a command and throws with its output if it fails: for lab setup, where any failure is fatal. */
export async function mustRun(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runCommand(cmd, args, input);
  if (!r.ok) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.exitCode}): ${r.output}`);
  return r.output;
}

export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ["netns", "exec", netns, ...argv];
}

/** Why this machine can't host a lab, or null when it can. */
export function labUnavailableReason(): string | null {
  if (process.platform !== "linux") return "chaos labs need Linux network namespaces";
  if (process.getuid?.() !== 0)
    return "chaos labs create network namespaces and need root; run the chaos tests as root (CI does)";
  const ipNetns = runCommandSync("ip", ["netns", "list"]);
  if (!ipNetns.ok)
    return `\`ip netns\` is not usable here (${ipNetns.output || "not installed"}); install iproute2`;
  const nft = runCommandSync("nft", ["--version"]);
  if (!nft.ok) return `\`nft\` is not usable here (${nft.output || "not installed"}); install nftables`;
  return null;
}

export function listNetns(): string[] {
  const r = runCommandSync("ip", ["netns", "list"]);
  if (!r.ok) return [];
  return r.output
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n !== "");
}

/** Interface names in the root namespace (veth names without their "@peer" suffix). */
export function listLinks(): string[] {
  const r = runCommandSync("ip", ["-o", "link", "show"]);
  if (!r.ok) return [];
  const names: string[] = [];
  for (const line of r.output.split("\n")) {
    const m = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

/** Pids of every process inside a namespace. */
export function netnsPids(netns: string): number[] {
  const r = runCommandSync("ip", ["netns", "pids", netns]);
  if (!r.ok) return [];
  return r.output
    .split("\n")
    .map((l) => Number.parseInt(l.trim(), 10))
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** The /24 routes in the root namespace, e.g. "10.213.0.0/24": a lab subnet must not clash with any. */
export function routedPrefixes(): string[] {
  const r = runCommandSync("ip", ["-4", "route", "show"]);
  if (!r.ok) return [];
  return r.output
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((d) => d !== "" && d !== "default");
}

/**
 * True while the process exists and is not a zombie. Our own killed children stay zombies until
 * the event loop reaps them, which a synchronous teardown never lets happen.
 */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
