import { describe, expect, test } from "bun:test";
import {
  checkConvergence,
  checkOldPrimaries,
  describeProblem,
  type FinalHostState,
  findLostWrites,
  findUnfinishedRecoveries,
  finalPrimary,
  leftFenced,
} from "./harness/checkers/final-state.ts";
import { percentile, recoveryTimes, writeOutages } from "./harness/checkers/recovery-time.ts";
import {
  epochSpansOf,
  findSplitBrain,
  findWritesOutsideEpoch,
  type HostSample,
  primariesSeen,
  resumeWindows,
  type Sample,
  soleWritable,
  withoutResumeInstants,
} from "./harness/checkers/split-brain.ts";

const W = (host: string): HostSample => ({ host, reachable: true, readOnly: false });
const RO = (host: string): HostSample => ({ host, reachable: true, readOnly: true });
const DOWN = (host: string): HostSample => ({ host, reachable: false, readOnly: null });
const at = (atMs: number, ...hosts: HostSample[]): Sample => ({ atMs, hosts });

describe("split-brain checker", () => {
  test("one writable primary, or none, is fine; failover through an outage is fine", () => {
    const samples = [
      at(0, W("h1"), RO("h2"), RO("h3")),
      at(100, DOWN("h1"), RO("h2"), RO("h3")),
      at(200, DOWN("h1"), W("h2"), RO("h3")),
      at(300, RO("h1"), W("h2"), RO("h3")),
    ];
    expect(findSplitBrain(samples)).toEqual([]);
    expect(primariesSeen(samples)).toEqual(["h1", "h2"]);
    expect(soleWritable(samples[0]!)).toBe("h1");
    expect(soleWritable(samples[1]!)).toBeNull();
  });

  test("two writable hosts the client reaches are flagged at every such instant", () => {
    const samples = [
      at(0, W("h1"), RO("h2"), RO("h3")),
      at(100, W("h3"), W("h1"), RO("h2")),
      at(200, W("h1"), W("h2"), W("h3")),
      at(300, RO("h1"), W("h2"), RO("h3")),
    ];
    expect(findSplitBrain(samples)).toEqual([
      { atMs: 100, writable: ["h1", "h3"] },
      { atMs: 200, writable: ["h1", "h2", "h3"] },
    ]);
    expect(soleWritable(samples[2]!)).toBeNull();
  });

  test("a writable host the client cannot reach does not count", () => {
    const hidden: HostSample = { host: "h1", reachable: false, readOnly: false };
    expect(findSplitBrain([at(0, hidden, W("h2"), RO("h3"))])).toEqual([]);
  });

  test("against ledger epochs: a writable host that is not the epoch's primary is flagged", () => {
    const epochs = [
      { epoch: 1, primary: "h1", fromMs: 0, toMs: 150 },
      { epoch: 2, primary: "h2", fromMs: 150, toMs: null },
    ];
    const samples = [
      at(-50, W("h3")),
      at(100, W("h1"), RO("h2")),
      at(200, W("h1"), RO("h2")),
      at(300, RO("h1"), W("h2")),
    ];
    expect(findWritesOutsideEpoch(samples, epochs)).toEqual([
      { atMs: 200, host: "h1", epoch: 2, epochPrimary: "h2" },
    ]);
    // Within the polling tolerance of the epoch change either primary is accepted; beyond, not.
    expect(findWritesOutsideEpoch(samples, epochs, 60)).toEqual([]);
    expect(findWritesOutsideEpoch(samples, epochs, 40)).toEqual([
      { atMs: 200, host: "h1", epoch: 2, epochPrimary: "h2" },
    ]);
    expect(findWritesOutsideEpoch([at(400, W("h3"))], epochs, 1_000)).toEqual([
      { atMs: 400, host: "h3", epoch: 2, epochPrimary: "h2" },
    ]);
  });

  test("epoch spans from polled ledger copies: first sighting starts a span, laggards add nothing", () => {
    expect(
      epochSpansOf([
        { atMs: 0, epoch: 0, primary: null },
        { atMs: 100, epoch: 1, primary: "h1" },
        { atMs: 100, epoch: 1, primary: "h1" },
        { atMs: 300, epoch: 2, primary: "h2" },
        { atMs: 300, epoch: 1, primary: "h1" },
        { atMs: 500, epoch: 3, primary: "h1" },
      ]),
    ).toEqual([
      { epoch: 1, primary: "h1", fromMs: 100, toMs: 300 },
      { epoch: 2, primary: "h2", fromMs: 300, toMs: 500 },
      { epoch: 3, primary: "h1", fromMs: 500, toMs: null },
    ]);
    expect(epochSpansOf([])).toEqual([]);
  });
});

function host(name: string, over: Partial<FinalHostState> = {}): FinalHostState {
  const n = Number(name.slice(1));
  return {
    host: name,
    address: `10.213.0.${10 + n}`,
    port: 3306,
    reachable: true,
    readOnly: true,
    gtidCurrentPos: "0-1-100",
    replication: {
      sourceHost: "10.213.0.11",
      sourcePort: 3306,
      ioRunning: true,
      sqlRunning: true,
      lastError: "",
    },
    ...over,
  };
}

const PRIMARY = host("h1", { readOnly: false, replication: null });

describe("final-state checkers", () => {
  test("a converged lab has one primary and no problems", () => {
    const finals = [PRIMARY, host("h2"), host("h3")];
    const p = finalPrimary(finals);
    expect("primary" in p && p.primary.host).toBe("h1");
    expect(checkConvergence(finals, PRIMARY)).toEqual([]);
    expect(checkOldPrimaries(["h1"], finals, PRIMARY)).toEqual([]);
  });

  test("zero or two writable hosts at the end is itself a problem", () => {
    expect(finalPrimary([host("h1"), host("h2")])).toEqual({
      problem: { code: "chaos.no-final-primary", writable: [] },
    });
    expect(finalPrimary([PRIMARY, host("h2", { readOnly: false })])).toEqual({
      problem: { code: "chaos.no-final-primary", writable: ["h1", "h2"] },
    });
  });

  test("a lagging replica, an errant one and a stopped one are each named", () => {
    const finals = [
      PRIMARY,
      host("h2", { gtidCurrentPos: "0-1-90" }),
      host("h3", { gtidCurrentPos: "0-1-100,7-3-2" }),
      host("h4", {
        replication: {
          sourceHost: "10.213.0.11",
          sourcePort: 3306,
          ioRunning: false,
          sqlRunning: true,
          lastError: "error connecting",
        },
      }),
      host("h5", { reachable: false, gtidCurrentPos: null, replication: null, readOnly: null }),
    ];
    const codes = checkConvergence(finals, PRIMARY).map((p) => `${p.code} ${"host" in p ? p.host : ""}`);
    expect(codes).toEqual([
      "chaos.not-converged h2",
      "chaos.errant-transactions h3",
      "chaos.not-converged h3",
      "chaos.replica-not-following h4",
      "chaos.host-unreachable h5",
    ]);
  });

  test("a named old primary left fenced is exempt from convergence; a writable or unnamed one is not", () => {
    const fencedOld = host("h2", { gtidCurrentPos: "0-1-101", replication: null });
    // Fenced but not named exempt by the caller (nothing errant): not converged until it rejoins.
    const fencedClean = host("h5", { replication: null });
    const looseReplica = host("h3", { gtidCurrentPos: "0-1-101", replication: null });
    const writableOld = host("h4", { gtidCurrentPos: "0-1-101", readOnly: false, replication: null });
    const finals = [PRIMARY, fencedOld, looseReplica, writableOld, fencedClean];
    const codes = checkConvergence(finals, PRIMARY, ["h2", "h4"]).map(
      (p) => `${p.code} ${"host" in p ? p.host : ""}`,
    );
    expect(codes).toEqual([
      "chaos.replica-not-following h3",
      "chaos.errant-transactions h3",
      "chaos.not-converged h3",
      "chaos.replica-not-following h4",
      "chaos.errant-transactions h4",
      "chaos.not-converged h4",
      "chaos.replica-not-following h5",
    ]);
    expect(leftFenced(fencedOld)).toBe(true);
    expect(leftFenced(writableOld)).toBe(false);
  });

  test("an old primary must be rejoined or fenced", () => {
    const newPrimary = host("h2", { readOnly: false, replication: null });
    const viaNew = {
      sourceHost: "10.213.0.12",
      sourcePort: 3306,
      ioRunning: true,
      sqlRunning: true,
      lastError: "",
    };
    const rejoined = host("h1", { replication: viaNew });
    const fenced = host("h1", { readOnly: true, replication: null });
    const loose = host("h1", { readOnly: false, replication: null });
    expect(checkOldPrimaries(["h1", "h2"], [rejoined, newPrimary], newPrimary)).toEqual([]);
    expect(checkOldPrimaries(["h1"], [fenced, newPrimary], newPrimary)).toEqual([]);
    expect(checkOldPrimaries(["h1"], [loose, newPrimary], newPrimary)).toEqual([
      { code: "chaos.old-primary-loose", host: "h1" },
    ]);
    const down = host("h1", { reachable: false });
    expect(checkOldPrimaries(["h1"], [down, newPrimary], newPrimary)).toEqual([
      { code: "chaos.host-unreachable", host: "h1" },
    ]);
  });

  test("every acknowledged id missing from the final primary is a lost write", () => {
    const acked = [
      { id: 1, atMs: 10, host: "h1" },
      { id: 2, atMs: 20, host: "h1" },
      { id: 4, atMs: 40, host: "h2" },
    ];
    expect(findLostWrites(acked, [1, 2, 3, 4])).toEqual([]);
    expect(findLostWrites(acked, [1, 3])).toEqual([
      { code: "chaos.acked-write-lost", id: 2, host: "h1", atMs: 20 },
      { code: "chaos.acked-write-lost", id: 4, host: "h2", atMs: 40 },
    ]);
  });

  test("ledger hook: recoveries left detected/planned or finished with pending steps are half-done", () => {
    const steps = (...s: string[]) => s.map((status, i) => ({ name: `step${i}`, status }));
    expect(
      findUnfinishedRecoveries([
        { id: "r1", state: "finished", steps: steps("done", "done") },
        { id: "r2", state: "failed", steps: steps("done", "failed", "pending") },
        { id: "r3", state: "planned", steps: steps("done", "pending") },
        { id: "r4", state: "finished", steps: steps("done", "pending") },
      ]),
    ).toEqual([
      { code: "chaos.recovery-unfinished", id: "r3", state: "planned", pendingSteps: ["step1"] },
      { code: "chaos.recovery-unfinished", id: "r4", state: "finished", pendingSteps: ["step1"] },
    ]);
  });

  test("a finished recovery may leave its on-failure steps pending; a failed one may not skip steps unsaid", () => {
    const onFailure = { name: "run-hooks:PostUnsuccessfulFailover", status: "pending" };
    const reattach = { name: "reattach:h3", status: "pending" };
    const done = { name: "promote:h2", status: "done" };
    expect(
      findUnfinishedRecoveries([{ id: "r1", state: "finished", steps: [done, reattach, onFailure] }]),
    ).toEqual([]);
    expect(
      findUnfinishedRecoveries([
        { id: "r1", state: "finished", steps: [{ ...done, name: "detach:h3", status: "pending" }] },
      ]),
    ).toEqual([
      { code: "chaos.recovery-unfinished", id: "r1", state: "finished", pendingSteps: ["detach:h3"] },
    ]);
    expect(
      findUnfinishedRecoveries([
        { id: "r2", state: "finished", steps: [{ name: "repoint:h3:h2", status: "pending" }, onFailure] },
      ]),
    ).toEqual([
      { code: "chaos.recovery-unfinished", id: "r2", state: "finished", pendingSteps: ["repoint:h3:h2"] },
    ]);
    expect(findUnfinishedRecoveries([{ id: "r3", state: "detected", steps: [onFailure] }])).toEqual([
      { code: "chaos.recovery-unfinished", id: "r3", state: "detected", pendingSteps: [onFailure.name] },
    ]);
  });

  test("every problem has a one-line description naming the host or id", () => {
    expect(describeProblem({ code: "chaos.old-primary-loose", host: "h1" })).toContain("h1");
    expect(describeProblem({ code: "chaos.acked-write-lost", id: 17, host: "h2", atMs: 5 })).toContain("17");
    expect(describeProblem({ code: "chaos.no-final-primary", writable: [] })).toContain("none");
  });
});

describe("time to recover", () => {
  test("each fault's end is matched with the next acknowledged write", () => {
    const acked = [50, 120, 900, 905].map((atMs, i) => ({ id: i + 1, atMs, host: "h1" }));
    expect(
      recoveryTimes(
        [
          { seq: 1, atMs: 100 },
          { seq: 2, atMs: 300 },
          { seq: 3, atMs: 1_000 },
        ],
        acked,
      ),
    ).toEqual([
      { seq: 1, recoverMs: 20 },
      { seq: 2, recoverMs: 600 },
      { seq: 3, recoverMs: null },
    ]);
  });

  test("nearest-rank percentiles", () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("write outages", () => {
  test("only gaps between acknowledged writes longer than the threshold count, in time order", () => {
    const acked = [0, 50, 100, 2_100, 2_150, 6_150].map((atMs, i) => ({ id: i + 1, atMs, host: "h1" }));
    expect(writeOutages(acked, 1_000)).toEqual([
      { fromMs: 100, toMs: 2_100, gapMs: 2_000 },
      { fromMs: 2_150, toMs: 6_150, gapMs: 4_000 },
    ]);
    expect(writeOutages(acked, 5_000)).toEqual([]);
    expect(writeOutages([], 1)).toEqual([]);
  });
});

describe("freezes: the instant a frozen primary resumes", () => {
  test("only that host, only inside its resume window, is set aside; a split brain elsewhere still counts", () => {
    const both = (atMs: number) => ({
      atMs,
      hosts: [
        { host: "h1", reachable: true, readOnly: false },
        { host: "h2", reachable: true, readOnly: false },
      ],
    });
    const windows = resumeWindows(
      [{ atMs: 10_000, phase: "end", kind: "pause-mysqld", hosts: ["h1"], error: null }],
      300,
      1_000,
    );
    const judged = withoutResumeInstants([both(9_800), both(10_500), both(12_000)], windows);
    expect(findSplitBrain(judged).map((s) => s.atMs)).toEqual([12_000]);
    // A pause that never took effect excuses nothing.
    const failed = resumeWindows(
      [{ atMs: 10_000, phase: "end", kind: "pause-mysqld", hosts: ["h1"], error: "no mysqld" }],
      300,
      1_000,
    );
    expect(findSplitBrain(withoutResumeInstants([both(10_500)], failed))).toHaveLength(1);
  });
});
