// `keel demo --headless`: the failover story as printed stages instead of a console. Kill the
// primary's mysqld, wait for a new writable primary, count the acknowledged writes it lacks,
// restart the old primary and wait for it to replicate again; the topology after each act. A
// stage that fails ends the run with its name, so the one line on stderr says where it broke.
import { setTimeout as sleep } from "node:timers/promises";
import { DEMO_FAILOVER_TIMEOUT_MS, DEMO_POLL_MS } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { RuntimeClock } from "./clock.ts";
import { DEMO_INSTANCES, type DemoCluster } from "./demo-cluster.ts";
import { type DemoWriter, missingIds } from "./demo-writer.ts";

export type DemoStage =
  | "install mariadb"
  | "start the sandbox"
  | "wait for the quorum"
  | "start the writer"
  | "kill the primary"
  | "wait for the failover"
  | "count lost writes"
  | "restart the old primary"
  | "wait for the rejoin";

export interface StageFailure {
  stage: DemoStage;
  /** A typed error value (worded in src/cli/messages). */
  error: { code: string };
}

export type DemoLostWritesError = {
  code: "demo.writes-lost";
  lost: number;
  acked: number;
  sample: number[];
  port: number;
};

export interface HeadlessIo {
  out(text: string): void;
  /** Prints the topology under a title, once the agents' view shows `primaryPort` as primary
   *  with `replicas` answering replicas under it (bounded). */
  printTopology(title: string, primaryPort: number, replicas: number): Promise<void>;
}

export interface FailoverReport {
  oldPort: number;
  newPort: number;
  writableAfterMs: number;
  /** From the last acknowledged write before the kill to the first one after; null if none yet. */
  writeGapMs: number | null;
  acked: number;
  lost: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function waitWriterResumed(
  writer: DemoWriter,
  afterMs: number,
  clock: RuntimeClock,
): Promise<number | null> {
  const deadline = clock.monoMs() + DEMO_FAILOVER_TIMEOUT_MS;
  for (;;) {
    const at = writer.firstAckAfter(afterMs);
    if (at !== null || clock.monoMs() > deadline) return at;
    await sleep(DEMO_POLL_MS);
  }
}

/** Kills the primary's mysqld and waits for keel to promote a replica; counts what was lost. */
export async function runFailover(
  cluster: DemoCluster,
  writer: DemoWriter,
  oldPort: number,
  io: HeadlessIo,
  clock: RuntimeClock,
): Promise<Result<FailoverReport, StageFailure>> {
  io.out(`keel demo: killing the primary's mysqld (kill -9, 127.0.0.1:${oldPort})`);
  const killedAtMs = clock.monoMs();
  const killed = await cluster.killMysqld(oldPort);
  if (!killed.ok) return err({ stage: "kill the primary", error: killed.error });
  const promoted = await cluster.waitNewPrimary(oldPort);
  if (!promoted.ok) return err({ stage: "wait for the failover", error: promoted.error });
  const newPort = promoted.value.port;
  const writableAfterMs = clock.monoMs() - killedAtMs;
  const resumedAtMs = await waitWriterResumed(writer, killedAtMs, clock);
  const lastBeforeMs = writer.lastAckBefore(killedAtMs);
  const writeGapMs = resumedAtMs !== null && lastBeforeMs !== null ? resumedAtMs - lastBeforeMs : null;
  const acked = writer.ackedBefore();
  const missing = await missingIds(newPort, acked);
  if (!missing.ok) return err({ stage: "count lost writes", error: missing.error });
  const report = {
    oldPort,
    newPort,
    writableAfterMs,
    writeGapMs,
    acked: acked.length,
    lost: missing.value.length,
  };
  io.out(
    `keel demo: new primary 127.0.0.1:${newPort} (${cluster.nodeOfPort(newPort)}), writable ${seconds(writableAfterMs)} after the kill` +
      (writeGapMs === null
        ? "; the writer has not resumed yet"
        : `; writes resumed after a ${seconds(writeGapMs)} gap`),
  );
  io.out(`keel demo: acknowledged writes lost: ${report.lost} (of ${report.acked} acknowledged)`);
  if (report.lost > 0) {
    const error: DemoLostWritesError = {
      code: "demo.writes-lost",
      lost: report.lost,
      acked: report.acked,
      sample: missing.value.slice(0, 5),
      port: newPort,
    };
    return err({ stage: "count lost writes", error });
  }
  return ok(report);
}

/** Restarts the old primary's mysqld and waits until it replicates from the new primary. */
export async function runRejoin(
  cluster: DemoCluster,
  report: FailoverReport,
  io: HeadlessIo,
): Promise<Result<void, StageFailure>> {
  io.out(`keel demo: restarting the old primary's mysqld (127.0.0.1:${report.oldPort})`);
  const started = await cluster.restartMysqld(report.oldPort);
  if (!started.ok) return err({ stage: "restart the old primary", error: started.error });
  const rejoined = await cluster.waitRejoined(report.oldPort, report.newPort);
  if (!rejoined.ok) return err({ stage: "wait for the rejoin", error: rejoined.error });
  io.out(
    `keel demo: 127.0.0.1:${report.oldPort} rejoined as a read-only replica of 127.0.0.1:${report.newPort} ` +
      `${seconds(rejoined.value.waitedMs)} after its restart`,
  );
  return ok(undefined);
}

/** The whole headless story after the cluster is ready: three topologies, two acts between them. */
export async function runHeadlessStory(
  cluster: DemoCluster,
  writer: DemoWriter,
  primaryPort: number,
  io: HeadlessIo,
  clock: RuntimeClock,
): Promise<Result<FailoverReport, StageFailure>> {
  const failover = await runFailover(cluster, writer, primaryPort, io, clock);
  if (!failover.ok) return failover;
  await io.printTopology("after the failover", failover.value.newPort, DEMO_INSTANCES - 2);
  const rejoin = await runRejoin(cluster, failover.value, io);
  if (!rejoin.ok) return rejoin;
  await io.printTopology("after the rejoin", failover.value.newPort, DEMO_INSTANCES - 1);
  return failover;
}
