// Nothing outlives a lab: not a Ctrl-C'd run (the SIGINT handler tears down), and not a run
// killed outright (the next lab's start sweeps labs whose owner is dead).
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sweepStaleLabs } from "./harness/lab-sweep.ts";
import { listLinks, listNetns, netnsPids, processRunning, runCommandSync } from "./harness/net-admin.ts";

const PREFLIGHT = join(import.meta.dir, "harness/preflight.ts");

interface Held {
  pid: number;
  tag: string;
  dir: string;
  exited: Promise<number | null>;
}

/** Starts a child process that creates a one-host lab and holds it. */
function holdLab(): Promise<Held> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PREFLIGHT, "--hold"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /^lab (\S+) (\S+)$/m.exec(out);
      if (m) resolve({ pid: child.pid!, tag: m[1]!, dir: m[2]!, exited });
    });
    child.on("exit", () => reject(new Error(`lab holder exited early: ${out}`)));
  });
}

function leftovers(tag: string, dir: string): string[] {
  return [
    ...listNetns().filter((n) => n.includes(tag)),
    ...listLinks().filter((n) => n.includes(tag)),
    ...runCommandSync("pgrep", ["-f", dir])
      .output.split("\n")
      .filter((l) => l !== ""),
    ...(existsSync(dir) ? [dir] : []),
  ];
}

describe("lab cleanup", () => {
  test("SIGINT to a process holding a lab removes every namespace, link, process and file", async () => {
    const held = await holdLab();
    expect(leftovers(held.tag, held.dir).length).toBeGreaterThan(0);
    process.kill(held.pid, "SIGINT");
    expect(await held.exited).toBe(130);
    expect(leftovers(held.tag, held.dir)).toEqual([]);
  }, 60_000);

  test("a lab whose owner was SIGKILLed is swept by the next start, mysqld included", async () => {
    const held = await holdLab();
    const netns = listNetns().find((n) => n.includes(held.tag))!;
    const mysqld = netnsPids(netns);
    expect(mysqld.length).toBe(1);
    process.kill(held.pid, "SIGKILL");
    await held.exited;
    // Killed outright, nothing ran: the lab is still there, now stale.
    expect(listNetns()).toContain(netns);
    expect(sweepStaleLabs()).toContain(held.tag);
    expect(leftovers(held.tag, held.dir)).toEqual([]);
    expect(mysqld.filter(processRunning)).toEqual([]);
  }, 60_000);

  test("the sweep leaves live labs alone", () => {
    const mine = `keel-lab-${process.pid.toString(36)}-zz-h1`;
    runCommandSync("ip", ["netns", "add", mine]);
    try {
      expect(sweepStaleLabs()).not.toContain(`${process.pid.toString(36)}-zz`);
      expect(listNetns()).toContain(mine);
    } finally {
      runCommandSync("ip", ["netns", "del", mine]);
    }
  });
});
