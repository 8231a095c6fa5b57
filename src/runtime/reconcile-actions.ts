// Carries out one LocalAction of the reconciler on the agent's own server with src/mysql/actions:
// a fresh admin connection per action (a connection that timed out is useless afterwards), closed
// when done. "Make writable" re-checks that the ledger still names this node primary of that epoch
// right before acting: the decision was taken a probe ago and a failover may have happened since.
import type { LocalAction } from "../failover/reconcile.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { type ActionError, demoteToReplica, fence, makeWritable, repoint } from "../mysql/actions.ts";
import type { AdminConnection } from "../mysql/admin-connection.ts";

export type ServerChange = Exclude<LocalAction, { type: "emit-event" }>;

export type ReconcileActionError =
  | ActionError
  /** The ledger moved on between the decision and the action: nothing was changed. */
  | { code: "reconcile.epoch-moved"; epoch: number; currentEpoch: number; primary: string | null }
  /** A bug: the action threw instead of returning its failure. */
  | { code: "reconcile.action-threw"; detail: string };

export interface LocalActionDeps {
  open(): Promise<Result<AdminConnection, ActionError>>;
  replication: { user: string; password: string };
  /** Whether the ledger still names this node primary of `epoch` (read at the moment of acting). */
  stillPrimaryOf(epoch: number): { ok: boolean; currentEpoch: number; primary: string | null };
}

export interface ActionDone {
  changed: boolean;
}

async function onServer(
  c: AdminConnection,
  a: ServerChange,
  deps: LocalActionDeps,
): Promise<Result<ActionDone, ReconcileActionError>> {
  switch (a.type) {
    case "set-read-only":
      // A second connection kills semi-sync ACK waiters while the SET is pending: on one
      // connection a commit that starts waiting just after a kill holds the SET for a whole lock
      // wait (1 s), and the server stays writable meanwhile (chaos seed 1, a resumed hung primary).
      return fence(c, { openSecond: deps.open });
    case "set-writable": {
      const now = deps.stillPrimaryOf(a.epoch);
      if (!now.ok)
        return err({
          code: "reconcile.epoch-moved",
          epoch: a.epoch,
          currentEpoch: now.currentEpoch,
          primary: now.primary,
        });
      return makeWritable(c);
    }
    case "rejoin":
      // A former primary: fenced first, then its own position adopted (MASTER_DEMOTE_TO_SLAVE on
      // MariaDB 10.10+), then GTID auto-position from the primary.
      return demoteToReplica(c, a.sourceKey, deps.replication);
    case "repoint":
      return repoint(c, a.sourceKey, deps.replication);
  }
}

export async function performLocalAction(
  a: ServerChange,
  deps: LocalActionDeps,
): Promise<Result<ActionDone, ReconcileActionError>> {
  const opened = await deps.open();
  if (!opened.ok) return opened;
  const c = opened.value;
  try {
    const done = await onServer(c, a, deps);
    return done.ok ? ok({ changed: done.value.changed }) : done;
  } finally {
    c.close();
  }
}
