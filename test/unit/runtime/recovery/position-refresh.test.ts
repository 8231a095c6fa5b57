// The leader's position refresh before a failover (review 2 item 6): each member is probed, a
// failed probe is asked again once, and an alive member whose server its agent reaches but the
// leader does not is named in positionsUnknown instead of silently keeping its gossiped position.
import { describe, expect, test } from "bun:test";
import type { AgentView } from "../../../../src/model/cluster-view.ts";
import type { InstanceState } from "../../../../src/model/instance-state.ts";
import { Ledger } from "../../../../src/raft/ledger.ts";
import { refreshPositionsWith } from "../../../../src/runtime/position-refresh.ts";
import { healthy } from "../../failover/view-builder.ts";
import { snapshotOf } from "./fixture.ts";

/** A probe answering from `answers` per node: one entry per call, null = no answer. */
function scriptedProbe(view: { agents: readonly AgentView[] }, answers: Record<string, boolean[]>) {
  const calls: string[] = [];
  const probe = async (a: AgentView): Promise<InstanceState | null> => {
    calls.push(a.nodeId);
    const answer = answers[a.nodeId]?.shift() ?? true;
    const gossiped = view.agents.find((x) => x.nodeId === a.nodeId)?.instance ?? null;
    if (!answer || gossiped === null || !gossiped.reachable) return null;
    return { ...gossiped, gtidExecuted: `fresh-${a.nodeId}` };
  };
  return { probe, calls };
}

describe("refreshPositionsWith", () => {
  test("members answering (at the first or second ask) are refreshed; one that never answers is unknown", async () => {
    const view = healthy("mysql", 4).build();
    const { probe, calls } = scriptedProbe(view, { db3: [false, true], db4: [false, false] });
    const out = await refreshPositionsWith(snapshotOf(view, new Ledger()), "db1", probe);
    expect(out.positionsUnknown).toEqual(["db4"]);
    expect(out.answered).toEqual(["db2", "db3"]);
    expect(calls.filter((c) => c === "db1")).toEqual([]);
    expect(calls.filter((c) => c === "db3")).toHaveLength(2);
    const executed = (id: string) => {
      const inst = out.view.agents.find((a) => a.nodeId === id)?.instance;
      return inst?.reachable ? inst.gtidExecuted : null;
    };
    expect(executed("db2")).toBe("fresh-db2");
    expect(executed("db3")).toBe("fresh-db3");
    expect(executed("db4")).not.toBe("fresh-db4");
  });

  test("a member whose server is down or whose agent is silent is not unknown: nothing says it answers", async () => {
    const view = healthy("mysql", 4).mysqldDown("db3").agentSilent("db4").build();
    const { probe } = scriptedProbe(view, { db4: [false, false] });
    const out = await refreshPositionsWith(snapshotOf(view, new Ledger()), "db1", probe);
    expect(out.positionsUnknown).toEqual([]);
    expect(out.answered).toEqual(["db2"]);
  });

  test("a member whose agent gossip holds for silent but whose server answers the leader is named answered", async () => {
    const view = healthy("mysql", 4).agentSilent("db4", 60_000, "dead").build();
    const { probe } = scriptedProbe(view, {});
    const out = await refreshPositionsWith(snapshotOf(view, new Ledger()), "db1", probe);
    expect(out.answered).toEqual(["db2", "db3", "db4"]);
  });
});
