// What the reconciler reports besides the actions it asks for: conditions a person should know
// about (a server fenced, a rejoin refused and why). Words live in src/cli/messages/failover.ts.
// Standing conditions are reported on every probe; the runtime logs a repeated event once.

export type ReconcileEvent =
  /** The agent lost the quorum for fence_after while its server was writable, and fences it. */
  | { code: "failover.self-fenced"; nodeId: string; lostForMs: number; fenceAfterMs: number }
  /** The primary's server answered again after not answering its agent for fence_after: fenced first. */
  | {
      code: "failover.fenced-after-unresponsive";
      nodeId: string;
      unansweredForMs: number;
      fenceAfterMs: number;
    }
  /** A writable server the ledger does not name primary of the current epoch is being fenced. */
  | { code: "failover.fenced-not-primary"; nodeId: string; primaryNodeId: string; epoch: number }
  /** A former primary (or detached server) holds transactions the primary lacks: it stays fenced. */
  | { code: "failover.rejoin-refused-errant"; nodeId: string; primaryNodeId: string; errantGtids: string }
  /** auto_rejoin is off: the server stays fenced until keel rejoin. */
  | { code: "failover.rejoin-disabled"; nodeId: string; primaryNodeId: string }
  /** A replica of the wrong source holds transactions the primary lacks: it is left where it is. */
  | {
      code: "failover.repoint-refused-errant";
      nodeId: string;
      primaryNodeId: string;
      source: string;
      errantGtids: string;
    }
  /** The local and primary GTID positions cannot be compared (unparsable, or MySQL against MariaDB). */
  | { code: "failover.gtid-incomparable"; nodeId: string; primaryNodeId: string; gtidErrorCode: string }
  /** The server the ledger names primary replicates from somewhere: it is not made writable. */
  | { code: "failover.primary-replicates"; nodeId: string; sources: string[] }
  /** Several channels, none from the primary or a member attached to it: which to move is a person's call. */
  | { code: "failover.wrong-source-ambiguous"; nodeId: string; primaryNodeId: string; sources: string[] };
