// Planned switchover with the compiled binary under a steady writer that follows the writable
// server: `keel switchover --to` moves the primary, nothing acknowledged is lost, the old primary
// replicates from the new one, and writes are refused for well under a second.
import { describe, expect, test } from "bun:test";
import {
  missingOn,
  readOnlyOf,
  sourcePortOf,
  type TestCluster,
  waitFor,
  Writer,
  writablePort,
} from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32250;
let c: TestCluster;

describe("keel switchover (compiled agents)", () => {
  useAdoptedCluster({ basePort: BASE }, (started) => {
    c = started;
  });

  test("moves the primary to the named replica under a writer, losing nothing", async () => {
    await Writer.prepare(BASE);
    let target: number | null = BASE;
    let finding = false;
    const writer = new Writer(() => target);
    writer.start(true);
    // The writer's "proxy": after an error, look for the writable server again.
    const follow = setInterval(async () => {
      if (finding || writer.errors.length === 0) return;
      finding = true;
      const w = await writablePort(c.ports);
      if (w !== null) target = w;
      finding = false;
    }, 5);
    await Bun.sleep(700);
    const r = await c.keel("switchover", "--to", `127.0.0.1:${BASE + 2}`, "--config", c.configOf(BASE + 1));
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^switchover sw-\S+: from db1 \(127\.0\.0\.1:32250\) to db3 \(127\.0\.0\.1:32252\)$/m,
    );
    expect(r.stdout).toMatch(/^ +done +demote:db1:db3: /m);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(
      /^switchover: db3 \(127\.0\.0\.1:32252\) is the primary of sandbox \(epoch 2\); sw-\S+ finished in \d+ ms$/,
    );
    await waitFor("the writer on db3", 5_000, async () => target === BASE + 2 && writer.acked.length > 0);
    await Bun.sleep(300);
    clearInterval(follow);
    await writer.stop();
    expect(await readOnlyOf(BASE)).toBe(true);
    expect(await readOnlyOf(BASE + 2)).toBe(false);
    await waitFor("db1 to replicate from db3", 5_000, async () => (await sourcePortOf(BASE)) === BASE + 2);
    await waitFor(
      "db2 to replicate from db3",
      5_000,
      async () => (await sourcePortOf(BASE + 1)) === BASE + 2,
    );
    expect(await missingOn(BASE + 2, writer.acked)).toEqual([]);
    // The longest pause between two acknowledged writes: the time writes were refused.
    let gapMs = 0;
    for (let i = 1; i < writer.ackedAtMs.length; i++)
      gapMs = Math.max(gapMs, (writer.ackedAtMs[i] ?? 0) - (writer.ackedAtMs[i - 1] ?? 0));
    console.log(
      `switchover: ${writer.acked.length} acknowledged writes, longest gap ${Math.round(gapMs)} ms`,
    );
    expect(gapMs).toBeLessThan(1_000);
  }, 60_000);

  test("a switchover to an unknown instance is refused with a one-line reason", async () => {
    const r = await c.keel("switchover", "--to", "127.0.0.1:1", "--config", c.configOf(BASE));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^keel: 127\.0\.0\.1:1 is not a member of sandbox .*\(recovery\.unknown-instance\); fix: /,
    );
  }, 20_000);
});
