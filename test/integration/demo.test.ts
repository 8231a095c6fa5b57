// The demo's parts against real MariaDB (no agents): the writer writes only where read_only is off
// and follows the writable server when it moves, the lost-writes count finds exactly the missing
// ids, and `keel demo` that can't start says which stage failed in one line and leaves nothing.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withAdmin } from "../../src/sandbox/admin-sql.ts";
import {
  DEMO_TABLE,
  DemoWriter,
  findWritablePort,
  missingIds,
  prepareDemoSchema,
} from "../../src/runtime/demo-writer.ts";
import { useTestSandbox } from "../helpers/sandbox.ts";

const BASE = 22200;
const REPO = resolve(import.meta.dir, "../..");
const sandbox = useTestSandbox({ instances: 2, basePort: BASE });

async function sql(port: number, text: string): Promise<void> {
  const r = await withAdmin(port, "test", (s) => s.query(text));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}

async function until(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

describe("demo writer on real MariaDB", () => {
  test("writes to the writable server only, follows it when it moves, and counts lost ids", async () => {
    const ports = sandbox().instances.map((i) => i.port);
    expect((await prepareDemoSchema(BASE)).ok).toBe(true);
    expect(await findWritablePort(ports)).toBe(BASE);
    const writer = new DemoWriter({ ports, intervalMs: 20, monoMs: () => performance.now() });
    writer.start();
    try {
      expect((await writer.waitAcked(5)).ok).toBe(true);
      expect(writer.stats().port).toBe(BASE);
      // A switchover by hand: the app user is fenced on the old primary, the replica opens up.
      await sql(BASE, "SET GLOBAL read_only = ON");
      await sql(BASE + 1, "STOP SLAVE");
      await sql(BASE + 1, "SET GLOBAL read_only = OFF");
      const before = writer.stats().acked;
      await until(
        "writes on the replica",
        10_000,
        () => writer.stats().port === BASE + 1 && writer.stats().acked > before + 3,
      );
      expect(writer.stats().failed).toBeGreaterThan(0);
    } finally {
      await writer.stop();
    }
    const acked = writer.ackedBefore();
    // Every acknowledged id is on one server or the other, none on neither.
    const onOld = await missingIds(BASE, acked);
    const onNew = await missingIds(BASE + 1, acked);
    expect(onOld.ok && onNew.ok).toBe(true);
    if (!onOld.ok || !onNew.ok) return;
    expect(onOld.value.filter((id) => onNew.value.includes(id))).toEqual([]);
    // What the writer acknowledged after the move exists only on the new primary.
    expect(onOld.value.length).toBeGreaterThan(3);
    // Deleting two acknowledged rows is exactly what the count reports.
    const gone = acked.slice(-2);
    await sql(BASE + 1, `DELETE FROM ${DEMO_TABLE} WHERE id IN (${gone.join(",")})`);
    const after = await missingIds(BASE + 1, acked);
    expect(after.ok && after.value.filter((id) => gone.includes(id))).toEqual(gone);
  }, 30_000);
});

describe("keel demo that can't start", () => {
  test("a taken port fails the first stage in one line, and nothing is left behind", async () => {
    const port = BASE + 50;
    const blocker = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const demoDirs = () => readdirSync(tmpdir()).filter((n) => /^keel-demo-[A-Za-z0-9]{6}$/.test(n));
    const before = new Set(demoDirs());
    try {
      const p = Bun.spawn(
        [
          join(REPO, "node_modules/.bin/bun"),
          join(REPO, "src/main.ts"),
          "demo",
          "--headless",
          "--base-port",
          String(port),
        ],
        {
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const [stderr, exitCode] = await Promise.all([new Response(p.stderr).text(), p.exited]);
      expect(exitCode).toBe(1);
      expect(stderr.trimEnd().split("\n")).toEqual([
        expect.stringMatching(
          new RegExp(
            `^keel: demo stage "start the sandbox" failed: .*${port}.* \\(sandbox\\.port-in-use\\); fix: `,
          ),
        ),
      ]);
      // The fresh temp dir it made is gone again.
      expect(demoDirs().filter((n) => !before.has(n))).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
