// Finds (or builds once) the compiled keel binary and runs it the way a user on another machine
// would: copied out of the repo, started from a directory with no node_modules above it.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dir, "../../..");
export const DIST_X64 = join(REPO_ROOT, "dist/keel-linux-x64");
/** Plain environment for the binary: no TERM, HOME, NODE_PATH or anything else from the test run. */
export const BARE_ENV = { PATH: "/usr/bin:/bin" };

/** The test command builds before `bun test`; build here only when the binary is missing. */
export function ensureCompiledBinary(): string {
  if (existsSync(DIST_X64)) return DIST_X64;
  const r = Bun.spawnSync(["node_modules/.bin/bun", "build.ts", "--target", "x64"], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0 || !existsSync(DIST_X64)) {
    throw new Error(`build.ts failed (exit ${r.exitCode}):\n${r.stderr.toString()}`);
  }
  return DIST_X64;
}

export interface StagedBinary {
  dir: string;
  bin: string;
  remove(): void;
}

/** Copies the binary into a fresh temp dir outside the repo. */
export function stageBinary(source: string): StagedBinary {
  const dir = mkdtempSync(join(tmpdir(), "keel-e2e-"));
  const bin = join(dir, "keel");
  copyFileSync(source, bin);
  chmodSync(bin, 0o755);
  return { dir, bin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runBinary(
  bin: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = BARE_ENV,
): RunResult {
  const r = Bun.spawnSync([bin, ...args], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/**
 * A compiled binary bakes the build machine's node_modules paths in, so on this machine a file
 * read through them would still succeed. When we may (root, util-linux unshare), each run gets a
 * private mount namespace with an empty tmpfs over the repo's node_modules, as on a user's host.
 */
export function canHideNodeModules(): boolean {
  const r = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "true"], { stderr: "ignore" });
  return r.exitCode === 0;
}
