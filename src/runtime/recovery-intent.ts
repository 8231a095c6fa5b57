// Operator requests for a recovery travel through the quorum as the ledger's switchover intent
// ({ id, from, to, by, wallMs }); the raft leader's recovery runner picks the intent up, runs it
// as a recovery under the same id, and clears it. The id's prefix says what was asked for, so the
// console's plain switchover ("sw-…") and `keel failover|switchover` share one ledger command.
import { randomBytes } from "node:crypto";

export type IntentKind = "switchover" | "failover" | "failover-forced";

const PREFIX: Readonly<Record<IntentKind, string>> = {
  switchover: "sw-",
  failover: "fo-",
  "failover-forced": "fof-",
};

/** What an intent id asks for; anything not a failover prefix is a switchover (the console's "sw-"). */
export function intentKindOf(id: string): IntentKind {
  if (id.startsWith(PREFIX["failover-forced"])) return "failover-forced";
  if (id.startsWith(PREFIX.failover)) return "failover";
  return "switchover";
}

export function newIntentId(kind: IntentKind, wallMs: number): string {
  return `${PREFIX[kind]}${Math.round(wallMs).toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** Ids of automatic recoveries: "auto-" keeps them apart from operator requests in `keel recoveries`. */
export function newRecoveryId(wallMs: number): string {
  return `auto-${Math.round(wallMs).toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** orchestrator's analysis names for operator-started recoveries (what {failureType} carries). */
export function manualFailureType(kind: IntentKind): string {
  return kind === "switchover" ? "GracefulMasterTakeover" : "ForceMasterFailover";
}

/** orchestrator's {command} for operator-started recoveries. */
export function manualCommand(kind: IntentKind): "graceful-master-takeover" | "force-master-failover" {
  return kind === "switchover" ? "graceful-master-takeover" : "force-master-failover";
}
