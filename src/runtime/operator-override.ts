// The operator override behind `keel failover --force-without-quorum`: the operator promoted this
// agent's server by hand because no quorum exists, and the ledger (which needs one) still names
// another primary. Left alone, this agent would fence the promoted server twice over: it is cut off
// from the quorum (self-fence) and not the ledger's primary (fenced as not-primary). While the
// override lasts, the reconciler makes no change to the server at all.
//
// It ends three ways, each audited: when its time runs out (the normal rules apply again: without
// a quorum, the server is self-fenced after fence_after); when the operator ends it; or when the
// agent has a quorum again. Then the agent first brings the ledger in line by proposing this node
// as primary with a compare-and-set on the epoch it saw when the override began: if the ledger did
// not move meanwhile, the promoted server becomes the ledger's primary of the next epoch and stays
// writable; if it moved (another part of the cluster had a quorum and promoted someone), the
// proposal is refused and the normal rules fence this server: the other primary won.
import { OPERATOR_OVERRIDE_TTL_MS_MAX } from "../lib/limits.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import type { ProposalResult } from "./proposals.ts";
import type { QuorumReading } from "./reconcile-inputs.ts";

export interface OverrideGrant {
  by: string;
  /** Monotonic ms the override began and ends by at the latest. */
  sinceMs: number;
  untilMs: number;
  /** The ledger when it began: the compare-and-set when the quorum is back. */
  ledgerPrimary: string | null;
  ledgerEpoch: number;
}

export type OverrideEnd =
  | { why: "expired" }
  | { why: "ended-by-operator"; by: string }
  | { why: "recorded"; epoch: number }
  | { why: "ledger-moved"; error: string };

export interface OverrideDeps {
  self: string;
  ledger(): { primary: string | null; epoch: number };
  propose(cmd: LedgerCommand): Promise<ProposalResult>;
  audit(kind: string, data: Record<string, unknown>): void;
  log: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** The override ended: the reconciler decides again under the normal rules. */
  onEnded(): void;
}

/** Errors after which the proposal is worth retrying on the next tick (the quorum is settling). */
const TRANSIENT = new Set(["raft.no-leader", "raft.proposal-timeout", "raft.proposals-busy"]);

export class OperatorOverride {
  private grant: OverrideGrant | null = null;
  private recording = false;

  constructor(private readonly d: OverrideDeps) {}

  /** Begins (or renews) the override; ttlMs is capped at OPERATOR_OVERRIDE_TTL_MS_MAX. */
  enter(by: string, ttlMs: number, nowMs: number): OverrideGrant {
    const ledger = this.d.ledger();
    const untilMs = nowMs + Math.min(Math.max(0, ttlMs), OPERATOR_OVERRIDE_TTL_MS_MAX);
    const kept = this.grant;
    // A renewal keeps the epoch of the first grant: the ledger state the operator acted against.
    this.grant = {
      by,
      sinceMs: kept?.sinceMs ?? nowMs,
      untilMs,
      ledgerPrimary: kept?.ledgerPrimary ?? ledger.primary,
      ledgerEpoch: kept?.ledgerEpoch ?? ledger.epoch,
    };
    const g = this.grant;
    const data = { by, ttlMs: untilMs - nowMs, ledgerPrimary: g.ledgerPrimary, ledgerEpoch: g.ledgerEpoch };
    this.d.log.warn("OPERATOR OVERRIDE: the reconciler makes no changes and self-fencing is suspended", data);
    this.d.audit("override.entered", data);
    return g;
  }

  /** The override in force now; null when there is none (an expired one ends here). */
  active(nowMs: number): OverrideGrant | null {
    const g = this.grant;
    if (g !== null && nowMs >= g.untilMs && !this.recording) this.finish({ why: "expired" });
    return this.grant;
  }

  /** The operator ends it; false when none was in force. */
  endByOperator(by: string, nowMs: number): boolean {
    if (this.active(nowMs) === null) return false;
    this.finish({ why: "ended-by-operator", by });
    return true;
  }

  /** Every loop tick: with a quorum back, the ledger is brought in line and the override ends. */
  tick(nowMs: number, quorum: QuorumReading): void {
    const g = this.active(nowMs);
    if (g === null || !quorum.reachable || this.recording) return;
    const ledger = this.d.ledger();
    if (ledger.primary === this.d.self && ledger.epoch > g.ledgerEpoch) {
      this.finish({ why: "recorded", epoch: ledger.epoch });
      return;
    }
    this.recording = true;
    void this.d
      .propose({ type: "set-primary", primary: this.d.self, expectedEpoch: g.ledgerEpoch })
      .then((r) => {
        this.recording = false;
        if (this.grant !== g) return;
        if (r.ok) this.finish({ why: "recorded", epoch: g.ledgerEpoch + 1 });
        else if (!TRANSIENT.has(r.error.code)) this.finish({ why: "ledger-moved", error: r.error.code });
      });
  }

  private finish(end: OverrideEnd): void {
    const g = this.grant;
    if (g === null) return;
    this.grant = null;
    const data = { ...end, grantedBy: g.by, ledgerEpochAtStart: g.ledgerEpoch };
    this.d.log.warn("operator override ended: the normal rules apply again", data);
    this.d.audit("override.ended", data);
    this.d.onEnded();
  }
}
