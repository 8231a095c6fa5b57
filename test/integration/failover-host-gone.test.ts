// The primary's whole HOST vanishes, on real MariaDB with the COMPILED binary as agents: nft on lo
// DROPs (no RST, no ICMP) every packet to and from the primary's mysqld port and its agent's
// gossip and HTTP ports, so neither the server nor its agent answers anyone. The agents reach
// their own servers through the unix socket (mysql.socket), as on a real host whose network is
// gone; the test samples read_only through the same sockets, which nft can't cut.
// Expected: the cut-off agent fences its server after fence_after; the majority waits past
// fence_after + margin, then promotes; the other replica follows; never two writable servers at
// once; healed, the old primary rejoins as a replica. No writer runs: an insert in flight at the
// cut commits on the cut-off primary alone (its semi-sync wait times out), and that errant
// transaction rightly keeps it from rejoining (rejoin.test.ts covers the refusal).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import mysql from "mysql2/promise";
import { AGENT_GOSSIP_OFFSET, AGENT_HTTP_OFFSET, portIn, TEST_PORT_BLOCKS } from "../helpers/ports.ts";
import { sourcePortOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";
import { SANDBOX_ADMIN } from "../../src/sandbox/sandbox-types.ts";

const BASE = portIn(TEST_PORT_BLOCKS.failoverHostGone, 0);
const NFT_TABLE = "keel_host_gone_test";
/** The sandbox agents' failover.fence_after_ms (the config default). */
const FENCE_AFTER_MS = 1_500;
const SAMPLE_EVERY_MS = 40;
const QUERY_TIMEOUT_MS = 2_000;

/** One round of read_only samples: every server asked at once, through its unix socket. */
interface Round {
  sentAtMs: number;
  answeredAtMs: number;
  /** port → read_only; absent when that server did not answer. */
  readOnly: Map<number, boolean>;
}

function socketsOf(dir: string): Map<number, string> {
  const state = JSON.parse(readFileSync(`${dir}/sandbox.json`, "utf8")) as {
    instances: { port: number; socket: string }[];
  };
  return new Map(state.instances.map((i) => [i.port, i.socket]));
}

/** Rounds of SELECT @@global.read_only on every server, until stopped. */
class SocketSampler {
  readonly rounds: Round[] = [];
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly conns: ReadonlyMap<number, mysql.Connection>) {}

  static async open(sockets: ReadonlyMap<number, string>): Promise<SocketSampler> {
    const conns = new Map<number, mysql.Connection>();
    for (const [port, socketPath] of sockets) {
      const conn = await mysql.createConnection({ socketPath, ...SANDBOX_ADMIN });
      conn.on("error", () => undefined);
      conns.set(port, conn);
    }
    return new SocketSampler(conns);
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const c of this.conns.values()) c.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const sentAtMs = performance.now();
      const answers = await Promise.all(
        [...this.conns].map(async ([port, c]) => {
          try {
            const [rows] = await c.query({
              sql: "SELECT @@global.read_only AS ro",
              timeout: QUERY_TIMEOUT_MS,
            });
            return [port, (rows as { ro: number }[])[0]?.ro === 1] as const;
          } catch {
            return null;
          }
        }),
      );
      const readOnly = new Map(answers.filter((a) => a !== null));
      this.rounds.push({ sentAtMs, answeredAtMs: performance.now(), readOnly });
      await Bun.sleep(SAMPLE_EVERY_MS);
    }
  }
}

function nft(args: string[], stdin?: string): void {
  const r = Bun.spawnSync(["nft", ...args], {
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "ignore",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`nft ${args.join(" ")}: ${r.stderr.toString()}`);
}

/** Drops, in one atomic batch, every lo packet to or from the host's three ports. */
function cutHost(mysqlPort: number): void {
  heal();
  const tcp = `{ ${mysqlPort}, ${mysqlPort + AGENT_HTTP_OFFSET} }`;
  const udp = String(mysqlPort + AGENT_GOSSIP_OFFSET);
  nft(
    ["-f", "-"],
    [
      `add table inet ${NFT_TABLE}`,
      `add chain inet ${NFT_TABLE} in { type filter hook input priority -10 ; }`,
      `add rule inet ${NFT_TABLE} in iif lo tcp dport ${tcp} drop`,
      `add rule inet ${NFT_TABLE} in iif lo tcp sport ${tcp} drop`,
      `add rule inet ${NFT_TABLE} in iif lo udp dport ${udp} drop`,
      `add rule inet ${NFT_TABLE} in iif lo udp sport ${udp} drop`,
      "",
    ].join("\n"),
  );
}

function heal(): void {
  Bun.spawnSync(["nft", "delete", "table", "inet", NFT_TABLE], { stdout: "ignore", stderr: "ignore" });
}

let c: TestCluster;

describe("the primary's host gone (packets dropped, no RST)", () => {
  useAdoptedCluster(
    {
      basePort: BASE,
      patchConfig: (config, _nodeId, dir) => {
        const m = config.mysql as { port: number; socket?: string };
        const socket = socketsOf(dir).get(m.port);
        if (socket === undefined) throw new Error(`no socket for ${m.port}`);
        m.socket = socket;
      },
    },
    (started) => {
      c = started;
    },
    { adoptWithinMs: 15_000, beforeRemove: heal },
  );

  test("the cut-off primary fences itself, then a replica takes over; healed, it rejoins", async () => {
    const sampler = await SocketSampler.open(socketsOf(c.dir));
    sampler.start();
    await waitFor("db1 writable", 5_000, async () => sampler.rounds.at(-1)?.readOnly.get(BASE) === false);
    await Bun.sleep(1_000);
    const cutWallMs = Date.now();
    const cutAtMs = performance.now();
    try {
      cutHost(BASE);
      const ledger = await waitFor("a finished recovery", 20_000, async () => {
        const l = await c.ledger(BASE + 1);
        return l?.recoveries.find((r) => r.state === "finished" || r.state === "failed") ? l : null;
      });
      const recovery = ledger.recoveries[0];
      expect(recovery?.state).toBe("finished");
      const successor = recovery?.successor ?? "";
      expect(["db2", "db3"]).toContain(successor);
      const newPort = c.portOf(successor);
      const otherPort = newPort === BASE + 1 ? BASE + 2 : BASE + 1;
      const firstWritable = await waitFor(
        "the successor writable",
        5_000,
        async () => sampler.rounds.find((r) => r.readOnly.get(newPort) === false) ?? null,
      );
      await waitFor(
        "the other replica to follow",
        10_000,
        async () => (await sourcePortOf(otherPort)) === newPort,
      );
      const repointedAtMs = performance.now();

      const firstFenced = sampler.rounds.find((r) => r.sentAtMs > cutAtMs && r.readOnly.get(BASE) === true);
      expect(firstFenced).toBeDefined();
      const fencedMs = (firstFenced?.answeredAtMs ?? 0) - cutAtMs;
      const writableMs = firstWritable.answeredAtMs - cutAtMs;
      const detected = (recovery as { detectedWallMs?: number } | undefined)?.detectedWallMs;
      console.log(
        `host gone: detected ${detected === undefined ? "?" : detected - cutWallMs} ms, old primary ` +
          `self-fenced ${Math.round(fencedMs)} ms, successor writable ${Math.round(writableMs)} ms, ` +
          `other replica repointed ${Math.round(repointedAtMs - cutAtMs)} ms after the cut; ` +
          `${sampler.rounds.length} sample rounds`,
      );
      // The old primary fenced itself no earlier than fence_after, and before anyone was promoted.
      expect(fencedMs).toBeGreaterThanOrEqual(FENCE_AFTER_MS - 200);
      expect(firstFenced?.answeredAtMs ?? Number.POSITIVE_INFINITY).toBeLessThan(firstWritable.sentAtMs);
      expect(writableMs).toBeGreaterThanOrEqual(FENCE_AFTER_MS);
      expect(readFileSync(`${c.dir}/agent-${BASE}/agent.log`, "utf8")).toContain(
        '"msg":"failover.self-fenced"',
      );
    } finally {
      heal();
    }
    const newPort = c.portOf((await c.ledger(BASE + 1))?.primary ?? "");
    await waitFor("the old primary to replicate from the new one", 20_000, async () =>
      (await sourcePortOf(BASE)) === newPort ? true : null,
    );
    await Bun.sleep(300); // a few more rounds with everyone connected again
    await sampler.stop();
    // Never two writable servers in one round, through the cut, the promotion and the heal.
    const twoWritable = sampler.rounds.filter((r) => [...r.readOnly.values()].filter((ro) => !ro).length > 1);
    expect(twoWritable).toEqual([]);
    expect(sampler.rounds.at(-1)?.readOnly).toEqual(new Map(c.ports.map((p) => [p, p !== newPort] as const)));
  }, 80_000);
});
