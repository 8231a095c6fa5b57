// Ranking eligible members for promotion, with each key in the order the issue gives: GTIDs (does it
// hold the failed primary's last known position; is another eligible member ahead in received, then
// in executed transactions), promotion rule, datacenter, lag, node id. GTID sets are only partially
// ordered (two can have diverged), so the GTID keys count who is strictly ahead: a diverged pair
// counts nothing against either and falls through to the next key, and the order stays total.
import { compareGtidStates, type GtidState } from "../gtid/compare.ts";
import type { InstanceKey, PromotionRule } from "../model/instance-state.ts";
import type { EligibleMember } from "./candidate-eligibility.ts";
import { gtidContains } from "./gtid-position.ts";

export type RankKey =
  | "primary-position"
  | "gtid-received"
  | "gtid-executed"
  | "promotion-rule"
  | "datacenter"
  | "lag"
  | "node-id"
  | "preferred";

export interface RankedCandidate {
  nodeId: string;
  key: InstanceKey;
  /** 1 for the best. */
  rank: number;
  /** Holds every transaction of the failed primary's last known position; null when unknown. */
  hasPrimaryPosition: boolean | null;
  /** Eligible members that have received everything this one has, and more. */
  behindInReceived: string[];
  /** Eligible members that have executed everything this one has, and more. */
  behindInExecuted: string[];
  promotionRule: PromotionRule;
  /** Same datacenter as the failed primary. */
  sameDatacenter: boolean;
  /** Seconds behind its source; 0 when caught up with the IO thread stopped; null when unknown. */
  lagSeconds: number | null;
  /** Errant GTIDs (only when forced past them); "". */
  errantGtids: string;
  /** Why this one was not chosen; null for the chosen one. */
  notChosen: { key: RankKey; detail: string } | null;
}

const RULE_ORDER: Record<PromotionRule, number> = { prefer: 0, neutral: 1, prefer_not: 2, must_not: 3 };

function aheadOf(a: GtidState, b: GtidState): boolean {
  const order = compareGtidStates(a, b);
  return order.ok && order.value === "ahead";
}

function lagOf(m: EligibleMember): number | null {
  const c = m.channel;
  if (c === undefined) return 0;
  if (c.secondsBehind !== null) return c.secondsBehind;
  // Both flavors report NULL once the IO thread stops and the relay log is applied: caught up.
  return c.sqlRunning ? 0 : null;
}

export interface RankContext {
  primaryState: GtidState | null;
  failedDatacenter: string | null;
}

function describe(m: EligibleMember, all: readonly EligibleMember[], ctx: RankContext): RankedCandidate {
  const others = all.filter((o) => o !== m);
  let hasPrimaryPosition: boolean | null = null;
  if (ctx.primaryState !== null) {
    const holds = gtidContains(m.position.reach, ctx.primaryState);
    hasPrimaryPosition = holds.ok && holds.value;
  }
  return {
    nodeId: m.agent.nodeId,
    key: m.agent.key ?? m.inst.key,
    rank: 0,
    hasPrimaryPosition,
    behindInReceived: others
      .filter((o) => aheadOf(o.position.reach, m.position.reach))
      .map((o) => o.agent.nodeId),
    behindInExecuted: others
      .filter((o) => aheadOf(o.position.executed, m.position.executed))
      .map((o) => o.agent.nodeId),
    promotionRule: m.agent.promotionRule,
    sameDatacenter: ctx.failedDatacenter !== null && m.agent.datacenter === ctx.failedDatacenter,
    lagSeconds: lagOf(m),
    errantGtids: m.errantGtids,
    notChosen: null,
  };
}

type Comparison = { key: RankKey; diff: number };

/** Key by key, the first where a and b differ (negative: a ranks first). */
function firstDifference(a: RankedCandidate, b: RankedCandidate): Comparison {
  const lag = (c: RankedCandidate): number => c.lagSeconds ?? Number.POSITIVE_INFINITY;
  const keys: [RankKey, number][] = [
    ["primary-position", Number(b.hasPrimaryPosition === true) - Number(a.hasPrimaryPosition === true)],
    ["gtid-received", a.behindInReceived.length - b.behindInReceived.length],
    ["gtid-executed", a.behindInExecuted.length - b.behindInExecuted.length],
    ["promotion-rule", RULE_ORDER[a.promotionRule] - RULE_ORDER[b.promotionRule]],
    ["datacenter", Number(b.sameDatacenter) - Number(a.sameDatacenter)],
    ["lag", lag(a) === lag(b) ? 0 : lag(a) < lag(b) ? -1 : 1],
    ["node-id", a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0],
  ];
  for (const [key, diff] of keys) if (diff !== 0) return { key, diff };
  return { key: "node-id", diff: 0 };
}

export function rankCandidates(members: readonly EligibleMember[], ctx: RankContext): RankedCandidate[] {
  const ranked = members.map((m) => describe(m, members, ctx));
  ranked.sort((a, b) => firstDifference(a, b).diff);
  ranked.forEach((r, i) => {
    r.rank = i + 1;
  });
  return ranked;
}

function why(key: RankKey, chosen: RankedCandidate, other: RankedCandidate): string {
  switch (key) {
    case "primary-position":
      return `lacks transactions of the failed primary's last known position that ${chosen.nodeId} has`;
    case "gtid-received":
      return `${other.behindInReceived.join(", ")} received more transactions`;
    case "gtid-executed":
      return `${other.behindInExecuted.join(", ")} executed more transactions`;
    case "promotion-rule":
      return `promotion rule ${other.promotionRule}, ${chosen.nodeId} is ${chosen.promotionRule}`;
    case "datacenter":
      return `not in the failed primary's datacenter, ${chosen.nodeId} is`;
    case "lag":
      return `lags ${other.lagSeconds ?? "unknown"} s, ${chosen.nodeId} ${chosen.lagSeconds ?? "unknown"} s`;
    case "node-id":
      return `equal to ${chosen.nodeId} on every key; the lower node id wins the tie`;
    case "preferred":
      return `the operator asked for ${chosen.nodeId}`;
  }
}

/** Fills notChosen on every entry but the chosen one. */
export function explainRanking(ranked: RankedCandidate[], chosen: RankedCandidate, preferred: boolean): void {
  for (const other of ranked) {
    if (other === chosen) continue;
    const key: RankKey = preferred ? "preferred" : firstDifference(chosen, other).key;
    other.notChosen = { key, detail: why(key, chosen, other) };
  }
}
