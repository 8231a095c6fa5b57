// The test port registry: blocks disjoint and below the ephemeral range, in-block layout kept
// inside its block, and every integration/e2e test that binds fixed ports accounted for.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  AGENT_OFFSET_ARGS,
  agentPortsIn,
  BLOCK_INSTANCES_MAX,
  EPHEMERAL_PORT_FIRST_DEFAULT,
  type PortBlock,
  portIn,
  RESERVED_PORT_BLOCKS,
  TEST_PORT_BLOCKS,
} from "./ports.ts";

const ROOT = join(import.meta.dir, "../..");
const ALL: PortBlock[] = [...Object.values(TEST_PORT_BLOCKS), ...RESERVED_PORT_BLOCKS];
/** Lowest port the kernel hands out implicitly on this machine (never above Linux's default). */
function ephemeralFirst(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    return Math.min(Number(low), EPHEMERAL_PORT_FIRST_DEFAULT);
  } catch {
    return EPHEMERAL_PORT_FIRST_DEFAULT;
  }
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f));
}

function ownerGlobs(b: PortBlock): Bun.Glob[] {
  return b.owner.split(", ").map((g) => new Bun.Glob(g));
}

describe("the port blocks", () => {
  test("are well formed, disjoint, and end below the ephemeral range", () => {
    const limit = ephemeralFirst();
    for (const b of ALL) {
      expect([b.owner, Number.isInteger(b.first) && b.first >= 1024 && b.first <= b.last]).toEqual([
        b.owner,
        true,
      ]);
      expect([b.owner, b.last < limit]).toEqual([b.owner, true]);
    }
    const sorted = [...ALL].sort((a, b) => a.first - b.first);
    const overlaps = sorted.slice(1).flatMap((b, i) => {
      const prev = sorted[i] as PortBlock;
      return b.first <= prev.last ? [`${prev.owner} / ${b.owner}`] : [];
    });
    expect(overlaps).toEqual([]);
  });

  test("each test block has room for the full agent layout", () => {
    for (const b of Object.values(TEST_PORT_BLOCKS)) {
      const p = agentPortsIn(b, BLOCK_INSTANCES_MAX);
      const used = [...p.mysql, ...p.gossip, ...p.http];
      expect(new Set(used).size).toBe(used.length);
      expect(used.every((port) => port >= b.first && port <= b.last)).toBe(true);
    }
  });
});

describe("handing out ports", () => {
  const b = TEST_PORT_BLOCKS.topology;

  test("portIn counts from the block's first port and refuses to leave the block", () => {
    expect(portIn(b, 0)).toBe(b.first);
    expect(portIn(b, b.last - b.first)).toBe(b.last);
    expect(() => portIn(b, b.last - b.first + 1)).toThrow(
      /outside test\/integration\/topology\.test\.ts's block/,
    );
    expect(() => portIn(b, -1)).toThrow(/outside/);
    expect(() => portIn(b, 1.5)).toThrow(/outside/);
  });

  test("agentPortsIn matches what sandbox up does with AGENT_OFFSET_ARGS", () => {
    const p = agentPortsIn(b, 3);
    const gossipOffset = Number(AGENT_OFFSET_ARGS[AGENT_OFFSET_ARGS.indexOf("--gossip-port-offset") + 1]);
    const httpOffset = Number(AGENT_OFFSET_ARGS[AGENT_OFFSET_ARGS.indexOf("--http-port-offset") + 1]);
    expect(p.mysql).toEqual([b.first, b.first + 1, b.first + 2]);
    expect(p.gossip).toEqual(p.mysql.map((m) => m + gossipOffset));
    expect(p.http).toEqual(p.mysql.map((m) => m + httpOffset));
    expect(() => agentPortsIn(b, BLOCK_INSTANCES_MAX + 1)).toThrow(/don't fit/);
  });
});

describe("the tests that bind fixed ports", () => {
  const sources = [...filesUnder("test/integration", /\.ts$/), ...filesUnder("test/e2e", /\.ts$/)];

  test("every one either takes its block from ports.ts or is a reserved owner", () => {
    const binds = /basePort|--base-port|\.listen\(\d|gossipPort|httpPort|startAgentSandbox\(/;
    const registered = new Set(Object.values(TEST_PORT_BLOCKS).map((b) => b.owner));
    const unaccounted = sources
      .filter((f) => f.endsWith(".test.ts") && binds.test(readFileSync(join(ROOT, f), "utf8")))
      .filter((f) => {
        if (RESERVED_PORT_BLOCKS.some((b) => ownerGlobs(b).some((g) => g.match(f)))) return false;
        return !(registered.has(f) && readFileSync(join(ROOT, f), "utf8").includes("helpers/ports.ts"));
      });
    expect(unaccounted).toEqual([]);
  });

  test("no source names a port in the ephemeral range", () => {
    const limit = ephemeralFirst();
    const found = sources.flatMap((f) =>
      [...readFileSync(join(ROOT, f), "utf8").matchAll(/(?<![\d_.])\d{5}(?![\d_])/g)]
        .map((m) => Number(m[0]))
        .filter((n) => n >= limit && n <= 65_535)
        .map((n) => `${relative(ROOT, join(ROOT, f))}: ${n}`),
    );
    expect(found).toEqual([]);
  });
});
