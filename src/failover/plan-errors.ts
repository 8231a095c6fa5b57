// Why a recovery plan could not be made or rebuilt, and why fence_after is refused at start-up, as
// typed values. The words (problem and fix) live in src/cli/messages/failover.ts.

export type PlanError =
  /** The member to promote is the one that failed (or the primary being switched over from). */
  | { code: "failover.plan-same-node"; nodeId: string }
  /** A node id that cannot be written into a step name and read back (empty, or holding ':'). */
  | { code: "failover.plan-bad-node-id"; nodeId: string }
  /** The candidate (or, for a switchover, the primary being replaced) has no reachable server. */
  | { code: "failover.plan-member-unreachable"; nodeId: string; role: "candidate" | "primary" }
  /** A node id listed twice among the plan's members. */
  | { code: "failover.plan-duplicate-node"; nodeId: string }
  /** More steps than the ledger stores for one recovery. */
  | { code: "failover.plan-too-many-steps"; steps: number; maxSteps: number }
  /** A step name read back from the ledger that no keel version writes. */
  | { code: "failover.plan-step-unknown"; name: string };

/** fence_after does not leave the old primary time to fence itself before the majority acts. */
export type FenceAfterError = {
  code: "failover.fence-after-unsafe";
  fenceAfterMs: number;
  marginMs: number;
  /** confirmWindowMs + staleAfterMs: how soon the majority can confirm an unreachable primary dead. */
  detectionMs: number;
  confirmWindowMs: number;
  staleAfterMs: number;
  /** The largest fence_after that would pass. */
  maxFenceAfterMs: number;
};
