import { describe, expect, test } from "bun:test";
import { loadConfigForCommand, renderWarning } from "../../../src/cli/config-option.ts";
import { renderError } from "../../../src/cli/render-error.ts";
import { memoryConfigFs } from "../../../src/config/config-fs.ts";
import { CONFIG_ISSUE_CODES, type ConfigIssue } from "../../../src/config/issues.ts";
import { loadConfig } from "../../../src/config/load.ts";
import { parseConfig } from "../../../src/config/validate.ts";
import { fixtureText, validRaw } from "./helpers.ts";

function sample(code: ConfigIssue["code"], over: Partial<ConfigIssue> = {}): ConfigIssue {
  return {
    code,
    path: "$.mysql.port",
    file: "/etc/keel/keel.json",
    role: "config",
    expected: "integer 1..65535",
    got: '"abc"',
    fix: "set it",
    ...over,
  };
}

describe("config messages", () => {
  test("every issue code is worded: one line, the path, the code and the fix, no placeholders left", () => {
    for (const code of CONFIG_ISSUE_CODES) {
      const line = renderError(sample(code, { line: 3, column: 7 }));
      expect(line.startsWith("keel: ")).toBe(true);
      expect(line).toContain(`(${code}); fix: set it`);
      expect(line).not.toContain("\n");
      expect(line).not.toContain("undefined");
      expect(line).not.toContain(`error ${code}`); // the fallback used for unregistered codes
    }
  });

  test("the documented line shape for a wrong type", () => {
    expect(renderError(sample("config.wrong-type"))).toBe(
      'keel: $.mysql.port: expected integer 1..65535, got "abc" (config.wrong-type); fix: set it',
    );
  });

  test("issues about a referenced file name that file; file-level issues name the config file", () => {
    expect(
      renderError(
        sample("config.bad-key-material", {
          role: "referenced",
          file: "/etc/keel/keyring.json",
          path: "$.primary",
        }),
      ),
    ).toContain("keel: /etc/keel/keyring.json $.primary: expected");
    expect(renderError(sample("config.not-found", { path: "$" }))).toContain(
      "config file /etc/keel/keel.json not found",
    );
    expect(
      renderError(sample("config.bad-json", { path: "$", line: 3, column: 7, got: "duplicate key" })),
    ).toContain("/etc/keel/keel.json:3:7: not valid JSON: duplicate key");
  });

  test("a readable config file with secrets renders as a warning naming the file and chmod 600", () => {
    const r = loadConfig(
      "/k.json",
      {},
      memoryConfigFs({ "/k.json": { text: JSON.stringify(validRaw()), mode: 0o644 } }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [w] = r.value.warnings.map(renderWarning);
    expect(w).toBe(
      "keel: warning: /k.json holds a password or key but is readable by group or others (mode 0644) (config.loose-permissions); fix: chmod 600 /k.json",
    );
  });

  test("no rendered line of the many-problems fixture leaks its password", () => {
    const r = parseConfig(JSON.parse(fixtureText("many-problems.json")), "/f.json");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.error.map(renderError).join("\n");
    expect(text.split("\n")).toHaveLength(r.error.length);
    expect(text).not.toContain("top-secret-pw");
  });
});

describe("loadConfigForCommand (what other commands use)", () => {
  function fakeIo() {
    const err: string[] = [];
    return {
      err,
      io: { out: () => {}, err: (t: string) => err.push(t), env: { KEEL_CONFIG: "/k.json" }, isTty: false },
    };
  }

  test("hands back the Config and prints its warnings", () => {
    const { err, io } = fakeIo();
    const fs = memoryConfigFs({ "/k.json": { text: JSON.stringify(validRaw()), mode: 0o644 } });
    const r = loadConfigForCommand({}, io, fs);
    expect(r.ok && r.value.nodeId).toBe("db1");
    expect(err).toHaveLength(1);
    expect(err[0]).toStartWith("keel: warning: /k.json holds a password or key");
  });

  test("prints every issue and returns exit 1", () => {
    const { err, io } = fakeIo();
    const fs = memoryConfigFs({ "/k.json": JSON.stringify({ ...validRaw(), cluster: 1, node_id: "a b" }) });
    const r = loadConfigForCommand({}, io, fs);
    expect(!r.ok && r.error).toEqual({ exitCode: 1 });
    expect(err.map((l) => /\((config\.[a-z-]+)\)/.exec(l)?.[1])).toEqual([
      "config.wrong-type",
      "config.invalid-value",
    ]);
  });
});
