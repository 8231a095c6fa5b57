// Seeded gossip simulation: real GossipNodes on the simulated network. Each seed draws its own
// cluster size and fault mix; the checkers in src/sim/checkers/gossip-checkers.ts decide.
//   KEEL_SEED=<n>  replay exactly that seed in every group below
import { describe, expect, test } from "bun:test";
import {
  falseDeaths,
  missingRecord,
  notYetDead,
  oversizedMessages,
  viewDisagreements,
} from "../../src/sim/checkers/gossip-checkers.ts";
import { GossipCluster } from "../../src/sim/gossip-cluster.ts";
import type { LinkFaults } from "../../src/sim/sim-network.ts";
import { GOSSIP_MESSAGE_BYTES_MAX } from "../../src/lib/limits.ts";
import { type Rng, seededRng } from "../../src/lib/rng.ts";

const replay = process.env.KEEL_SEED;
/** KEEL_GOSSIP_SEED_SCALE=<x> multiplies every group's seed count (a longer soak). */
const scale = Number(process.env.KEEL_GOSSIP_SEED_SCALE ?? 1);
const seedsFor = (count: number): number[] =>
  replay !== undefined
    ? [Number(replay)]
    : Array.from({ length: Math.max(1, Math.round(count * scale)) }, (_, i) => i + 1);

/** Runs `body` once per seed; a failing seed says how to replay it. */
function forSeeds(
  name: string,
  count: number,
  body: (seed: number, rng: Rng) => void,
  timeoutMs = 30_000,
): void {
  for (const seed of seedsFor(count)) {
    test(
      `${name} (seed ${seed})`,
      () => {
        try {
          body(seed, seededRng(seed));
        } catch (e) {
          console.error(`${name} failed: KEEL_SEED=${seed} bun test test/sim/gossip.test.ts`);
          throw e;
        }
      },
      timeoutMs,
    );
  }
}

function drawFaults(rng: Rng, lossMax: number): LinkFaults {
  const minDelayMs = 1 + rng.int(3);
  return {
    lossRate: rng.next() * lossMax,
    duplicateRate: rng.next() * 0.02,
    minDelayMs,
    maxDelayMs: minDelayMs + rng.int(10),
  };
}

function settled(c: GossipCluster, withinMs: number): void {
  expect(c.runUntil(() => viewDisagreements(c).length === 0, withinMs)).toBe(true);
}

function expectWireClean(c: GossipCluster): void {
  expect(oversizedMessages(c, GOSSIP_MESSAGE_BYTES_MAX)).toEqual([]);
  expect(c.decodeFailures).toBe(0);
}

/** Publishes a record from a random live member; returns how long until `share` of the others held it. */
function spreadMs(c: GossipCluster, rng: Rng, size: number, share: number, maxMs: number): number {
  const from = rng.pick(c.liveIds());
  const version = c.publish(from, new Uint8Array(size).fill(7));
  const startMs = c.nowMs;
  const need = Math.ceil((c.liveIds().length - 1) * share);
  const done = c.runUntil(
    () => c.liveIds().length - 1 - missingRecord(c, from, version).length >= need,
    maxMs,
  );
  expect(done).toBe(true);
  return c.nowMs - startMs;
}

describe("dissemination: every live member learns a new record", () => {
  forSeeds("10 members, joined one by one, light loss", 20, (_seed, rng) => {
    const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.05), wire: true });
    c.addNodes(10);
    settled(c, 10_000);
    // Bigger than a datagram half the time: the chunked path must spread too.
    expect(spreadMs(c, rng, rng.chance(0.5) ? 3_000 : 300, 1, 2_000)).toBeLessThanOrEqual(2_000);
    expectWireClean(c);
  });

  forSeeds("100 members, joined one by one", 3, (_seed, rng) => {
    const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.02), tickEveryMs: 10 });
    for (let i = 0; i < 20; i++) c.addNodes(5, { cluster: `c${i}` });
    settled(c, 30_000);
    expect(spreadMs(c, rng, 400, 1, 3_000)).toBeLessThanOrEqual(3_000);
    expect(oversizedMessages(c, GOSSIP_MESSAGE_BYTES_MAX)).toEqual([]);
  });

  forSeeds(
    "1,000 members from a membership snapshot: 99% within 2 s, all within 5 s",
    1,
    (_seed, rng) => {
      const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.01), tickEveryMs: 10 });
      c.bootstrap(1_000, { clusterSize: 5 });
      c.run(1_000);
      const from = rng.pick(c.liveIds());
      const version = c.publish(from, new Uint8Array(400).fill(1));
      const startMs = c.nowMs;
      const reached = (share: number) => () => missingRecord(c, from, version).length <= (1 - share) * 999;
      expect(c.runUntil(reached(0.99), 2_000)).toBe(true);
      const ninetyNineMs = c.nowMs - startMs;
      expect(c.runUntil(reached(1), 5_000 - ninetyNineMs)).toBe(true);
      console.log(`  1,000 members: 99% after ${ninetyNineMs} ms, all after ${c.nowMs - startMs} ms`);
      expect(oversizedMessages(c, GOSSIP_MESSAGE_BYTES_MAX)).toEqual([]);
    },
    60_000,
  );
});

describe("failure detection", () => {
  forSeeds("a crashed member of a 3–5 node cluster is dead to all within 4 s", 40, (_seed, rng) => {
    const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.02), wire: true });
    c.addNodes(3 + rng.int(3));
    settled(c, 10_000);
    c.run(rng.int(2_000));
    const victim = rng.pick(c.liveIds());
    c.crash(victim);
    const crashedAtMs = c.nowMs;
    expect(c.runUntil(() => notYetDead(c, victim).length === 0, 4_000)).toBe(true);
    expect(falseDeaths(c)).toEqual([]);
    console.log(`  ${c.ids().length} nodes: ${victim} dead to all after ${c.nowMs - crashedAtMs} ms`);
    expectWireClean(c);
  });

  // 3–5 members (the cluster sizes keel runs), 10% loss plus duplication and reordering.
  forSeeds("10% loss for 10 simulated minutes declares no live member dead", 24, (seed, rng) => {
    const c = new GossipCluster({ rng });
    c.addNodes(3 + (seed % 3));
    settled(c, 10_000);
    c.net.setFaults({ lossRate: 0.1, duplicateRate: 0.02, minDelayMs: 1, maxDelayMs: 10 });
    c.run(600_000);
    const suspicions = c.events.filter((e) => e.event.type === "member-suspected").length;
    // The loss must really bite (suspicions happen and get refuted), or the test proves nothing.
    expect(suspicions).toBeGreaterThan(10);
    expect(falseDeaths(c)).toEqual([]);
    c.net.setFaults({ lossRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 2 });
    settled(c, 10_000);
  });

  forSeeds("a graceful leave is seen as left, not dead, by all within 1 s", 20, (_seed, rng) => {
    const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.02) });
    c.addNodes(4 + rng.int(4));
    settled(c, 10_000);
    const leaver = rng.pick(c.liveIds());
    c.leave(leaver);
    const left = () => c.liveIds().every((n) => c.node(n).member(leaver, c.nowMs)?.status === "left");
    expect(c.runUntil(left, 1_000)).toBe(true);
    expect(c.events.filter((e) => e.event.type === "member-dead")).toEqual([]);
  });
});

describe("partitions and restarts", () => {
  forSeeds(
    "both sides of a partition declare the other dead, then converge after healing",
    5,
    (_seed, rng) => {
      const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.03), wire: true });
      const ids = c.addNodes(4 + rng.int(4));
      settled(c, 10_000);
      const cut = 1 + rng.int(ids.length - 1);
      const [left, right] = [ids.slice(0, cut), ids.slice(cut)];
      c.net.partition([left, right]);
      const splitSeen = () =>
        right.every((id) => left.every((n) => c.node(n).member(id, c.nowMs)?.status === "dead"));
      expect(c.runUntil(splitSeen, 30_000)).toBe(true);
      c.net.heal();
      settled(c, 60_000);
      // A record published after healing reaches the far side too.
      expect(spreadMs(c, rng, 200, 1, 2_000)).toBeLessThanOrEqual(2_000);
      expectWireClean(c);
    },
  );

  forSeeds(
    "a crashed member restarts with no memory, rejoins and outbids its old death",
    20,
    (_seed, rng) => {
      const c = new GossipCluster({ rng, faults: drawFaults(rng, 0.02), wire: true });
      c.addNodes(3 + rng.int(4));
      settled(c, 10_000);
      const victim = rng.pick(c.liveIds().slice(1));
      c.publish(victim, new Uint8Array([1]));
      c.publish(victim, new Uint8Array([2]));
      expect(c.runUntil(() => missingRecord(c, victim, 2).length === 0, 1_000)).toBe(true);
      c.crash(victim);
      expect(c.runUntil(() => notYetDead(c, victim).length === 0, 5_000)).toBe(true);
      // Its last record stays visible, marked stale.
      const seen = c.node(c.liveIds()[0] as string).member(victim, c.nowMs);
      expect(seen?.record).toMatchObject({ version: 2, stale: true });
      c.restart(victim);
      settled(c, 10_000);
      expect(c.node(victim).incarnation).toBeGreaterThan(0);
      // Its first record of the new life must beat the version its old life reached.
      const v = c.publish(victim, new Uint8Array([3]));
      expect(c.runUntil(() => missingRecord(c, victim, v).length === 0, 2_000)).toBe(true);
      expect(c.node(c.liveIds()[0] as string).member(victim, c.nowMs)?.record?.data).toEqual(
        new Uint8Array([3]),
      );
    },
  );
});
