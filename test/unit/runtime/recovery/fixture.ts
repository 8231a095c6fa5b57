// A ClusterSnapshot straight from a failover ViewBuilder view plus a real Ledger, and a propose
// that applies commands to that ledger the way every voter would.
import type { StepFacts } from "../../../../src/failover/plan-done.ts";
import { isAgentFresh } from "../../../../src/failover/view-facts.ts";
import { err, ok } from "../../../../src/lib/result.ts";
import type { ClusterView } from "../../../../src/model/cluster-view.ts";
import type { InstanceKey, InstanceState } from "../../../../src/model/instance-state.ts";
import { Ledger } from "../../../../src/raft/ledger.ts";
import { encodeLedgerCommand, type LedgerCommand } from "../../../../src/raft/ledger-commands.ts";
import type { ClusterSnapshot } from "../../../../src/runtime/cluster-snapshot.ts";
import type { MemberFacts } from "../../../../src/runtime/member-facts.ts";
import type { ProposalResult } from "../../../../src/runtime/proposals.ts";
import type { RunnerSettings } from "../../../../src/runtime/recovery-runner.ts";

export const WALL_MS = 1_800_000_000_000;

export function factsOfView(view: ClusterView): MemberFacts[] {
  return view.agents.map((a) => ({
    nodeId: a.nodeId,
    cluster: view.cluster,
    kind: a.kind,
    status: a.memberStatus,
    stateAgeMs: a.recordAgeMs,
    unchangedForMs: 0,
    key: a.key,
    instance: a.instance,
    lastReachable: a.instance?.reachable ? a.instance : null,
    record: null,
  }));
}

export function snapshotOf(view: ClusterView, ledger: Ledger, nowWallMs = WALL_MS): ClusterSnapshot {
  const facts = factsOfView(view);
  const instances: Record<string, InstanceState | null> = {};
  const addresses: Record<string, InstanceKey[]> = {};
  const silentForMs: Record<string, number> = {};
  for (const f of facts) {
    instances[f.nodeId] = f.instance;
    addresses[f.nodeId] = f.key === null ? [] : [f.key];
    silentForMs[f.nodeId] = f.stateAgeMs;
  }
  const stepFacts: StepFacts = {
    ledger: { primary: ledger.state.primary, epoch: ledger.state.epoch },
    instances,
    addresses,
    silentForMs,
  };
  const state = ledger.state;
  return {
    cluster: view.cluster,
    nowMs: view.nowMs,
    nowWallMs,
    view: {
      ...view,
      primary:
        state.primary === null
          ? null
          : {
              nodeId: state.primary,
              key: view.agents.find((a) => a.nodeId === state.primary)?.key ?? { host: "x", port: 1 },
              epoch: state.epoch,
            },
      paused: { global: false, cluster: state.paused !== null || view.paused.cluster },
    },
    facts,
    ledger: state,
    stepFacts,
    alive: new Set(view.agents.filter((a) => isAgentFresh(a, 1_500)).map((a) => a.nodeId)),
  };
}

/** A ledger every proposal is applied to at once, in order; the log of what was proposed. */
export class LedgerFake {
  readonly ledger = new Ledger();
  readonly proposed: LedgerCommand[] = [];
  private index = 0;

  propose = async (cmd: LedgerCommand): Promise<ProposalResult> => {
    this.proposed.push(cmd);
    this.index += 1;
    const r = this.ledger.apply({ index: this.index, term: 1, data: encodeLedgerCommand(cmd) });
    return r.ok ? ok({ index: this.index, outcome: r.value }) : err(r.error);
  };

  types(): string[] {
    return this.proposed.map((c) => c.type);
  }
}

/** Runner settings for tests: automatic, no hook commands, short bounds. */
export const RUNNER_SETTINGS: RunnerSettings = {
  auto: true,
  recoveryBlockMs: 3_600_000,
  settleMs: 2_000,
  staleAfterMs: 1_500,
  analysis: {},
  plan: { fenceAfterMs: 1_500, fenceMarginMs: 1_000, catchupTimeoutMs: 10_000 },
  hooks: {
    commands: {
      OnFailureDetection: [],
      PreFailover: [],
      PostMasterFailover: [],
      PostFailover: [],
      PostUnsuccessfulFailover: [],
      PreGracefulTakeover: [],
      PostGracefulTakeover: [],
    },
    timeoutMs: 1_000,
  },
};
