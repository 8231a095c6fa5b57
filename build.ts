// Builds the release set: single-file Linux executables dist/keel-linux-{x64,arm64}, dist/install.sh
// and dist/SHA256SUMS over all of them.
// Usage: bun build.ts [--target x64|arm64|all] [--out dist]
// arm64 is best effort: when its Bun runtime can't be fetched, x64 is still built and we warn.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { blessedWidgetsPlugin } from "./build/blessed-widgets-plugin.ts";
import { msgpackrPureJsPlugin } from "./build/msgpackr-pure-js-plugin.ts";

type Arch = "x64" | "arm64";
const COMPILE_TARGET = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
const ROOT = import.meta.dir;

function gitCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT, stderr: "ignore" });
    const sha = r.stdout.toString().trim();
    return r.exitCode === 0 && sha ? sha : "unknown";
  } catch {
    return "unknown"; // no git binary
  }
}

/** Compiles one binary; returns the failure text, or undefined on success. */
async function compile(arch: Arch, outfile: string, commit: string, executablePath?: string) {
  try {
    const result = await Bun.build({
      entrypoints: [join(ROOT, "src/main.ts")],
      compile: {
        target: COMPILE_TARGET[arch],
        outfile,
        ...(executablePath ? { executablePath } : {}),
        // An HA agent must behave the same whatever directory it is started from.
        autoloadDotenv: false,
        autoloadBunfig: false,
      },
      format: "esm", // --bytecode with top-level await needs ESM
      minify: true,
      bytecode: true,
      define: { KEEL_BUILD_COMMIT: JSON.stringify(commit) },
      plugins: [blessedWidgetsPlugin, msgpackrPureJsPlugin],
      // Only blessed's Terminal widget needs these; keel never creates one.
      external: ["pty.js", "term.js"],
    });
    return result.success ? undefined : result.logs.map(String).join("\n");
  } catch (e) {
    const logs = (e as { errors?: unknown[] }).errors;
    return Array.isArray(logs) && logs.length > 0 ? logs.map(String).join("\n") : String(e);
  }
}

/** Offline fallback: the aarch64 Bun runtime from the npm registry's package (or npm's cache). */
function npmPackArm64Runtime(): string | undefined {
  const dir = join(ROOT, "node_modules/.cache/keel-build", `bun-linux-aarch64-${Bun.version}`);
  const bin = join(dir, "package/bin/bun");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const spec = `@oven/bun-linux-aarch64@${Bun.version}`;
  const pack = Bun.spawnSync(
    ["npm", "pack", spec, "--prefer-offline", "--silent", "--pack-destination", dir],
    {
      stderr: "pipe",
    },
  );
  const tarball = pack.stdout.toString().trim().split("\n").pop();
  if (pack.exitCode !== 0 || !tarball) return undefined;
  const untar = Bun.spawnSync(["tar", "-xzf", join(dir, tarball), "-C", dir], { stderr: "pipe" });
  rmSync(join(dir, tarball), { force: true });
  return untar.exitCode === 0 && existsSync(bin) ? bin : undefined;
}

async function buildArm64(outfile: string, commit: string): Promise<boolean> {
  const first = await compile("arm64", outfile, commit);
  if (first === undefined) return true;
  console.error(`arm64: Bun could not fetch its aarch64 runtime (${first.split("\n")[0]}); trying npm pack`);
  const runtime = npmPackArm64Runtime();
  const second = runtime ? await compile("arm64", outfile, commit, runtime) : "npm pack failed";
  if (second === undefined) return true;
  console.error(
    `WARNING: keel-linux-arm64 was NOT built (${second.split("\n")[0]}). ` +
      `Fix: run the build once with network access, or copy ~/.bun/install/cache from a machine that has it.`,
  );
  rmSync(outfile, { force: true }); // never ship a stale arm64 binary next to a fresh x64 one
  return false;
}

async function sha256Hex(file: string): Promise<string> {
  return createHash("sha256")
    .update(new Uint8Array(await Bun.file(file).arrayBuffer()))
    .digest("hex");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { target: { type: "string", default: "all" }, out: { type: "string", default: "dist" } },
  });
  const target = values.target as string;
  if (!["x64", "arm64", "all"].includes(target)) {
    console.error(`build: unknown --target ${target}; fix: use x64, arm64 or all`);
    return 2;
  }
  const outDir = resolve(ROOT, values.out as string);
  mkdirSync(outDir, { recursive: true });
  const commit = gitCommit();
  const built: string[] = [];

  if (target !== "arm64") {
    const t0 = Bun.nanoseconds();
    const failure = await compile("x64", join(outDir, "keel-linux-x64"), commit);
    if (failure !== undefined) {
      console.error(`build: keel-linux-x64 failed:\n${failure}`);
      return 1;
    }
    built.push("keel-linux-x64");
    console.error(
      `built keel-linux-x64 (commit ${commit}) in ${((Bun.nanoseconds() - t0) / 1e9).toFixed(1)} s`,
    );
  }
  if (target !== "x64") {
    const ok = await buildArm64(join(outDir, "keel-linux-arm64"), commit);
    if (ok) built.push("keel-linux-arm64");
    else if (target === "arm64") return 1;
    if (ok) console.error(`built keel-linux-arm64 (commit ${commit})`);
  }

  // The installer ships beside the binaries it verifies: one release set to publish.
  await Bun.write(join(outDir, "install.sh"), Bun.file(join(ROOT, "install.sh")));
  chmodSync(join(outDir, "install.sh"), 0o755);
  built.push("install.sh");

  const lines = await Promise.all(
    built.map(async (name) => `${await sha256Hex(join(outDir, name))}  ${name}`),
  );
  await Bun.write(join(outDir, "SHA256SUMS"), `${lines.join("\n")}\n`);
  console.error(`wrote ${join(values.out as string, "SHA256SUMS")} (${built.join(", ")})`);
  return 0;
}

process.exitCode = await main();
