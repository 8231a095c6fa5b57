// Where a read-only server that is not the primary should replicate from. A replica of the primary,
// or of a member attached to it (chained), is left alone. A server with no replication (a former
// primary, a detached replica) rejoins as a replica of the primary; one replicating from elsewhere
// is repointed. Either only when its GTIDs are contained in the primary's: otherwise it stays put,
// fenced, and an event names the errant transactions and the way out.
import type { LedgerPrimary } from "../model/cluster-view.ts";
import type { ReachableInstance } from "../model/instance-state.ts";
import type { LocalAction, ReconcileInput } from "./reconcile.ts";
import type { ReconcileEvent } from "./reconcile-events.ts";
import { assessRejoin, type RejoinAssessment } from "./rejoin.ts";
import { channelSourceIn, channelTo } from "./view-facts.ts";

/** At most one change to the server per probe, plus events. */
export interface Decision {
  action: LocalAction | null;
  events: ReconcileEvent[];
}

const only = (event: ReconcileEvent): Decision => ({ action: null, events: [event] });
const NOTHING: Decision = { action: null, events: [] };

type Assessed = { ok: true; value: RejoinAssessment } | { ok: false; event: ReconcileEvent };

function assess(input: ReconcileInput, local: ReachableInstance, primary: LedgerPrimary): Assessed | null {
  if (input.primaryPosition === null) return null; // wait until the primary's position is gossiped
  const verdict = assessRejoin(local, input.primaryPosition, input.primaryPromotedAt);
  if (verdict.ok) return verdict;
  return {
    ok: false,
    event: {
      code: "failover.gtid-incomparable",
      nodeId: input.self,
      primaryNodeId: primary.nodeId,
      gtidErrorCode: verdict.error.code,
    },
  };
}

function rejoin(input: ReconcileInput, local: ReachableInstance, primary: LedgerPrimary): Decision {
  const assessed = assess(input, local, primary);
  if (assessed === null) return NOTHING;
  if (!assessed.ok) return only(assessed.event);
  const { self, rejoinRequest } = input;
  const { contained, errantGtids } = assessed.value;
  if (!contained && rejoinRequest?.force !== true) {
    return only({
      code: "failover.rejoin-refused-errant",
      nodeId: self,
      primaryNodeId: primary.nodeId,
      errantGtids,
    });
  }
  if (!input.settings.autoRejoin && rejoinRequest === null) {
    return only({ code: "failover.rejoin-disabled", nodeId: self, primaryNodeId: primary.nodeId });
  }
  return {
    action: { type: "rejoin", sourceNodeId: primary.nodeId, sourceKey: primary.key, forced: !contained },
    events: [],
  };
}

export function decideTopology(
  input: ReconcileInput,
  local: ReachableInstance,
  primary: LedgerPrimary,
): Decision {
  if (local.channels.length === 0) return rejoin(input, local, primary);
  const primaryAddresses = [primary.key, ...input.ledger.primaryAddresses];
  if (channelTo(local, primaryAddresses) !== undefined) return NOTHING;
  const legitimate = [...primaryAddresses, ...input.attachedSources];
  const wrong = local.channels.filter((c) => !channelSourceIn(c, legitimate));
  if (wrong.length === 0) return NOTHING; // chained below a member that follows the primary
  const sources = wrong.map((c) => `${c.sourceHost}:${c.sourcePort}`);
  const channel = local.channels.length === 1 ? wrong[0] : undefined;
  if (channel === undefined) {
    return only({
      code: "failover.wrong-source-ambiguous",
      nodeId: input.self,
      primaryNodeId: primary.nodeId,
      sources,
    });
  }
  const assessed = assess(input, local, primary);
  if (assessed === null) return NOTHING;
  if (!assessed.ok) return only(assessed.event);
  if (!assessed.value.contained) {
    return only({
      code: "failover.repoint-refused-errant",
      nodeId: input.self,
      primaryNodeId: primary.nodeId,
      source: sources[0] ?? "",
      errantGtids: assessed.value.errantGtids,
    });
  }
  return {
    action: { type: "repoint", channel: channel.name, sourceNodeId: primary.nodeId, sourceKey: primary.key },
    events: [],
  };
}
