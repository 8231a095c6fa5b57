// One initialised datadir (system tables + keel's users), built once per mariadbd binary and
// copied for every instance: mariadb-install-db per instance would dominate `sandbox up`.
// The users are created in bootstrap mode, before any binlog exists, so every instance starts
// with an empty, identical GTID state (the same effect as CREATE USER under sql_log_bin=0).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import { SANDBOX_ADMIN, SANDBOX_REPL, type SandboxError } from "./sandbox-types.ts";
import { lastLines } from "./server-process.ts";

const MARKER = "keel-template.ok";
/** Bump when the template's contents change, so a cached older template is not reused. */
const TEMPLATE_FORMAT = 2;
const OUTPUT_TAIL_LINES = 8;

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Bootstrap mode starts without grant tables; FLUSH PRIVILEGES loads them so CREATE USER works. */
export function bootstrapUsersSql(): string {
  const admin = quote(SANDBOX_ADMIN.user);
  const repl = quote(SANDBOX_REPL.user);
  return [
    "FLUSH PRIVILEGES;",
    // Hostname-based accounts only produce warnings under skip-name-resolve; nothing uses them.
    "DELETE FROM mysql.global_priv WHERE Host NOT IN ('localhost', '127.0.0.1', '::1') OR User = '';",
    "DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '127.0.0.1', '::1');",
    "FLUSH PRIVILEGES;",
    `CREATE USER ${admin}@'127.0.0.1' IDENTIFIED BY ${quote(SANDBOX_ADMIN.password)};`,
    `GRANT ALL PRIVILEGES ON *.* TO ${admin}@'127.0.0.1' WITH GRANT OPTION;`,
    `CREATE USER ${admin}@'localhost' IDENTIFIED BY ${quote(SANDBOX_ADMIN.password)};`,
    `GRANT ALL PRIVILEGES ON *.* TO ${admin}@'localhost' WITH GRANT OPTION;`,
    `CREATE USER ${repl}@'127.0.0.1' IDENTIFIED BY ${quote(SANDBOX_REPL.password)};`,
    `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${repl}@'127.0.0.1';`,
    "",
  ].join("\n");
}

interface RunOutcome {
  exitCode: number | null;
  outputTail: string[];
}

function runToEnd(cmd: string, args: string[], stdin: string): Promise<RunOutcome> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-16_384);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (e) => done({ exitCode: null, outputTail: [e.message] }));
    child.on("close", (code) => done({ exitCode: code, outputTail: lastLines(output, OUTPUT_TAIL_LINES) }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(stdin);
  });
}

function installDbOf(mariadbd: string): string {
  const sibling = join(dirname(dirname(mariadbd)), "bin", "mariadb-install-db");
  return existsSync(sibling) ? sibling : "/usr/bin/mariadb-install-db";
}

function templateDirOf(mariadbd: string): string {
  const st = statSync(mariadbd);
  return join(tmpdir(), `keel-sandbox-template-v${TEMPLATE_FORMAT}-${st.size}-${Math.floor(st.mtimeMs)}`);
}

async function buildTemplate(mariadbd: string, buildDir: string): Promise<Result<void, SandboxError>> {
  const datadir = join(buildDir, "data");
  mkdirSync(buildDir, { recursive: true });
  const asRoot = process.getuid?.() === 0 ? ["--user=root"] : [];
  const install = await runToEnd(
    installDbOf(mariadbd),
    [
      "--no-defaults",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      `--datadir=${datadir}`,
      ...asRoot,
      // Must match renderMyCnf, so the first real start does not resize the redo log.
      "--innodb-log-file-size=8M",
      "--innodb-buffer-pool-size=32M",
    ],
    "",
  );
  if (install.exitCode !== 0)
    return err({
      code: "sandbox.install-failed",
      detail: "mariadb-install-db failed",
      logTail: install.outputTail,
    });
  const boot = await runToEnd(
    mariadbd,
    ["--no-defaults", "--bootstrap", `--datadir=${datadir}`, "--innodb-log-file-size=8M", ...asRoot],
    bootstrapUsersSql(),
  );
  if (boot.exitCode !== 0)
    return err({
      code: "sandbox.install-failed",
      detail: "creating keel's users failed",
      logTail: boot.outputTail,
    });
  writeFileSync(join(buildDir, MARKER), `${new Date().toISOString()}\n`);
  return ok(undefined);
}

/** The template datadir for this mariadbd, building it on first use. Safe under concurrent callers. */
export async function ensureTemplate(mariadbd: string): Promise<Result<string, SandboxError>> {
  const dir = templateDirOf(mariadbd);
  if (existsSync(join(dir, MARKER))) return ok(join(dir, "data"));
  const buildDir = `${dir}.build-${process.pid}-${Math.floor(performance.now())}`;
  try {
    const built = await buildTemplate(mariadbd, buildDir);
    if (!built.ok) return built;
    try {
      renameSync(buildDir, dir);
    } catch (e) {
      // Another process finished first; its template is as good as ours.
      if (!existsSync(join(dir, MARKER))) throw e;
    }
    return ok(join(dir, "data"));
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path: dir, detail: (e as Error).message });
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

export function copyTemplate(templateDatadir: string, datadir: string): Result<void, SandboxError> {
  try {
    mkdirSync(dirname(datadir), { recursive: true });
    cpSync(templateDatadir, datadir, { recursive: true });
    return ok(undefined);
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path: datadir, detail: (e as Error).message });
  }
}
