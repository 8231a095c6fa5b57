// `keel keyring`: a full rotation through the CLI, with keys only ever in 0600 files.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../../..");
const dir = mkdtempSync(join(tmpdir(), "keel-keyring-"));
const cfg = join(dir, "keel.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keel(...args: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync([join(ROOT, "node_modules/.bin/bun"), join(ROOT, "src/main.ts"), ...args]);
  return { code: r.exitCode ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
}

function listed(): { id: string; primary: boolean }[] {
  const r = keel("keyring", "list", "--config", cfg, "--json");
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { keyIdHex: string; primary: boolean }[]).map((d) => ({
    id: d.keyIdHex,
    primary: d.primary,
  }));
}

describe("keel keyring", () => {
  test("generate → install → use → remove rotates the key without printing it", () => {
    expect(keel("init", "--config", cfg).code).toBe(0);
    const [original] = listed();
    expect(original?.primary).toBe(true);

    const keyFile = join(dir, "new.key");
    const gen = keel("keyring", "generate", "--out", keyFile);
    expect(gen.code).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(keyFile, "utf8").trim();

    const inst = keel("keyring", "install", "--config", cfg, "--key-file", keyFile);
    expect(inst.code).toBe(0);
    expect(inst.out + inst.err).not.toContain(secret);
    const afterInstall = listed();
    expect(afterInstall).toHaveLength(2);
    expect(afterInstall.find((k) => k.primary)?.id).toBe(original?.id as string);
    const added = afterInstall.find((k) => !k.primary)?.id as string;

    expect(keel("keyring", "use", added, "--config", cfg).code).toBe(0);
    expect(listed().find((k) => k.primary)?.id).toBe(added);

    expect(keel("keyring", "remove", original?.id as string, "--config", cfg).code).toBe(0);
    expect(listed()).toEqual([{ id: added, primary: true }]);
    expect(statSync(cfg).mode & 0o777).toBe(0o600);
    expect(keel("config", "check", "--config", cfg).code).toBe(0);
  });

  test("removing the primary is refused with the way out", () => {
    const primary = listed().find((k) => k.primary)?.id as string;
    const r = keel("keyring", "remove", primary, "--config", cfg);
    expect(r.code).toBe(1);
    expect(r.err).toContain("(net.keyring-remove-primary)");
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });

  test("an unknown key id and a missing action are clear errors", () => {
    const r = keel("keyring", "use", "0x00zz", "--config", cfg);
    expect(r.code).toBe(1);
    expect(r.err).toContain("(keyring.no-such-key)");
    const bare = keel("keyring");
    expect(bare.code).toBe(2);
    expect(bare.err).toContain("(cli.usage)");
  });

  test("generate never overwrites an existing file", () => {
    const keyFile = join(dir, "twice.key");
    expect(keel("keyring", "generate", "--out", keyFile).code).toBe(0);
    const before = readFileSync(keyFile, "utf8");
    const again = keel("keyring", "generate", "--out", keyFile);
    expect(again.code).toBe(1);
    expect(again.err).toContain("(config.exists)");
    expect(readFileSync(keyFile, "utf8")).toBe(before);
  });
});
