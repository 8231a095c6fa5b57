// Liveness after healing: once every node is up and the network is clean, a leader must emerge
// within a bound and a fresh proposal must be applied by every node. Safety alone would let a
// cluster that never elects anyone pass.
import type { RaftCluster } from "../raft-cluster.ts";

export interface LivenessResult {
  ok: boolean;
  /** Virtual ms from heal until a leader existed, and until every node applied the probe entry. */
  leaderAfterMs: number | null;
  convergedAfterMs: number | null;
}

export function checkLivenessAfterHeal(cluster: RaftCluster, boundMs: number): LivenessResult {
  const startMs = cluster.nowMs;
  const ids = [...cluster.hosts.keys()];
  if (!cluster.runUntil(() => cluster.leader() !== null, boundMs)) {
    if (cluster.checker.violations.length === 0)
      cluster.checker.noProgress(`no leader within ${boundMs} ms of healing`);
    return { ok: false, leaderAfterMs: null, convergedAfterMs: null };
  }
  const leaderAfterMs = cluster.nowMs - startMs;
  let target = 0;
  let proposedAtMs = Number.NEGATIVE_INFINITY;
  const converged = cluster.runUntil(() => {
    // Re-propose if leadership moved and the earlier proposal may have been dropped.
    if (cluster.nowMs - proposedAtMs >= 1_000) {
      const p = cluster.propose(new TextEncoder().encode(`final@${cluster.nowMs}`));
      if (p !== null) target = p.index;
      proposedAtMs = cluster.nowMs;
    }
    return target > 0 && ids.every((id) => cluster.appliedIndex(id) >= target);
  }, boundMs - leaderAfterMs);
  if (!converged) {
    if (cluster.checker.violations.length > 0) return { ok: false, leaderAfterMs, convergedAfterMs: null };
    const where = ids.map((id) => `${id}@${cluster.appliedIndex(id)}`).join(" ");
    cluster.checker.noProgress(`entry ${target} not applied everywhere within ${boundMs} ms (${where})`);
    return { ok: false, leaderAfterMs, convergedAfterMs: null };
  }
  return { ok: true, leaderAfterMs, convergedAfterMs: cluster.nowMs - startMs };
}
