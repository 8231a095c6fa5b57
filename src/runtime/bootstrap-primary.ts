// A fresh cluster's ledger names no primary (epoch 0). The leader adopts the topology that already
// runs: exactly one reachable writable server that replicates from nobody, every other DB member
// replicating inside the cluster and at least one directly from it. Anything else (two writable
// roots, a member or configured voter not heard from yet, nobody replicating) is left alone and
// said once, because naming the wrong primary would fence the right one.
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import { knownInstance, type MemberFacts } from "./member-facts.ts";
import { addressesOfFacts } from "./primary-inference.ts";

export type BootstrapDecision =
  | { type: "adopt"; nodeId: string; command: LedgerCommand }
  /** Not all members are known yet: wait quietly. */
  | { type: "wait"; why: string }
  /** The topology does not name one primary: an event, no action. */
  | { type: "ambiguous"; why: string }
  /** The ledger already names a primary. */
  | { type: "settled" };

function live(f: MemberFacts, staleAfterMs: number) {
  return f.stateAgeMs <= staleAfterMs && f.instance?.reachable ? f.instance : null;
}

function replicatesFrom(replica: MemberFacts, source: MemberFacts): boolean {
  const inst = knownInstance(replica);
  if (inst === null) return false;
  const keys = addressesOfFacts(source);
  return inst.channels.some((c) =>
    keys.some((k) => k.port === c.sourcePort && k.host.toLowerCase() === c.sourceHost.toLowerCase()),
  );
}

export interface BootstrapExpectation {
  /**
   * The configured raft voters (config raft.voters). Until each has been heard in gossip nothing
   * is adopted: an unheard voter may be the DB agent of the real primary, and a lone writable
   * member adopted before it would have the real primary fenced. Absent: only members already
   * heard are waited for (the runner should always pass them).
   */
  voters?: readonly string[];
}

export function decideBootstrap(
  snapshot: ClusterSnapshot,
  staleAfterMs: number,
  expected: BootstrapExpectation = {},
): BootstrapDecision {
  if (snapshot.ledger.primary !== null || snapshot.ledger.epoch !== 0) return { type: "settled" };
  const heard = new Set(snapshot.facts.filter((f) => f.status !== "left").map((f) => f.nodeId));
  const unheard = (expected.voters ?? []).filter((v) => !heard.has(v));
  if (unheard.length > 0) return { type: "wait", why: `voters not heard from yet: ${unheard.join(", ")}` };
  const db = snapshot.facts.filter((f) => f.kind === "agent" && f.status !== "left");
  if (db.length === 0) return { type: "wait", why: "no database member known yet" };
  const silent = db.filter((f) => live(f, staleAfterMs) === null);
  if (silent.length > 0)
    return { type: "wait", why: `no fresh answer yet from ${silent.map((f) => f.nodeId).join(", ")}` };
  const roots = db.filter((f) => {
    const inst = live(f, staleAfterMs);
    return inst !== null && !inst.readOnly && inst.channels.length === 0;
  });
  if (roots.length !== 1) {
    const names = roots.map((f) => f.nodeId).join(", ") || "none";
    return { type: "ambiguous", why: `${roots.length} writable servers replicate from nobody (${names})` };
  }
  const root = roots[0] as MemberFacts;
  const others = db.filter((f) => f !== root);
  const detached = others.filter((f) => (live(f, staleAfterMs)?.channels.length ?? 0) === 0);
  if (detached.length > 0)
    return {
      type: "ambiguous",
      why: `${detached.map((f) => f.nodeId).join(", ")} replicate from nobody besides ${root.nodeId}`,
    };
  if (others.length > 0 && !others.some((f) => replicatesFrom(f, root)))
    return { type: "ambiguous", why: `no member replicates from the writable ${root.nodeId}` };
  return {
    type: "adopt",
    nodeId: root.nodeId,
    command: { type: "set-primary", primary: root.nodeId, expectedEpoch: 0 },
  };
}
