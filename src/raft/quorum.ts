// Majority arithmetic, kept apart from the node so it can be table-tested on its own.

/** Votes needed to win among `voterCount` voters. */
export function majority(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The highest index held by a majority, given each voter's match index
 * (the majority-th largest value). 0 for an empty list.
 */
export function quorumIndex(matchIndexes: readonly number[]): number {
  if (matchIndexes.length === 0) return 0;
  const sorted = matchIndexes.slice().sort((a, b) => b - a);
  return sorted[majority(matchIndexes.length) - 1] as number;
}

export type VoteOutcome = "won" | "lost" | "pending";

/** Tallies an election: won once a majority granted, lost once a majority can no longer grant. */
export function voteOutcome(voters: readonly string[], votes: ReadonlyMap<string, boolean>): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const v of voters) {
    const vote = votes.get(v);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const need = majority(voters.length);
  if (granted >= need) return "won";
  if (voters.length - rejected < need) return "lost";
  return "pending";
}

/** True when the voters in `active` form a majority of `voters`. */
export function isQuorum(voters: readonly string[], active: ReadonlySet<string>): boolean {
  let n = 0;
  for (const v of voters) if (active.has(v)) n++;
  return n >= majority(voters.length);
}
