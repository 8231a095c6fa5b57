// Which member is the cluster's primary when the ledger has not named one yet (a fresh cluster, or
// agents running before raft is wired): the one writable server that replicates from nobody and
// that the others replicate from. Only for display: failover acts on the ledger's primary alone.
import type { InstanceKey, ReachableInstance } from "../model/instance-state.ts";
import { knownInstance, type MemberFacts } from "./member-facts.ts";

function sameKey(a: InstanceKey, host: string, port: number): boolean {
  return a.port === port && a.host.toLowerCase() === host.toLowerCase();
}

/** Every address the member's server answers to: advertised, probed, report_host. */
export function addressesOfFacts(f: MemberFacts): InstanceKey[] {
  const out: InstanceKey[] = [];
  if (f.key !== null) out.push(f.key);
  const known = knownInstance(f);
  if (known !== null) {
    out.push(known.key);
    if (known.reportHost) out.push({ host: known.reportHost, port: known.reportPort ?? known.key.port });
  }
  return out;
}

function replicatesFrom(replica: ReachableInstance, source: MemberFacts): boolean {
  const addresses = addressesOfFacts(source);
  return replica.channels.some((c) => addresses.some((k) => sameKey(k, c.sourceHost, c.sourcePort)));
}

function hasReplicas(candidate: MemberFacts, members: readonly MemberFacts[]): boolean {
  return members.some((m) => {
    if (m === candidate) return false;
    const known = knownInstance(m);
    return known !== null && replicatesFrom(known, candidate);
  });
}

function isWritableRoot(f: MemberFacts): boolean {
  if (f.kind !== "agent" || f.status === "left") return false;
  const known = knownInstance(f);
  return known !== null && !known.readOnly && known.channels.length === 0;
}

function single(candidates: readonly MemberFacts[], members: readonly MemberFacts[]): MemberFacts | null {
  if (candidates.length === 1) return candidates[0] as MemberFacts;
  const withReplicas = candidates.filter((c) => hasReplicas(c, members));
  return withReplicas.length === 1 ? (withReplicas[0] as MemberFacts) : null;
}

/**
 * The inferred primary, or null when none or several fit. A server that answers now beats one
 * known only from its last good probe, so a dead primary is inferred only when no live server
 * claims the role (it still roots the tree and gets analysed as dead).
 */
export function inferPrimary(members: readonly MemberFacts[]): MemberFacts | null {
  const roots = members.filter(isWritableRoot);
  const live = roots.filter((f) => f.instance?.reachable === true);
  if (live.length > 0) return single(live, members);
  return single(roots, members);
}
