// The README is part of the contract: its first commands are the demo and the tests, .ci/run runs
// that test command, and the config reference is exactly what the schema says.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configReferenceMarkdown } from "../../../scripts/config-reference.ts";

const ROOT = join(import.meta.dir, "../../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  test("opens with the demo command and the test command", () => {
    const firstBlock = readme.split("```")[1] ?? "";
    expect(firstBlock).toContain("bash scripts/demo.sh");
    expect(firstBlock).toContain("bash scripts/test.sh");
  });

  test(".ci/run calls the README's test command", () => {
    expect(readFileSync(join(ROOT, ".ci/run"), "utf8")).toContain("scripts/test.sh");
  });

  test("the config reference matches the schema", () => {
    const start = readme.indexOf("<!-- config-reference:start -->");
    const end = readme.indexOf("<!-- config-reference:end -->");
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const table = readme.slice(start + "<!-- config-reference:start -->".length, end).trim();
    expect(table).toBe(configReferenceMarkdown());
  });
});
