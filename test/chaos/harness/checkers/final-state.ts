// Pure: what must hold once a run has healed and settled. Acknowledged writes are on the final
// primary; every replica follows it with the same GTID position and nothing errant; every old
// primary is rejoined or fenced; no recovery in the ledger is left half-done.
import { compareGtid, errantGtids, formatErrantGtids, hasErrantGtids } from "../../../../src/gtid/compare.ts";
import { onFailureOnly } from "../../../../src/failover/plan.ts";
import { parseStepName } from "../../../../src/failover/plan-steps.ts";

export interface AckedWrite {
  id: number;
  atMs: number;
  host: string;
}

export interface FinalReplication {
  sourceHost: string;
  sourcePort: number;
  ioRunning: boolean;
  sqlRunning: boolean;
  lastError: string;
}

/** One host as the operator (socket) read it after the run. */
export interface FinalHostState {
  host: string;
  address: string;
  port: number;
  reachable: boolean;
  readOnly: boolean | null;
  gtidCurrentPos: string | null;
  replication: FinalReplication | null;
}

export type ChaosProblem =
  | { code: "chaos.no-final-primary"; writable: string[] }
  | { code: "chaos.host-unreachable"; host: string }
  | { code: "chaos.errant-transactions"; host: string; errant: string }
  | { code: "chaos.not-converged"; host: string; gtid: string; primaryGtid: string; order: string }
  | { code: "chaos.replica-not-following"; host: string; source: string | null; lastError: string }
  | { code: "chaos.old-primary-loose"; host: string }
  | { code: "chaos.acked-write-lost"; id: number; host: string; atMs: number }
  | { code: "chaos.recovery-unfinished"; id: string; state: string; pendingSteps: string[] }
  | { code: "chaos.ledger-disagrees"; ledgerPrimary: string | null; primary: string };

/** The only reachable writable host, or the problem that there is not exactly one. */
export function finalPrimary(
  finals: readonly FinalHostState[],
): { primary: FinalHostState } | { problem: ChaosProblem } {
  const writable = finals.filter((f) => f.reachable && f.readOnly === false);
  if (writable.length === 1) return { primary: writable[0]! };
  return { problem: { code: "chaos.no-final-primary", writable: writable.map((w) => w.host).sort() } };
}

/** Acknowledged ids missing from the final primary's table. */
export function findLostWrites(acked: readonly AckedWrite[], finalIds: Iterable<number>): ChaosProblem[] {
  const present = new Set(finalIds);
  return acked
    .filter((a) => !present.has(a.id))
    .map((a) => ({ code: "chaos.acked-write-lost", id: a.id, host: a.host, atMs: a.atMs }));
}

function follows(f: FinalHostState, primary: FinalHostState): boolean {
  const r = f.replication;
  if (!r) return false;
  return (
    r.ioRunning &&
    r.sqlRunning &&
    r.sourcePort === primary.port &&
    (r.sourceHost === primary.address || r.sourceHost === primary.host)
  );
}

/**
 * An old primary keel left fenced instead of rejoining: read-only and replicating from nobody.
 * keel refuses to rejoin a server holding transactions the new primary lacks (an unacknowledged
 * tail written before it was cut off), so "rejoined or fenced" is the promise for old primaries.
 */
export function leftFenced(f: FinalHostState): boolean {
  return f.reachable && f.readOnly === true && !(f.replication?.ioRunning || f.replication?.sqlRunning);
}

/**
 * Every other host follows the primary, has its exact GTID position, and nothing of its own —
 * except the hosts in `mayStayFenced` while left fenced: old primaries holding transactions the
 * primary lacks, which keel rightly refuses to rejoin (the caller finds them; checkOldPrimaries
 * judges them).
 */
export function checkConvergence(
  finals: readonly FinalHostState[],
  primary: FinalHostState,
  mayStayFenced: readonly string[] = [],
): ChaosProblem[] {
  const problems: ChaosProblem[] = [];
  const primaryGtid = primary.gtidCurrentPos ?? "";
  for (const f of finals) {
    if (f.host === primary.host) continue;
    if (mayStayFenced.includes(f.host) && leftFenced(f)) continue;
    if (!f.reachable || f.gtidCurrentPos === null) {
      problems.push({ code: "chaos.host-unreachable", host: f.host });
      continue;
    }
    if (!follows(f, primary)) {
      const r = f.replication;
      problems.push({
        code: "chaos.replica-not-following",
        host: f.host,
        source: r ? `${r.sourceHost}:${r.sourcePort}` : null,
        lastError: r?.lastError ?? "",
      });
    }
    const errant = errantGtids(f.gtidCurrentPos, primaryGtid, "mariadb");
    if (errant.ok && hasErrantGtids(errant.value))
      problems.push({
        code: "chaos.errant-transactions",
        host: f.host,
        errant: formatErrantGtids(errant.value),
      });
    const order = compareGtid(f.gtidCurrentPos, primaryGtid, "mariadb");
    const orderText = order.ok ? order.value : order.error.code;
    if (orderText !== "equal")
      problems.push({
        code: "chaos.not-converged",
        host: f.host,
        gtid: f.gtidCurrentPos,
        primaryGtid,
        order: orderText,
      });
  }
  return problems;
}

/** Each former primary now replicates from the final primary, or at least refuses writes. */
export function checkOldPrimaries(
  oldPrimaries: readonly string[],
  finals: readonly FinalHostState[],
  primary: FinalHostState,
): ChaosProblem[] {
  const problems: ChaosProblem[] = [];
  for (const host of oldPrimaries) {
    if (host === primary.host) continue;
    const f = finals.find((x) => x.host === host);
    if (!f?.reachable) {
      problems.push({ code: "chaos.host-unreachable", host });
      continue;
    }
    const rejoined = follows(f, primary);
    const fenced = f.readOnly === true;
    if (!rejoined && !fenced) problems.push({ code: "chaos.old-primary-loose", host });
  }
  return problems;
}

/** The shape of a ledger recovery the check needs (src/raft/ledger.ts Recovery fits it). */
export interface RecoveryLike {
  id: string;
  state: string;
  steps: readonly { name: string; status: string }[];
}

/**
 * Steps a plan runs only when it fails (src/failover/plan.ts, `when: "on-failure"`: reattach, the
 * PostUnsuccessfulFailover hooks): a finished recovery rightly leaves them pending.
 */
export function onFailureStep(name: string): boolean {
  const action = parseStepName(name);
  return action.ok && onFailureOnly(action.value);
}

/**
 * Recoveries read from the agents' ledger after the run. Any not finished
 * or failed, or finished with steps still pending, was left half-done.
 */
export function findUnfinishedRecoveries(recoveries: readonly RecoveryLike[]): ChaosProblem[] {
  const out: ChaosProblem[] = [];
  for (const r of recoveries) {
    const pendingSteps = r.steps
      .filter((s) => s.status === "pending" && !(r.state === "finished" && onFailureStep(s.name)))
      .map((s) => s.name);
    const settled = r.state === "finished" || r.state === "failed";
    if (!settled || (r.state === "finished" && pendingSteps.length > 0))
      out.push({ code: "chaos.recovery-unfinished", id: r.id, state: r.state, pendingSteps });
  }
  return out;
}

export function describeProblem(p: ChaosProblem): string {
  switch (p.code) {
    case "chaos.no-final-primary":
      return `not exactly one writable primary at the end (writable: ${p.writable.join(", ") || "none"})`;
    case "chaos.host-unreachable":
      return `${p.host} unreachable at the end`;
    case "chaos.errant-transactions":
      return `${p.host} has errant transactions ${p.errant}`;
    case "chaos.not-converged":
      return `${p.host} at ${p.gtid}, primary at ${p.primaryGtid} (${p.order})`;
    case "chaos.replica-not-following":
      return `${p.host} does not replicate from the final primary (source ${p.source ?? "none"}${p.lastError ? `, ${p.lastError}` : ""})`;
    case "chaos.old-primary-loose":
      return `old primary ${p.host} is neither rejoined nor fenced`;
    case "chaos.acked-write-lost":
      return `acknowledged write ${p.id} (acked by ${p.host} at ${Math.round(p.atMs)} ms) is not on the final primary`;
    case "chaos.recovery-unfinished":
      return `recovery ${p.id} left ${p.state}${p.pendingSteps.length ? ` with steps ${p.pendingSteps.join(", ")} pending` : ""}`;
    case "chaos.ledger-disagrees":
      return `the ledger names ${p.ledgerPrimary ?? "no primary"} but ${p.primary} is the writable primary`;
  }
}
