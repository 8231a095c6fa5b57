// The demo needs a MariaDB server binary. When it is missing, root gets it installed from the
// distribution (after being told so); anyone else is told the exact command and nothing is run.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { DEMO_INSTALL_TIMEOUT_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";

export const MARIADB_PACKAGE = "mariadb-server";
export const INSTALL_COMMAND = `apt-get install -y ${MARIADB_PACKAGE}`;

export type DemoMariadbError =
  | { code: "demo.mariadbd-missing"; path: string; command: string }
  | { code: "demo.install-failed"; path: string; command: string; detail: string };

export interface MariadbInstallDeps {
  isExecutable(path: string): boolean;
  isRoot(): boolean;
  /** Runs argv to completion, output to the user's terminal; resolves with a failure text or null. */
  run(argv: readonly string[], env: Record<string, string | undefined>): string | null;
  say(text: string): void;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runToTerminal(argv: readonly string[], env: Record<string, string | undefined>): string | null {
  const [exe, ...args] = argv;
  // stdout to our stderr: the demo's stdout carries only its report (topologies, timings).
  const r = spawnSync(exe as string, args, {
    stdio: ["ignore", 2, 2],
    env: { ...process.env, ...env },
    timeout: DEMO_INSTALL_TIMEOUT_MS,
  });
  if (r.error) return r.error.message;
  if (r.status !== 0) return `${argv.join(" ")} exited with ${r.status ?? r.signal}`;
  return null;
}

export const realInstallDeps = (say: (text: string) => void): MariadbInstallDeps => ({
  isExecutable,
  isRoot: () => process.getuid?.() === 0,
  run: runToTerminal,
  say,
});

/** Ok when `path` is an executable mariadbd, installing it first when we are root. */
export function ensureMariadbd(path: string, deps: MariadbInstallDeps): Result<void, DemoMariadbError> {
  if (deps.isExecutable(path)) return ok(undefined);
  if (!deps.isRoot()) return err({ code: "demo.mariadbd-missing", path, command: `sudo ${INSTALL_COMMAND}` });
  deps.say(`keel demo: ${path} is missing; installing it with '${INSTALL_COMMAND}' (you are root)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const failed =
    deps.run(["apt-get", "update", "-qq"], env) ??
    deps.run(["apt-get", "install", "-y", MARIADB_PACKAGE], env);
  if (failed !== null)
    return err({ code: "demo.install-failed", path, command: INSTALL_COMMAND, detail: failed });
  if (!deps.isExecutable(path))
    return err({
      code: "demo.install-failed",
      path,
      command: INSTALL_COMMAND,
      detail: `the package installed, but ${path} is still not there`,
    });
  return ok(undefined);
}
