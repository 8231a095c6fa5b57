import { describe, expect, test } from "bun:test";
import { type ConfigFile, memoryConfigFs } from "../../../src/config/config-fs.ts";
import { DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from "../../../src/config/load.ts";
import { CONFIG_FILE_BYTES_MAX } from "../../../src/lib/limits.ts";
import { codesAt, fixtureText, KEY_A, KEY_B, validRaw } from "./helpers.ts";

const CFG = "/etc/keel/keel.json";

function load(files: Record<string, string | ConfigFile>) {
  return loadConfig(CFG, {}, memoryConfigFs(files));
}

function withFile(raw: Record<string, unknown>, mode = 0o600): ConfigFile {
  return { text: JSON.stringify(raw), mode };
}

function noInlineSecrets(): Record<string, unknown> {
  const raw = validRaw();
  raw.keyring = null;
  raw.keyring_file = "/etc/keel/keyring.json";
  raw.mysql = { password_file: "/etc/keel/mysql.pw" };
  return raw;
}

describe("resolveConfigPath", () => {
  test("--config wins over $KEEL_CONFIG, which wins over the default; empty counts as unset", () => {
    expect(resolveConfigPath("/a.json", { KEEL_CONFIG: "/b.json" })).toBe("/a.json");
    expect(resolveConfigPath(undefined, { KEEL_CONFIG: "/b.json" })).toBe("/b.json");
    expect(resolveConfigPath(undefined, {})).toBe(DEFAULT_CONFIG_PATH);
    expect(resolveConfigPath("", { KEEL_CONFIG: "" })).toBe(DEFAULT_CONFIG_PATH);
  });

  test("loadConfig reads the file named by the environment when no flag is given", () => {
    const r = loadConfig(
      undefined,
      { KEEL_CONFIG: "/srv/k.json" },
      memoryConfigFs({ "/srv/k.json": withFile(validRaw()) }),
    );
    expect(r.ok && r.value.config.sourcePath).toBe("/srv/k.json");
  });
});

describe("loadConfig: file-level problems", () => {
  test("not-found names the file", () => {
    const r = load({});
    expect(!r.ok && r.error).toEqual([
      expect.objectContaining({ code: "config.not-found", path: "$", file: CFG }),
    ]);
  });

  test("unreadable: a file over the size limit", () => {
    const r = load({ [CFG]: " ".repeat(CONFIG_FILE_BYTES_MAX + 1) });
    expect(!r.ok && codesAt(r.error)).toEqual(["config.unreadable $"]);
  });

  test("bad-json reports line and column", () => {
    const r = load({ [CFG]: fixtureText("missing-comma.json") });
    expect(!r.ok && r.error[0]).toMatchObject({ code: "config.bad-json", line: 4, column: 3 });
  });
});

describe("loadConfig: password and keyring files", () => {
  test("a password file loses exactly one trailing newline", () => {
    for (const [text, password] of [
      ["pw\n", "pw"],
      ["pw\r\n", "pw"],
      ["pw\n\n", "pw\n"],
      ["pw", "pw"],
      [" pw ", " pw "],
    ]) {
      const r = load({
        [CFG]: withFile(noInlineSecrets()),
        "/etc/keel/mysql.pw": text as string,
        "/etc/keel/keyring.json": fixtureText("keyring.json"),
      });
      expect(r.ok && r.value.config.mysql?.password?.reveal()).toBe(password as string);
    }
  });

  test("an empty or missing password file is an error that never shows contents", () => {
    const empty = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/mysql.pw": "\n",
      "/etc/keel/keyring.json": fixtureText("keyring.json"),
    });
    expect(!empty.ok && codesAt(empty.error)).toEqual(["config.invalid-value $.mysql.password_file"]);
    const missing = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/keyring.json": fixtureText("keyring.json"),
    });
    expect(!missing.ok && codesAt(missing.error)).toEqual(["config.not-found $.mysql.password_file"]);
  });

  test("a password or keyring file that is not 0600/0400 is a warning, not an error", () => {
    for (const mode of [0o600, 0o400]) {
      const r = load({
        [CFG]: withFile(noInlineSecrets()),
        "/etc/keel/mysql.pw": { text: "pw", mode },
        "/etc/keel/keyring.json": fixtureText("keyring.json"),
      });
      expect(r.ok && r.value.warnings).toEqual([]);
    }
    const r = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/mysql.pw": { text: "s3cr3t-value", mode: 0o644 },
      "/etc/keel/keyring.json": { text: fixtureText("keyring.json"), mode: 0o640 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(codesAt(r.value.warnings).sort()).toEqual([
      "config.loose-permissions $.keyring_file",
      "config.loose-permissions $.mysql.password_file",
    ]);
    expect(r.value.warnings.map((w) => w.fix).sort()).toEqual([
      "chmod 600 /etc/keel/keyring.json",
      "chmod 600 /etc/keel/mysql.pw",
    ]);
    expect(JSON.stringify(r.value.warnings)).not.toContain("s3cr3t-value");
  });

  test("a keyring file supplies the keyring; its own problems name that file", () => {
    const good = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/mysql.pw": "pw",
      "/etc/keel/keyring.json": fixtureText("keyring.json"),
    });
    expect(good.ok).toBe(true);
    if (good.ok) {
      expect(good.value.config.keyring.primary.reveal()).toBe(KEY_B);
      expect(good.value.config.keyring.keys.map((k) => k.reveal())).toEqual([KEY_A, KEY_B]);
      expect(good.value.config.keyring.file).toBe("/etc/keel/keyring.json");
    }
    const bad = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/mysql.pw": "pw",
      "/etc/keel/keyring.json": JSON.stringify({ primary: KEY_B, keys: [KEY_A], extra: 1 }),
    });
    expect(!bad.ok && bad.error.map((i) => `${i.file} ${i.role} ${i.code} ${i.path}`)).toEqual([
      "/etc/keel/keyring.json referenced config.unknown-key $.extra",
      "/etc/keel/keyring.json referenced config.conflict $.primary",
    ]);
    const broken = load({
      [CFG]: withFile(noInlineSecrets()),
      "/etc/keel/mysql.pw": "pw",
      "/etc/keel/keyring.json": "{",
    });
    expect(!broken.ok && broken.error[0]).toMatchObject({
      code: "config.bad-json",
      file: "/etc/keel/keyring.json",
      line: 1,
      column: 2,
    });
  });
});

describe("loadConfig: the config file's own mode", () => {
  test("group/world-readable with inline secrets: warning naming the file and chmod 600", () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      const r = load({ [CFG]: withFile(validRaw(), mode) });
      expect(r.ok && r.value.warnings).toEqual([
        expect.objectContaining({
          code: "config.loose-permissions",
          path: "$",
          file: CFG,
          fix: `chmod 600 ${CFG}`,
        }),
      ]);
    }
  });

  test("owner-only, or readable but without inline secrets: no warning", () => {
    const r = load({ [CFG]: withFile(validRaw(), 0o600) });
    expect(r.ok && r.value.warnings).toEqual([]);
    const clean = load({
      [CFG]: withFile(noInlineSecrets(), 0o644),
      "/etc/keel/mysql.pw": "pw",
      "/etc/keel/keyring.json": fixtureText("keyring.json"),
    });
    expect(clean.ok && clean.value.warnings).toEqual([]);
  });
});
