// Raft timing and membership, validated once into a frozen value.
//
// Defaults, and why: a heartbeat every 100 ms keeps followers' timers quiet even if one or two
// heartbeats are lost. The election timeout is drawn uniformly from [500, 1000) ms: its minimum
// covers 5 heartbeat intervals (so ordinary loss doesn't trigger elections), and its width
// spreads candidates apart by far more than a LAN round trip, so split votes are rare. After a
// leader dies, the first follower times out at the minimum of N-1 draws: with 3 voters the
// expected first timeout is ~667 ms after the last heartbeat (~600 ms with 5), plus two round
// trips for pre-vote and vote, which puts p50 election time well under 1 s (bench/raft.ts).
import { RAFT_NODE_ID_BYTES_MAX, RAFT_VOTERS_MAX } from "../lib/limits.ts";
import { err, ok, type Result } from "../lib/result.ts";

export interface RaftTiming {
  heartbeatIntervalMs: number;
  electionTimeoutMinMs: number;
  /** Exclusive upper bound of the randomised election timeout. */
  electionTimeoutMaxMs: number;
}

export const DEFAULT_RAFT_TIMING: RaftTiming = Object.freeze({
  heartbeatIntervalMs: 100,
  electionTimeoutMinMs: 500,
  electionTimeoutMaxMs: 1_000,
});

export interface RaftConfig extends RaftTiming {
  id: string;
  /** Every voter, this node included. A witness is a voter without a database. */
  voters: readonly string[];
}

export type RaftConfigError = { code: "raft.config-invalid"; field: string; detail: string };

function invalid(field: string, detail: string): Result<never, RaftConfigError> {
  return err({ code: "raft.config-invalid", field, detail });
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function validateRaftConfig(
  id: string,
  voters: readonly string[],
  timing: Partial<RaftTiming> = {},
): Result<Readonly<RaftConfig>, RaftConfigError> {
  const t = { ...DEFAULT_RAFT_TIMING, ...timing };
  if (voters.length === 0 || voters.length > RAFT_VOTERS_MAX)
    return invalid("voters", `needs 1 to ${RAFT_VOTERS_MAX} voters, got ${voters.length}`);
  if (new Set(voters).size !== voters.length) return invalid("voters", "lists a voter twice");
  for (const v of voters) {
    if (v.length === 0 || byteLength(v) > RAFT_NODE_ID_BYTES_MAX)
      return invalid("voters", `voter id '${v}' must be 1 to ${RAFT_NODE_ID_BYTES_MAX} bytes`);
  }
  if (!voters.includes(id)) return invalid("id", `'${id}' is not one of the voters`);
  if (!(t.heartbeatIntervalMs > 0)) return invalid("heartbeatIntervalMs", "must be positive");
  if (!(t.electionTimeoutMinMs >= 2 * t.heartbeatIntervalMs))
    return invalid("electionTimeoutMinMs", "must be at least two heartbeat intervals");
  if (!(t.electionTimeoutMaxMs > t.electionTimeoutMinMs))
    return invalid("electionTimeoutMaxMs", "must be above electionTimeoutMinMs");
  return ok(Object.freeze({ ...t, id, voters: Object.freeze([...voters]) }));
}
