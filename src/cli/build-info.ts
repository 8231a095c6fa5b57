// Build identity. build.ts defines KEEL_BUILD_COMMIT at compile time; from source we ask git.
import pkg from "../../package.json" with { type: "json" };

declare const KEEL_BUILD_COMMIT: string | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
  bunVersion: string;
  compiled: boolean;
}

function sourceCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], {
      cwd: import.meta.dir,
      stderr: "ignore",
    });
    const s = r.stdout.toString().trim();
    return r.exitCode === 0 && s ? `${s}-dev` : "unknown";
  } catch {
    return "unknown";
  }
}

export function buildInfo(): BuildInfo {
  const compiled = typeof KEEL_BUILD_COMMIT === "string";
  return {
    version: pkg.version,
    commit: compiled ? (KEEL_BUILD_COMMIT as string) : sourceCommit(),
    bunVersion: Bun.version,
    compiled,
  };
}
