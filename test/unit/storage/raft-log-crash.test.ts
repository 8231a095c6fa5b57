// A real process appending to the log, killed with SIGKILL at random moments: every entry it
// reported durable must be there after reopening, and nothing corrupt may come back.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededRng } from "../../../src/lib/rng.ts";
import { FileRaftStorage } from "../../../src/storage/file-raft-storage.ts";
import { expectedData } from "./crash-data.ts";

const BUN = join(import.meta.dir, "../../../node_modules/.bin/bun");
const CHILD = join(import.meta.dir, "append-loop-child.ts");
const dir = mkdtempSync(join(tmpdir(), "keel-raft-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runAndKill(afterMs: number): Promise<number> {
  const child = Bun.spawn([BUN, CHILD, dir], { stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reader = (async () => {
    for await (const chunk of child.stdout) out += new TextDecoder().decode(chunk);
  })();
  // Wait for the first durable line so each round really writes, then let it run on.
  for (let waited = 0; !out.includes("durable") && waited < 5_000; waited += 10) await Bun.sleep(10);
  await Bun.sleep(afterMs);
  child.kill("SIGKILL");
  await child.exited;
  await reader;
  expect(out).not.toContain("error");
  const reported = [...out.matchAll(/durable (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...reported);
}

test("entries reported durable survive SIGKILL at random moments; nothing corrupt is returned", async () => {
  const rng = seededRng(Number(process.env.KEEL_SEED ?? 42));
  let durable = 0;
  for (let round = 0; round < 6; round++) {
    durable = Math.max(durable, await runAndKill(20 + rng.int(200)));
    const opened = FileRaftStorage.open(dir);
    if (!opened.ok) throw new Error(opened.error.code);
    const { snapshot, entries } = opened.value.load();
    opened.value.close();
    const last = entries.at(-1)?.index ?? snapshot?.index ?? 0;
    expect(last).toBeGreaterThanOrEqual(durable);
    let expectIndex = (snapshot?.index ?? 0) + 1;
    for (const e of entries) {
      expect(e.index).toBe(expectIndex++);
      expect(e.data).toEqual(expectedData(e.index));
    }
    if (snapshot) expect(snapshot.data).toEqual(expectedData(snapshot.index));
  }
  expect(durable).toBeGreaterThan(0);
}, 60_000);
