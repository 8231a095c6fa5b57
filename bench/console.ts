// How long the console's pure views take per frame for 100 clusters × 10 instances (aim < 30 ms),
// and the heap they use. Prints numbers, asserts nothing.
// Run: node_modules/.bin/bun bench/console.ts
import { renderInstanceDetail } from "../src/console/views/instance-detail.ts";
import { renderScreen, type ScreenModel } from "../src/console/views/screen.ts";
import { renderTopology } from "../src/console/views/topology-lines.ts";
import { buildTopologyTree } from "../src/console/views/topology-tree.ts";
import { type AnalysisCode, ANALYSIS_CODES } from "../src/model/analysis-code.ts";
import type { ReachableInstance, ReplicationChannel } from "../src/model/instance-state.ts";
import type {
  ClusterSummaryView,
  EventView,
  QuorumView,
  TopologyInstanceView,
} from "../src/model/topology-view.ts";
import { seededRng } from "../src/lib/rng.ts";

const CLUSTERS = 100;
const PER_CLUSTER = 10;
const WALL_MS = Date.UTC(2026, 10, 24, 12, 0, 0);
const rng = seededRng(11);

function channel(host: string, port: number): ReplicationChannel {
  const broken = rng.chance(0.05);
  return {
    name: "",
    sourceHost: host,
    sourcePort: port,
    sourceServerId: 1,
    ioState: broken ? "connecting" : "yes",
    sqlRunning: true,
    secondsBehind: broken ? null : rng.int(30),
    retrievedGtidSet: "0-1-100000",
    executedGtidSet: "0-1-100000",
    gtidAutoPosition: true,
    mariadbUsingGtid: "Slave_Pos",
    sourceLogFile: "mysql-bin.000042",
    readSourceLogPos: 123_456,
    relaySourceLogFile: "mysql-bin.000042",
    execSourceLogPos: 123_456,
    lastIoErrno: broken ? 2003 : 0,
    lastIoError: broken ? "error reconnecting to master 'repl@10.0.0.1:3306' - retry-time: 1" : "",
    lastSqlErrno: 0,
    lastSqlError: "",
    sqlDelaySeconds: 0,
    heartbeatPeriodSeconds: 1,
    connectRetrySeconds: 1,
  };
}

function server(c: number, i: number): ReachableInstance {
  const host = `db-${c}-${i}.dc${c % 3}.example.internal`;
  const sourceIndex = i === 0 ? null : i < 7 ? 0 : 1 + rng.int(3);
  return {
    reachable: true,
    key: { host, port: 3306 },
    probedAtWallMs: WALL_MS,
    probeLatencyMs: 2,
    flavor: "mariadb",
    version: "10.11.19-MariaDB-0+deb12u1-log",
    versionNumbers: [10, 11, 19],
    versionComment: "Debian 12",
    serverId: c * 100 + i,
    serverUuid: null,
    reportHost: null,
    reportPort: null,
    readOnly: i !== 0,
    superReadOnly: null,
    logBin: true,
    logReplicaUpdates: true,
    binlogFormat: "ROW",
    gtidMode: "MARIADB",
    gtidExecuted: "0-1-100000,1-2-5000",
    mariadbGtid: {
      binlogPos: "0-1-100000",
      binlogState: "",
      currentPos: "0-1-100000",
      slavePos: "0-1-99999",
      strictMode: true,
      domainId: 0,
    },
    binlog: { file: "mysql-bin.000042", position: 123_456 },
    channels:
      sourceIndex === null ? [] : [channel(`db-${c}-${sourceIndex}.dc${c % 3}.example.internal`, 3306)],
    semiSync: {
      available: true,
      sourceEnabled: i === 0,
      sourceActive: i === 0,
      replicaEnabled: i !== 0,
      replicaActive: i !== 0,
      sourceClients: 2,
      sourceTimeoutMs: 10_000,
      waitForReplicaCount: 1,
    },
  };
}

function cluster(c: number): TopologyInstanceView[] {
  return Array.from({ length: PER_CLUSTER }, (_, i) => {
    const inst = server(c, i);
    const down = rng.chance(0.03);
    return {
      key: `${inst.key.host}:3306`,
      nodeId: `n-${c}-${i}`,
      instance: down
        ? {
            reachable: false,
            key: inst.key,
            probedAtWallMs: WALL_MS,
            probeLatencyMs: 1500,
            reason: "timeout",
            errorCode: "ETIMEDOUT",
            message: "connect ETIMEDOUT",
          }
        : inst,
      lastReachable: inst,
      agentStatus: down ? "suspect" : "alive",
      stateAgeMs: rng.int(8_000),
      downtime: rng.chance(0.02)
        ? { untilWallMs: WALL_MS + 3_600_000, owner: "ops", reason: "backup" }
        : null,
      errantGtids: rng.chance(0.02) ? "1-9-3" : null,
      isLedgerPrimary: i === 0,
      promotionRule: "neutral",
      datacenter: `dc${c % 3}`,
      analysis: [],
    };
  });
}

const heapBefore = process.memoryUsage().heapUsed;
const codes = Object.keys(ANALYSIS_CODES) as AnalysisCode[];
const topologies = Array.from({ length: CLUSTERS }, (_, c) => cluster(c));
const summaries: ClusterSummaryView[] = topologies.map((t, c) => ({
  cluster: `cluster-${String(c).padStart(3, "0")}`,
  primaryKey: t[0]?.key ?? null,
  epoch: 1 + rng.int(50),
  health: rng.chance(0.9) ? "ok" : "degraded",
  instanceCount: t.length,
  problems: rng.chance(0.9) ? [] : [rng.pick(codes)],
}));
const events: EventView[] = Array.from({ length: 1_000 }, (_, i) => ({
  atWallMs: WALL_MS + i * 1_000,
  cluster: `cluster-${String(i % CLUSTERS).padStart(3, "0")}`,
  kind: "recovery-step",
  severity: "info",
  text: `step ${i % 7}/7 of plan ${i}: repoint db-${i % CLUSTERS}-3 to the new primary and wait for its IO thread`,
}));
const quorum: QuorumView = {
  term: 12,
  leader: "n-0-0",
  commitIndex: 9_000,
  appliedIndex: 9_000,
  quorumOk: true,
  members: Array.from({ length: 5 }, (_, i) => ({
    nodeId: `n-0-${i}`,
    role: i === 0 ? "leader" : "follower",
    lastContactAgeMs: i === 0 ? null : 100 * i,
    matchIndex: 9_000 - i,
    voter: true,
    witness: i === 4,
  })),
};
const heapModel = process.memoryUsage().heapUsed;

function model(selected: number): ScreenModel {
  return {
    clusters: summaries,
    selectedCluster: summaries[selected]?.cluster ?? null,
    topology: topologies[selected] ?? [],
    selectedInstance: topologies[selected]?.[3]?.key ?? null,
    quorum,
    events,
    overlay: null,
    status: "observer via 10.0.0.5:7946",
  };
}

function measure(label: string, frames: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < 20; i++) fn(i);
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(3);
  console.log(`${label.padEnd(58)} median ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${at(1)} ms`);
}

console.log(`console views: ${CLUSTERS} clusters x ${PER_CLUSTER} instances, ${events.length} events`);
measure("screen 80x24 (list of 100, one topology, quorum, events)", 500, (i) =>
  renderScreen(model(i % CLUSTERS), 80, 24),
);
measure("screen 132x40", 500, (i) => renderScreen(model(i % CLUSTERS), 132, 40));
measure("screen 250x80", 200, (i) => renderScreen(model(i % CLUSTERS), 250, 80));
measure("every cluster's topology (1,000 lines, keel topology)", 100, () =>
  topologies.map((t) => renderTopology(buildTopologyTree(t))),
);
measure("every cluster's topology at width 80", 100, () =>
  topologies.map((t) => renderTopology(buildTopologyTree(t), { width: 80 })),
);
measure("detail overlay 80x24", 500, (i) => {
  const inst = topologies[i % CLUSTERS]?.[5];
  if (inst) renderScreen({ ...model(i % CLUSTERS), overlay: { kind: "detail", instance: inst } }, 80, 24);
});
measure("instance detail alone, width 132", 1_000, (i) => {
  const inst = topologies[i % CLUSTERS]?.[i % PER_CLUSTER];
  if (inst) renderInstanceDetail(inst, { width: 132 });
});

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const heapAfter = process.memoryUsage().heapUsed;
console.log(
  `heap: model ${mb(heapModel - heapBefore)} MB, after rendering ${mb(heapAfter)} MB used (GC not forced); rss ${mb(process.memoryUsage().rss)} MB`,
);
