// Every refusal of the planner has words naming the members and a way out.
import { describe, expect, test } from "bun:test";
import { planningMessages } from "../../../../src/cli/messages/planning.ts";
import type { PlanningCheckRefusal } from "../../../../src/runtime/recovery-planning.ts";

const samples: PlanningCheckRefusal[] = [
  { code: "planning.position-unknown", nodeIds: ["db3"] },
  { code: "planning.failure-cleared", nodeId: "db1" },
  { code: "planning.ack-holders-unknown", nodeId: "db1", nodeIds: ["db2", "db5"] },
];

describe("planning messages", () => {
  test("the samples cover every code", () => {
    expect(samples.map((s): string => s.code).sort()).toEqual(Object.keys(planningMessages).sort());
  });

  test.each(samples.map((s) => [s.code, s] as const))("%s names its members and a fix", (_code, e) => {
    const words = (planningMessages[e.code] as (x: PlanningCheckRefusal) => { problem: string; fix: string })(
      e,
    );
    for (const id of "nodeIds" in e ? e.nodeIds : [e.nodeId]) expect(words.problem).toContain(id);
    expect(words.fix.length).toBeGreaterThan(20);
  });

  test("unreachable semi-sync replicas: the words say what could be lost and offer --force", () => {
    const words = planningMessages["planning.ack-holders-unknown"]({
      code: "planning.ack-holders-unknown",
      nodeId: "db1",
      nodeIds: ["db2"],
    });
    expect(words.problem).toContain("acknowledged");
    expect(words.fix).toContain("--force");
  });
});
