// Golden scenario scripts for gossip. Regenerate after an intended behaviour change with
//   UPDATE_GOLDEN=1 bun test test/scenarios/gossip
// and read the diff: it is the behaviour change, narrated.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseScript, runScript } from "./interpreter.ts";

const dir = import.meta.dir;
const scripts = readdirSync(dir).filter((f) => f.endsWith(".txt"));

describe("gossip scenarios", () => {
  test("there are scenarios to run", () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  for (const file of scripts) {
    test(file, () => {
      const path = join(dir, file);
      const golden = readFileSync(path, "utf8");
      const actual = runScript(golden);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
      else expect(actual).toBe(golden);
    });
  }

  test("the script format round-trips and keeps narration", () => {
    const text = "# two nodes\nadd-nodes 2\n----\nadded n1 n2\n\ntick 5\n----\nnow 5 ms\n";
    const blocks = parseScript(text);
    expect(blocks.map((b) => b.command)).toEqual(["add-nodes 2", "tick 5"]);
    expect(blocks[0]?.narration).toEqual(["# two nodes"]);
  });
});
