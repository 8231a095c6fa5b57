import { describe, expect, test } from "bun:test";
import { seededRng } from "../../src/lib/rng.ts";
import {
  DEFAULT_SCHEDULE,
  generateSchedule,
  resolveFault,
  type ScheduledFault,
  type ScheduleOptions,
} from "./harness/schedule.ts";
import { type NemesisPort, runSchedule } from "./harness/schedule-runner.ts";

const OPTS: ScheduleOptions = { ...DEFAULT_SCHEDULE, totalMs: 300_000 };

function fault(over: Partial<ScheduledFault>): ScheduledFault {
  return {
    seq: 1,
    atMs: 0,
    durationMs: 1_000,
    kind: "isolate",
    target: "primary",
    pick: 0,
    lossPercent: 30,
    clientSide: "all",
    ...over,
  };
}

describe("schedule generation", () => {
  test("the same seed gives the same schedule; another seed a different one", () => {
    const a = generateSchedule(seededRng(42), OPTS);
    expect(generateSchedule(seededRng(42), OPTS)).toEqual(a);
    expect(generateSchedule(seededRng(43), OPTS)).not.toEqual(a);
  });

  test("faults are sequential, within their bounds, and all end by the total", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const s = generateSchedule(seededRng(seed), OPTS);
      expect(s.length).toBeGreaterThan(5);
      expect(s[0]!.atMs).toBe(OPTS.warmupMs);
      s.forEach((f, i) => {
        expect(f.seq).toBe(i + 1);
        expect(f.durationMs).toBeGreaterThanOrEqual(OPTS.faultMs[0]);
        expect(f.durationMs).toBeLessThanOrEqual(OPTS.faultMs[1]);
        expect(f.lossPercent).toBeGreaterThanOrEqual(OPTS.lossPercent[0]);
        expect(f.lossPercent).toBeLessThanOrEqual(OPTS.lossPercent[1]);
        expect(OPTS.kinds).toContain(f.kind);
        expect(f.atMs + f.durationMs).toBeLessThanOrEqual(OPTS.totalMs);
        const next = s[i + 1];
        if (next) {
          const gap = next.atMs - (f.atMs + f.durationMs);
          expect(gap).toBeGreaterThanOrEqual(OPTS.quietMs[0]);
          expect(gap).toBeLessThanOrEqual(OPTS.quietMs[1]);
        }
      });
    }
  });

  test("over many seeds every enabled kind and both targets are drawn", () => {
    const all = Array.from({ length: 30 }, (_, i) => generateSchedule(seededRng(i), OPTS)).flat();
    expect(new Set(all.map((f) => f.kind))).toEqual(new Set(OPTS.kinds));
    expect(new Set(all.map((f) => f.target))).toEqual(new Set(["primary", "replica"]));
    // Agents run in the lab now: their kills are part of the default mix.
    expect(all.some((f) => f.kind === "kill-agent")).toBe(true);
  });

  test("a schedule too short for one fault is empty, and no kinds is refused", () => {
    expect(generateSchedule(seededRng(1), { ...OPTS, totalMs: OPTS.warmupMs + OPTS.faultMs[0] - 1 })).toEqual(
      [],
    );
    expect(() => generateSchedule(seededRng(1), { ...OPTS, kinds: [] })).toThrow(RangeError);
  });
});

describe("resolving a fault onto hosts", () => {
  const hosts = ["h1", "h2", "h3", "h4", "h5"];

  test("a primary target hits the current primary; a replica target never does", () => {
    expect(resolveFault(fault({ target: "primary" }), hosts, "h3").hosts).toEqual(["h3"]);
    for (const pick of [0, 0.2, 0.5, 0.99])
      expect(resolveFault(fault({ target: "replica", pick }), hosts, "h3").hosts[0]).not.toBe("h3");
    expect(resolveFault(fault({ target: "replica", pick: 0.99 }), hosts, "h3").hosts).toEqual(["h5"]);
  });

  test("with no known primary a primary target still lands on some host", () => {
    expect(hosts).toContain(resolveFault(fault({ target: "primary", pick: 0.5 }), hosts, null).hosts[0]!);
  });

  test("a partition splits majority from a minority holding the primary, client side as drawn", () => {
    const r = resolveFault(
      fault({ kind: "partition", target: "primary", clientSide: "minority" }),
      hosts,
      "h2",
    );
    expect(r.groups![1]).toHaveLength(2);
    expect(r.groups![1]).toContain("h2");
    expect(r.groups![0]).toHaveLength(3);
    expect([...r.groups![0]!, ...r.groups![1]!].sort()).toEqual(hosts);
    expect(r.clientGroup).toBe(1);
    const three = resolveFault(
      fault({ kind: "partition", target: "replica", clientSide: "all" }),
      hosts.slice(0, 3),
      "h1",
    );
    expect(three.groups![1]).toHaveLength(1);
    expect(three.groups![1]).not.toContain("h1");
    expect(three.clientGroup).toBeNull();
  });
});

class FakeClock {
  nowMsValue = 0;
  nowMs = () => this.nowMsValue;
  sleepMs = async (ms: number) => {
    this.nowMsValue += ms;
  };
}

function recordingNemesis(clock: FakeClock, calls: string[], failOn?: string): NemesisPort {
  const log = (what: string) => {
    calls.push(`${clock.nowMs()} ${what}`);
    if (failOn && what.startsWith(failOn)) throw new Error(`${failOn} refused`);
  };
  return {
    isolate: async (h) => log(`isolate ${h}`),
    partition: async (g, o) => log(`partition ${JSON.stringify(g)} client=${o?.clientGroup}`),
    loss: async (h, p) => log(`loss ${h} ${p}`),
    heal: async () => log("heal"),
    kill9: async (h, w) => {
      log(`kill9 ${h} ${w}`);
      return [1];
    },
    pause: (h) => log(`pause ${h}`),
    resume: (h) => log(`resume ${h}`),
    start: async (h, w) => log(`start ${h} ${w}`),
    restart: async (h) => log(`restart ${h}`),
    delay: async (h, ms) => log(`delay ${h} ${ms}`),
    undelay: async (h) => log(`undelay ${h}`),
  };
}

describe("schedule runner", () => {
  test("injects each fault at its time, reverts it after its duration, and records a timeline", async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const schedule = [
      fault({ seq: 1, atMs: 1_000, durationMs: 2_000, kind: "isolate", target: "primary" }),
      fault({ seq: 2, atMs: 5_000, durationMs: 1_000, kind: "kill-mysqld", target: "replica", pick: 0 }),
      fault({ seq: 3, atMs: 8_000, durationMs: 500, kind: "pause-mysqld", target: "primary" }),
      fault({
        seq: 4,
        atMs: 9_000,
        durationMs: 500,
        kind: "loss",
        target: "replica",
        pick: 0.9,
        lossPercent: 25,
      }),
      fault({
        seq: 5,
        atMs: 10_000,
        durationMs: 700,
        kind: "delay-mysqld",
        target: "primary",
        lossPercent: 40,
      }),
    ];
    const timeline = await runSchedule({
      schedule,
      hosts: ["h1", "h2", "h3"],
      nemesis: recordingNemesis(clock, calls),
      clock,
      primaryOf: () => "h1",
    });
    expect(calls).toEqual([
      "1000 isolate h1",
      "3000 heal",
      "5000 kill9 h2 mysqld",
      "6000 start h2 mysqld",
      "8000 pause h1",
      "8500 resume h1",
      "9000 loss h3 25",
      "9500 heal",
      "10000 delay h1 200",
      "10700 undelay h1",
    ]);
    expect(timeline.map((e) => `${e.atMs} ${e.phase} ${e.seq} ${e.hosts.join(",")}`)).toEqual([
      "1000 start 1 h1",
      "3000 end 1 h1",
      "5000 start 2 h2",
      "6000 end 2 h2",
      "8000 start 3 h1",
      "8500 end 3 h1",
      "9000 start 4 h3",
      "9500 end 4 h3",
      "10000 start 5 h1",
      "10700 end 5 h1",
    ]);
    expect(timeline.find((e) => e.seq === 5)?.detail).toBe("+200 ms each way into primary h1");
    expect(timeline.every((e) => e.error === null)).toBe(true);
  });

  test("a failing nemesis call is recorded and the run goes on; shouldStop ends it early", async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    let stop = false;
    const timeline = await runSchedule({
      schedule: [
        fault({ seq: 1, atMs: 0, kind: "pause-mysqld" }),
        fault({ seq: 2, atMs: 2_000, kind: "isolate" }),
        fault({ seq: 3, atMs: 4_000, kind: "isolate" }),
      ],
      hosts: ["h1", "h2", "h3"],
      nemesis: recordingNemesis(clock, calls, "pause"),
      clock,
      primaryOf: () => "h2",
      onEntry: (e) => {
        if (e.seq === 2 && e.phase === "end") stop = true;
      },
      shouldStop: () => stop,
    });
    expect(timeline[0]!.error).toBe("pause refused");
    expect(timeline.map((e) => e.seq)).toEqual([1, 1, 2, 2]);
    expect(calls).toContain("2000 isolate h2");
  });
});
