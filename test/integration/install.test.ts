// install.sh against a dist/ served over HTTP on 127.0.0.1, into temp prefixes; run under dash.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCompiledBinary } from "../e2e/helpers/compiled.ts";

const ROOT = join(import.meta.dir, "../..");
const INSTALL = join(ROOT, "install.sh");
const ASSET = "keel-linux-x64";

let work = "";
let served = ""; // the directory the HTTP server serves
let server: ReturnType<typeof Bun.serve> | undefined;
let baseUrl = "";

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function writeSums(dir: string): void {
  writeFileSync(join(dir, "SHA256SUMS"), `${sha256(join(dir, ASSET))}  ${ASSET}\n`);
}

// Async: the HTTP server lives in this process, so a blocking spawn would deadlock the download.
async function runInstall(args: string[], shell = "dash"): Promise<{ code: number; out: string }> {
  const p = Bun.spawn([shell, INSTALL, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, errText, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out: out + errText };
}

function target(name: string): { prefix: string; config: string; data: string; args: string[] } {
  const base = join(work, name);
  const prefix = join(base, "prefix");
  const config = join(base, "etc");
  const data = join(base, "data");
  return {
    prefix,
    config,
    data,
    args: ["--prefix", prefix, "--config-dir", config, "--data-dir", data, "--no-systemd"],
  };
}

beforeAll(async () => {
  const binary = await ensureCompiledBinary();
  work = mkdtempSync(join(tmpdir(), "keel-install-"));
  served = join(work, "served");
  Bun.spawnSync(["mkdir", "-p", served]);
  copyFileSync(binary, join(served, ASSET));
  writeSums(served);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const name = new URL(req.url).pathname.replace(/^\/+/, "");
      const p = join(served, name);
      if (!/^[A-Za-z0-9._-]+$/.test(name) || !existsSync(p))
        return new Response("not found", { status: 404 });
      return new Response(Bun.file(p));
    },
  });
  baseUrl = `http://127.0.0.1:${server.port}`;
}, 120_000);

afterAll(() => {
  server?.stop(true);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("install.sh", () => {
  test("is shellcheck-clean POSIX sh", async () => {
    const r = Bun.spawnSync(["shellcheck", "-s", "sh", INSTALL]);
    expect(r.stdout.toString() + r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("installs from a base URL under dash: binary runs, config 0600 written once", async () => {
    const t = target("fresh");
    const r = await runInstall([...t.args, "--base-url", baseUrl]);
    expect(r.out).toContain("installed");
    expect(r.code).toBe(0);
    const v = Bun.spawnSync([join(t.prefix, "bin/keel"), "version"]);
    expect(v.stdout.toString()).toMatch(/^keel \d+\.\d+\.\d+ \(commit /);
    const cfg = join(t.config, "keel.json");
    expect(statSync(cfg).mode & 0o777).toBe(0o600);
    const before = readFileSync(cfg, "utf8");
    const again = await runInstall([...t.args, "--base-url", baseUrl], "bash");
    expect(again.code).toBe(0);
    expect(again.out).toContain("kept existing");
    expect(readFileSync(cfg, "utf8")).toBe(before);
  });

  test("a tampered binary is refused and nothing is installed", async () => {
    const bad = join(work, "bad");
    Bun.spawnSync(["mkdir", "-p", bad]);
    copyFileSync(join(served, ASSET), join(bad, ASSET));
    copyFileSync(join(served, "SHA256SUMS"), join(bad, "SHA256SUMS"));
    const bytes = readFileSync(join(bad, ASSET));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(join(bad, ASSET), bytes);
    const t = target("tampered");
    const r = await runInstall([...t.args, "--binary", join(bad, ASSET)]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("checksum mismatch");
    expect(existsSync(join(t.prefix, "bin/keel"))).toBe(false);
    expect(existsSync(join(t.config, "keel.json"))).toBe(false);
  });

  test("a tampered checksum file is refused", async () => {
    const t = target("badsums");
    const sums = join(work, "bad-sums");
    writeFileSync(sums, `${"0".repeat(64)}  ${ASSET}\n`);
    const r = await runInstall([...t.args, "--base-url", baseUrl, "--sums", sums]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("checksum mismatch");
    expect(existsSync(join(t.prefix, "bin/keel"))).toBe(false);
  });

  test("--binary works offline, and a re-run upgrades in place", async () => {
    const old = join(work, "old");
    Bun.spawnSync(["mkdir", "-p", old]);
    writeFileSync(
      join(old, ASSET),
      '#!/bin/sh\ncase "$1" in version) echo "keel 0.0.1 (commit old)";; init) echo {} > "$3";; esac\n',
    );
    chmodSync(join(old, ASSET), 0o755);
    writeSums(old);
    const t = target("upgrade");
    const first = await runInstall([
      ...t.args,
      "--binary",
      join(old, ASSET),
      "--base-url",
      "http://127.0.0.1:9",
    ]);
    expect(first.code).toBe(0);
    expect(Bun.spawnSync([join(t.prefix, "bin/keel"), "version"]).stdout.toString()).toContain("0.0.1");
    const second = await runInstall([...t.args, "--binary", join(served, ASSET)]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("upgraded");
    expect(sha256(join(t.prefix, "bin/keel"))).toBe(sha256(join(served, ASSET)));
  });

  test("the systemd unit is hardened and runs the agent", async () => {
    const t = target("unit");
    const units = join(work, "unit", "systemd");
    const args = t.args.filter((a) => a !== "--no-systemd");
    const r = await runInstall([...args, "--systemd", "--unit-dir", units, "--binary", join(served, ASSET)]);
    expect(r.code).toBe(0);
    const unit = readFileSync(join(units, "keel-agent.service"), "utf8");
    expect(unit).toContain(
      `ExecStart=${join(t.prefix, "bin/keel")} agent --config ${join(t.config, "keel.json")}`,
    );
    for (const line of ["Restart=always", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes"])
      expect(unit).toContain(line);
  });

  test("--uninstall keeps config and data; --purge removes them", async () => {
    const t = target("remove");
    expect((await runInstall([...t.args, "--binary", join(served, ASSET)])).code).toBe(0);
    Bun.spawnSync(["mkdir", "-p", t.data]);
    const u = await runInstall([...t.args, "--uninstall"]);
    expect(u.code).toBe(0);
    expect(existsSync(join(t.prefix, "bin/keel"))).toBe(false);
    expect(existsSync(join(t.config, "keel.json"))).toBe(true);
    expect(existsSync(t.data)).toBe(true);
    expect((await runInstall([...t.args, "--uninstall", "--purge"])).code).toBe(0);
    expect(existsSync(t.config)).toBe(false);
    expect(existsSync(t.data)).toBe(false);
  });

  test("the release set: build.ts ships install.sh beside the binaries, all in SHA256SUMS", () => {
    const dist = join(ROOT, "dist");
    expect(readFileSync(join(dist, "install.sh"), "utf8")).toBe(readFileSync(INSTALL, "utf8"));
    const sums = readFileSync(join(dist, "SHA256SUMS"), "utf8");
    expect(sums).toContain(`${sha256(join(dist, "install.sh"))}  install.sh`);
    expect(sums).toContain(`${sha256(join(dist, ASSET))}  ${ASSET}`);
  });

  test("bad input gets a one-line error naming the fix", async () => {
    const r = await runInstall(["--frobnicate"]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("unknown option '--frobnicate'");
    const t = target("nofile");
    const m = await runInstall([...t.args, "--binary", join(work, "missing")]);
    expect(m.out).toContain("no such file");
  });
});
