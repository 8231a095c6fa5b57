// Semi-sync acknowledges a commit once one replica has it (MariaDB knows no other count). A
// replica cut off from the majority together with the failed primary can hold every write the
// primary acknowledged before its agent self-fenced, and no one else has them: promoting a
// majority member would lose acknowledged writes (test/chaos/agent-minority-replica.test.ts).
// Those replicas are the members the leader can neither hear (agent silent) nor read (server did
// not answer its refresh), whose last known state shows them a semi-sync replica of the failed
// primary. A member whose agent speaks is different: its last known position is what the loss
// check in candidate choice works from.
import { addressesOf, channelTo } from "../failover/view-facts.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import { serverReadNow } from "./position-refresh.ts";

/**
 * Members that may hold writes the failed primary acknowledged and nobody reachable has; empty
 * when the failed primary did not run semi-sync as a source.
 */
export function possibleAckHolders(
  snapshot: ClusterSnapshot & { answered?: readonly string[] },
  failedNodeId: string,
  staleAfterMs: number,
): string[] {
  const failedFacts = snapshot.facts.find((f) => f.nodeId === failedNodeId);
  if (failedFacts?.lastReachable?.semiSync.sourceEnabled !== true) return [];
  const failedAgent = snapshot.view.agents.find((a) => a.nodeId === failedNodeId);
  const failedAddresses = failedAgent === undefined ? [] : addressesOf(failedAgent);
  if (failedFacts.key !== null) failedAddresses.push(failedFacts.key);
  return snapshot.facts
    .filter((f) => f.kind === "agent" && f.status !== "left" && f.nodeId !== failedNodeId)
    .filter((f) => !snapshot.alive.has(f.nodeId) && !serverReadNow(snapshot, f.nodeId, staleAfterMs))
    .filter((f) => {
      const last = f.lastReachable;
      if (last === null || !last.semiSync.replicaEnabled) return false;
      const channel = channelTo(last, failedAddresses);
      return channel !== undefined && channel.ioState !== "no";
    })
    .map((f) => f.nodeId)
    .sort();
}
