// How two GTID states relate, the same words for both flavors. Candidate choice ranks replicas by
// this; "diverged" means neither contains the other, so neither can simply catch up.

export type GtidOrder = "equal" | "ahead" | "behind" | "diverged";

/** Derives the order of a relative to b from the two containment tests. */
export function orderFromContainment(aContainsB: boolean, bContainsA: boolean): GtidOrder {
  if (aContainsB && bContainsA) return "equal";
  if (aContainsB) return "ahead";
  if (bContainsA) return "behind";
  return "diverged";
}
