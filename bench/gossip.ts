// Gossip in the simulator with the default config (probe and gossip every 200 ms, fan-out 3,
// push-pull every 10 s scaled up with cluster size). Prints numbers, asserts nothing.
//  - steady: bytes/s per member over 120 s with nothing changing (probes, acks, push-pull),
//    counting ~50 B of envelope per datagram;
//  - spread: a 400-byte record published by one member; time (and 200 ms rounds) until 99% and
//    100% of the others hold it, and the bytes per member that one change costs over 5 s;
//  - false suspicions: suspicions per member-minute, refutations, and false deaths over 10
//    simulated minutes of 10% and 30% loss.
// Network: 1–3 ms one-way delay. Clusters of 5 agents each; 1,000+ members start from a
// membership snapshot (GossipCluster.bootstrap) so the numbers measure dissemination, not joins.
//   node_modules/.bin/bun bench/gossip.ts [sizes, e.g. 10,100,1000,2000]
import { gossipConfig } from "../src/gossip/config.ts";
import { seededRng } from "../src/lib/rng.ts";
import { falseDeaths, missingRecord } from "../src/sim/checkers/gossip-checkers.ts";
import { GossipCluster } from "../src/sim/gossip-cluster.ts";

const sizes = (process.argv[2] ?? "10,100,1000,2000").split(",").map(Number);
const LAN = { lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3 };
const roundMs = gossipConfig({ id: "x", addr: "x", kind: "agent", cluster: "c" }).gossipIntervalMs;

function totalBytes(c: GossipCluster): number {
  let sum = 0;
  for (const t of c.traffic.values()) sum += t.bytesSent;
  return sum;
}

function cluster(n: number, seed: number): GossipCluster {
  const c = new GossipCluster({ rng: seededRng(seed), faults: LAN, tickEveryMs: n > 200 ? 10 : 5 });
  if (n > 200) c.bootstrap(n, { clusterSize: 5 });
  else for (let i = 0; i < n / 5; i++) c.addNodes(5, { cluster: `c${i + 1}` });
  return c;
}

function spread(n: number): void {
  const wallStart = performance.now();
  // Two identical clusters (same seed); only `c` publishes, so `twin` is the no-change baseline.
  const c = cluster(n, 11);
  const twin = cluster(n, 11);
  for (const x of [c, twin]) x.run(n > 200 ? 15_000 : 20_000);
  // Steady state first: probes, acks and push-pull with nothing changing.
  const steadyBefore = totalBytes(c);
  const steadyFromMs = c.nowMs;
  for (const x of [c, twin]) x.run(120_000);
  const steadyBps = (totalBytes(c) - steadyBefore) / n / ((c.nowMs - steadyFromMs) / 1000);
  let busiestBps = 0;
  for (const t of c.traffic.values()) busiestBps = Math.max(busiestBps, t.bytesSent / (c.nowMs / 1000));
  // Then one change: how fast it spreads, and what it costs each member over the baseline.
  const from = c.liveIds()[Math.floor(n / 2)] as string;
  const [before, twinBefore] = [totalBytes(c), totalBytes(twin)];
  const version = c.publish(from, new Uint8Array(400).fill(9));
  const startMs = c.nowMs;
  c.runUntil(() => missingRecord(c, from, version).length <= 0.01 * (n - 1), 30_000);
  const p99Ms = c.nowMs - startMs;
  c.runUntil(() => missingRecord(c, from, version).length === 0, 30_000);
  const allMs = c.nowMs - startMs;
  c.run(5_000 - allMs);
  twin.run(5_000);
  const changeBytes = (totalBytes(c) - before - (totalBytes(twin) - twinBefore)) / n;
  console.log(
    `N=${String(n).padStart(4)}  99%: ${String(p99Ms).padStart(4)} ms (${(p99Ms / roundMs).toFixed(1)} rounds)` +
      `  100%: ${String(allMs).padStart(4)} ms (${(allMs / roundMs).toFixed(1)} rounds)` +
      `  one 400 B change: +${(changeBytes / 1024).toFixed(1)} KB/member` +
      `  steady ${(steadyBps / 1024).toFixed(2)} KB/s/member (busiest ${(busiestBps / 1024).toFixed(2)})` +
      `  largest msg ${c.maxMessageBytes} B  [wall ${((performance.now() - wallStart) / 1000).toFixed(1)} s]`,
  );
}

function falseSuspicion(n: number, loss: number, seeds: number): void {
  let suspicions = 0;
  let refutations = 0;
  let deaths = 0;
  const minutes = 10;
  for (let seed = 1; seed <= seeds; seed++) {
    const c = cluster(n, seed);
    c.run(10_000);
    const fromMs = c.nowMs;
    c.net.setFaults({ ...LAN, lossRate: loss, maxDelayMs: 10 });
    c.run(minutes * 60_000);
    for (const e of c.events) {
      if (e.atMs < fromMs) continue;
      if (e.event.type === "member-suspected" && e.event.by === e.node) suspicions++;
      if (e.event.type === "self-refuted") refutations++;
    }
    // Count each false death once, where it was declared (not every member that heard of it).
    deaths += falseDeaths(c, fromMs).filter((line) => /: (\S+) declared .* \(by \1\)/.test(line)).length;
  }
  const memberMinutes = n * minutes * seeds;
  console.log(
    `N=${n} loss ${loss * 100}%: ${(suspicions / memberMinutes).toFixed(2)} false suspicions per member-minute,` +
      ` ${(refutations / memberMinutes).toFixed(2)} refutations per member-minute,` +
      ` ${deaths} false deaths in ${seeds} × ${minutes} simulated minutes`,
  );
}

console.log("-- spread of one record, and traffic");
for (const n of sizes) spread(n);
console.log("-- false suspicions (no member is down)");
for (const loss of [0.1, 0.3]) {
  falseSuspicion(5, loss, 10);
  falseSuspicion(50, loss, 2);
}
