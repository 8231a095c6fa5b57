// A failover whose leader dies mid-way is finished by the next leader, never started twice: a
// PreFailover hook that sleeps holds the recovery just after recovery-planned, the leader's agent
// is killed -9 there, and the new leader resumes the stored plan to the end.
import { describe, expect, test } from "bun:test";
import { readOnlyOf, sourcePortOf, type TestCluster, waitFor } from "./failover-harness.ts";
import { useAdoptedCluster } from "./shared-cluster.ts";

const BASE = 32200;
let c: TestCluster;

describe("a recovery survives its leader", () => {
  useAdoptedCluster(
    {
      basePort: BASE,
      patchConfig: (config) => {
        config.hooks = { timeout_ms: 10_000, PreFailover: ["sleep 3"] };
      },
    },
    (started) => {
      c = started;
    },
  );

  test("kill -9 of the leader right after recovery-planned: the next leader finishes it", async () => {
    await c.killMysqld(BASE);
    await waitFor(
      "recovery-planned",
      10_000,
      async () => (await c.ledger(BASE + 1))?.recoveries[0]?.state === "planned",
    );
    const leader = await c.leader(BASE + 1);
    expect(leader).not.toBeNull();
    const leaderPort = c.portOf(leader ?? "");
    await c.killAgent(leaderPort);
    const observer = c.ports.find((p) => p !== leaderPort && p !== BASE) ?? BASE + 1;
    const l = await waitFor("the recovery to finish under a new leader", 20_000, async () => {
      const x = await c.ledger(observer);
      return x?.recoveries[0]?.state === "finished" || x?.recoveries[0]?.state === "failed" ? x : null;
    });
    expect(l.recoveries.length).toBe(1);
    const r = l.recoveries[0];
    expect(r?.state).toBe("finished");
    const successorPort = c.portOf(r?.successor ?? "");
    expect(l.primary).toBe(r?.successor ?? "none");
    expect(await readOnlyOf(successorPort)).toBe(false);
    const other = c.ports.find((p) => p !== BASE && p !== successorPort) ?? -1;
    await waitFor(
      "the other replica to follow",
      8_000,
      async () => (await sourcePortOf(other)) === successorPort,
    );
    const newLeader = await c.leader(observer);
    expect(newLeader).not.toBe(leader);
    expect(c.logOf(c.portOf(newLeader ?? ""))).toContain("recovery.resumed");
    console.log(
      `leader ${leader} killed; ${newLeader} resumed; steps: ${r?.steps.map((s) => `${s.name}=${s.status}`).join(" ")}`,
    );
  }, 60_000);
});
