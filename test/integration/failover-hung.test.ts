// A primary whose mysqld hangs while its agent stays up (SIGSTOP), on real MariaDB with the
// COMPILED binary as agents. The old primary cannot be fenced while it hangs, so the leader may
// promote a replica only once fence_after + margin has passed without an answer; when the old
// server wakes up (SIGCONT) its agent fences it at once and it rejoins as a replica. read_only is
// sampled every ~50 ms on every server through connections of a non-SUPER user opened before the
// SIGSTOP: no query sent to the old primary after it woke may find it writable beside the new one.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type mysql from "mysql2/promise";
import { portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { connect, sourcePortOf, type TestCluster, waitFor, Writer } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = portIn(TEST_PORT_BLOCKS.failoverHung, 0);
/** The sandbox agents' failover.fence_after_ms (the config default). */
const FENCE_AFTER_MS = 1_500;
const HANG_MS = 6_000;
const SAMPLE_EVERY_MS = 50;

interface Sample {
  port: number;
  sentAtMs: number;
  answeredAtMs: number;
  readOnly: boolean;
}

/** Reads @@global.read_only on each connection, one query at a time per server, until stopped. */
class ReadOnlySampler {
  readonly samples: Sample[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly conns: ReadonlyMap<number, mysql.Connection>) {}

  start(): void {
    this.loops = [...this.conns].map(([port, c]) => this.loop(port, c));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(port: number, c: mysql.Connection): Promise<void> {
    while (!this.stopped) {
      const sentAtMs = performance.now();
      try {
        const [rows] = await c.query("SELECT @@global.read_only AS ro");
        const ro = (rows as { ro: number }[])[0]?.ro === 1;
        this.samples.push({ port, sentAtMs, answeredAtMs: performance.now(), readOnly: ro });
      } catch {
        return; // the connection broke: nothing more to learn from it
      }
      await Bun.sleep(SAMPLE_EVERY_MS);
    }
  }
}

function mysqldPid(dir: string, port: number): number {
  const state = JSON.parse(readFileSync(`${dir}/sandbox.json`, "utf8")) as {
    instances: { port: number; pidFile: string }[];
  };
  const pidFile = state.instances.find((i) => i.port === port)?.pidFile;
  if (pidFile === undefined) throw new Error(`no instance on ${port}`);
  return Number(readFileSync(pidFile, "utf8").trim());
}

let c: TestCluster;
let stoppedPid: number | null = null;

describe("a hung primary mysqld (SIGSTOP) with its agent up", () => {
  useAdoptedCluster(
    { basePort: BASE },
    (started) => {
      c = started;
    },
    {
      adoptWithinMs: 15_000,
      beforeRemove: () => {
        if (stoppedPid !== null) process.kill(stoppedPid, "SIGCONT");
      },
    },
  );

  test("fails over only after fence_after, fences the old primary as it wakes, then it rejoins", async () => {
    await Writer.prepare(BASE);
    const conns = new Map<number, mysql.Connection>();
    for (const port of c.ports) {
      // The application user replicates from the primary: a replica may not have it yet.
      const conn = await waitFor(`the app user on ${port}`, 5_000, () =>
        connect(port, "app").catch(() => null),
      );
      conns.set(port, conn);
    }
    const sampler = new ReadOnlySampler(conns);
    sampler.start();
    await Bun.sleep(300);

    const pid = mysqldPid(c.dir, BASE);
    const stoppedAtMs = performance.now();
    process.kill(pid, "SIGSTOP");
    stoppedPid = pid;
    const ledger = await waitFor("a finished recovery", HANG_MS + 10_000, async () => {
      const l = await c.ledger();
      return l?.recoveries.find((r) => r.state === "finished" || r.state === "failed") ? l : null;
    });
    const recovery = ledger.recoveries[0];
    expect(recovery?.state).toBe("finished");
    const successor = recovery?.successor ?? "";
    expect(["db2", "db3"]).toContain(successor);
    const newPort = c.portOf(successor);
    // The plan waited for the hung server instead of fencing it: its wait step is done.
    const waitStep = recovery?.steps.find((s) => s.name.startsWith("wait-fence-after:db1"));
    expect(waitStep?.status).toBe("done");
    const writableAtMs = await waitFor("the successor writable", 5_000, async () => {
      const s = sampler.samples.find((x) => x.port === newPort && !x.readOnly);
      return s === undefined ? null : s.answeredAtMs;
    });
    expect(writableAtMs - stoppedAtMs).toBeGreaterThanOrEqual(FENCE_AFTER_MS);

    const sleepMs = HANG_MS - (performance.now() - stoppedAtMs);
    if (sleepMs > 0) await Bun.sleep(sleepMs);
    const resumedAtMs = performance.now();
    process.kill(pid, "SIGCONT");
    stoppedPid = null;
    const fencedAtMs = await waitFor("the old primary read-only", 5_000, async () => {
      const s = sampler.samples.find((x) => x.port === BASE && x.sentAtMs > resumedAtMs && x.readOnly);
      return s === undefined ? null : s.answeredAtMs;
    });
    await waitFor("the old primary to replicate from the new one", 20_000, async () =>
      (await sourcePortOf(BASE)) === newPort ? true : null,
    );
    await sampler.stop();
    for (const conn of conns.values()) conn.destroy();

    const oldSamples = sampler.samples.filter((s) => s.port === BASE);
    // The one query that waited out the hang is answered the instant mysqld resumes, before any
    // agent can act on it: it shows the server as it froze, and is reported, not judged.
    const inFlight = oldSamples.find((s) => s.sentAtMs < resumedAtMs && s.answeredAtMs > resumedAtMs);
    const afterWake = oldSamples.filter((s) => s.sentAtMs > resumedAtMs);
    const bothWritable = afterWake.filter((s) => !s.readOnly && s.sentAtMs > writableAtMs);
    console.log(
      `hung primary: successor writable ${Math.round(writableAtMs - stoppedAtMs)} ms after SIGSTOP; ` +
        `old primary read-only ${Math.round(fencedAtMs - resumedAtMs)} ms after SIGCONT; ` +
        `query in flight across the hang saw ${inFlight === undefined ? "nothing" : inFlight.readOnly ? "read-only" : "writable"}; ` +
        `${afterWake.length} samples after the wake`,
    );
    expect(afterWake.length).toBeGreaterThan(10);
    expect(bothWritable).toEqual([]);
    const audit = readFileSync(`${c.dir}/agent-${BASE}/data/sandbox/audit.log`, "utf8");
    expect(audit).toMatch(/"kind":"reconcile\.action".*"action":"set-read-only"/);
  }, 60_000);
});
