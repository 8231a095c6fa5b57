// A seeded chaos soak on a network-namespace lab with the compiled keel agent on every host:
// prints faults injected, recoveries, split-brain instants, acknowledged writes lost, time to
// recover p50/p95 and the seed to replay. Needs root. KEEL_CHAOS_BIN picks another binary.
// Usage: bun bench/chaos.ts --minutes N --seed S [--hosts 3|5] [--semi-sync-timeout-ms MS (0 = async)]
// Exits 1 when an invariant broke (never on timings).
import { parseArgs } from "node:util";
import { type ChaosReport, runChaos } from "../test/chaos/harness/chaos-run.ts";
import { describeProblem } from "../test/chaos/harness/checkers/final-state.ts";
import { percentile, recoveryTimes, writeOutages } from "../test/chaos/harness/checkers/recovery-time.ts";
import { createLab } from "../test/chaos/harness/lab.ts";
import { startLabAgents, waitLedgerPrimary } from "../test/chaos/harness/lab-agents.ts";

/** A pause between acknowledged writes longer than this is an outage (the writer inserts every ~50 ms). */
const OUTAGE_MIN_GAP_MS = 1_000;

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    seed: { type: "string" },
    hosts: { type: "string", default: "5" },
    "semi-sync-timeout-ms": { type: "string", default: "10000" },
  },
});
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const hosts = Number(values.hosts);
const semiSyncMs = Number(values["semi-sync-timeout-ms"]);
if (!(minutes > 0) || !Number.isInteger(seed) || !(hosts === 3 || hosts === 5) || !(semiSyncMs >= 0)) {
  console.error("usage: bun bench/chaos.ts --minutes N --seed S [--hosts 3|5] [--semi-sync-timeout-ms MS]");
  process.exit(2);
}
const replay = `bun bench/chaos.ts --minutes ${minutes} --seed ${seed} --hosts ${hosts} --semi-sync-timeout-ms ${semiSyncMs}`;

function summarize(r: ChaosReport, startMs: number): boolean {
  const byKind = new Map<string, number>();
  for (const e of r.timeline)
    if (e.phase === "start" && e.error === null) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
  const ends = r.timeline.filter((e) => e.phase === "end").map((e) => ({ seq: e.seq, atMs: e.atMs }));
  const rec = recoveryTimes(ends, r.acked);
  const afterEnd = rec.flatMap((x) => (x.recoverMs === null ? [] : [x.recoverMs]));
  const outages = writeOutages(r.acked, OUTAGE_MIN_GAP_MS).map((o) => o.gapMs);
  const fmt = (n: number) => (Number.isNaN(n) ? "-" : `${Math.round(n)} ms`);
  const at = (ms: number) => `+${((ms - startMs) / 1000).toFixed(1)} s`;
  const states = new Map<string, number>();
  for (const x of r.recoveries) states.set(x.state, (states.get(x.state) ?? 0) + 1);
  console.log(
    `\nfaults injected:        ${r.faultsInjected} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")})`,
  );
  console.log(
    `recoveries:             ${r.recoveries.length} (${[...states].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}); epochs ${r.epochs.map((e) => `${e.epoch}:${e.primary}`).join(" → ")}`,
  );
  console.log(`split-brain instants:   ${r.splitBrain.length} of ${r.samples} samples`);
  console.log(`writes outside epoch:   ${r.epochViolations.length}`);
  console.log(
    `acked writes lost:      ${r.lostWrites.length} of ${r.acked.length} acked (${r.attemptedWrites} attempted)`,
  );
  console.log(
    `time to recover:        p50 ${fmt(percentile(outages, 50))}, p95 ${fmt(percentile(outages, 95))} (write outages > ${OUTAGE_MIN_GAP_MS} ms, n=${outages.length}, longest ${fmt(outages.length ? Math.max(...outages) : Number.NaN)})`,
  );
  console.log(
    `fault end → next ack:   p50 ${fmt(percentile(afterEnd, 50))}, p95 ${fmt(percentile(afterEnd, 95))} (n=${afterEnd.length}, never: ${rec.length - afterEnd.length})`,
  );
  console.log(`final primary:          ${r.finalPrimary ?? "none"}`);
  for (const s of r.splitBrain.slice(0, 5))
    console.log(`  split brain at ${at(s.atMs)}: ${s.writable.join(", ")}`);
  for (const v of r.epochViolations.slice(0, 5))
    console.log(`  ${v.host} writable at ${at(v.atMs)} in epoch ${v.epoch} of ${v.epochPrimary}`);
  for (const p of r.problems) console.log(`  problem: ${describeProblem(p)}`);
  console.log(`run took ${(r.durationMs / 1000).toFixed(1)} s; seed ${seed}\nreplay: ${replay}`);
  return r.problems.length === 0 && r.splitBrain.length === 0 && r.epochViolations.length === 0;
}

console.log(
  `keel chaos: seed ${seed}, ${hosts} hosts, ${minutes} min, ${semiSyncMs > 0 ? `semi-sync ${semiSyncMs} ms` : "async replication"}`,
);
const lab = await createLab({ hosts, semiSyncTimeoutMs: semiSyncMs > 0 ? semiSyncMs : undefined });
const agents = startLabAgents(lab);
let healthy = false;
try {
  await waitLedgerPrimary(lab, 30_000);
  const startMs = performance.now();
  const report = await runChaos({
    lab,
    agents,
    seed,
    totalMs: Math.round(minutes * 60_000),
    settleTimeoutMs: 60_000,
    onEntry: (e) =>
      console.log(
        `+${((e.atMs - startMs) / 1000).toFixed(1).padStart(6)} s  ${e.phase.padEnd(5)} #${e.seq} ${e.kind.padEnd(14)} ${e.detail}${e.error ? `  (failed: ${e.error})` : ""}`,
      ),
  });
  healthy = summarize(report, startMs);
} catch (e) {
  console.error(`keel chaos: ${(e as Error).message}\nseed ${seed}; replay: ${replay}`);
} finally {
  await agents.stop();
  await lab.teardown();
}
process.exit(healthy ? 0 : 1);
