// Narrated failover scenarios with golden output. UPDATE_GOLDEN=1 rewrites the .txt files from the
// actual output; review the diff before committing it.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runScript } from "./interpreter.ts";

const dir = import.meta.dir;
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("failover scenarios", () => {
  test("there are scenarios to run", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(3);
  });

  test.each(scripts)("%s", (file) => {
    const path = join(dir, file);
    const { blocks, rewritten } = runScript(readFileSync(path, "utf8"));
    if (process.env.UPDATE_GOLDEN === "1") {
      writeFileSync(path, rewritten);
      return;
    }
    for (const b of blocks) expect(`${b.command}\n${b.actual}`).toBe(`${b.command}\n${b.expected}`);
  });
});
