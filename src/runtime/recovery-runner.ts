// The raft leader's recovery loop. Every tick (and at once when gossip brings news) it looks at
// the ledger and the cluster: an unfinished recovery in the ledger is resumed, never doubled; an
// operator's intent is started; a cluster without a primary adopts the one that runs; an
// actionable failure passes the guards, is recorded as detected, planned and driven step by step,
// every outcome in the ledger before the next step starts. Followers do nothing here.
import type { Analysis } from "../failover/analysis.ts";
import { analyzeCluster } from "../failover/analyze.ts";
import { checkRecoveryGuards } from "../failover/guards.ts";
import { resumePlan } from "../failover/plan-progress.ts";
import { RECOVERY_EVENTS_REMEMBERED } from "../lib/limits.ts";
import { err } from "../lib/result.ts";
import { orchestratorName } from "../model/analysis-code.ts";
import type { LedgerState, Recovery } from "../raft/ledger.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import { decideBootstrap } from "./bootstrap-primary.ts";
import {
  ALERTS,
  isActionableFailure,
  isActive,
  lastRecoveryOf,
  PRIMARY_FAILURES,
  settling,
} from "./recovery-ledger-facts.ts";
import { NotLeading, type RecoveryEvent, RecoveryDriver } from "./recovery-drive.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import type { ProposalResult } from "./proposals.ts";
import type { StepPerformer } from "./recovery-executor.ts";
import { type HookSettings, runRecoveryHookPoint } from "./recovery-hooks.ts";
import { intentKindOf, newRecoveryId } from "./recovery-intent.ts";
import { kindOfRecovery, type PlanningSettings, type RecoverySubject } from "./recovery-planning.ts";
import { hookFactsOf } from "./recovery-scope.ts";

export type { RecoveryEvent } from "./recovery-drive.ts";

export interface RunnerSettings extends PlanningSettings {
  auto: boolean;
  recoveryBlockMs: number;
  /**
   * After a recovery ends, members' records still show the old topology until their next probe:
   * no automatic recovery starts within this long of the last one finishing.
   */
  settleMs: number;
  hooks: HookSettings;
  /** raft.voters: bootstrap adopts a primary only once every one of them has been heard. */
  voters?: readonly string[];
}

export interface RunnerDeps {
  cluster: string;
  /**
   * The term this node leads in once its ledger has caught up with it (RaftHost.leaderTerm);
   * null: not leading, or not yet caught up: nothing is assessed.
   */
  leaderTerm(): number | null;
  ledger(): Readonly<LedgerState>;
  snapshot(): ClusterSnapshot;
  /** Proposes as the leader of `term` (Proposer.proposeAsLeader): never forwarded. */
  propose(cmd: LedgerCommand, term: number): Promise<ProposalResult>;
  executor: StepPerformer;
  settings: RunnerSettings;
  wallMs(): number;
  onEvent(e: RecoveryEvent): void;
  /** Fresh positions of the members' servers before a failover is planned. */
  refresh?(snapshot: ClusterSnapshot, failedNodeId: string): Promise<ClusterSnapshot>;
}

export class RecoveryRunner {
  private busy: Promise<void> | null = null;
  /** Standing conditions already reported, so each is an event once per episode. */
  private readonly said = new Set<string>();
  private readonly driver: RecoveryDriver;
  /** The term the current assessment acts for; null between assessments. */
  private term: number | null = null;
  private stopped = false;

  constructor(private readonly d: RunnerDeps) {
    this.driver = new RecoveryDriver(
      { ...d, isLeader: () => this.leading(), propose: (cmd) => this.proposeAsLeader(cmd) },
      (level, kind, message, data) => this.event(level, kind, message, data),
    );
  }

  /** Called every tick and whenever gossip or the ledger changes; never overlaps itself. */
  tick(): void {
    if (this.stopped) return;
    const term = this.d.leaderTerm();
    if (term === null) {
      this.said.clear();
      return;
    }
    if (this.busy !== null) return;
    this.term = term;
    this.busy = this.assess()
      .catch((e: unknown) => {
        if (!(e instanceof NotLeading)) this.event("error", "recovery.runner-failed", String(e), {});
      })
      .finally(() => {
        this.busy = null;
        this.term = null;
      });
  }

  /** Resolves once the current assessment (and any recovery it drives) is over. */
  async idle(): Promise<void> {
    await this.busy;
  }

  /** No new assessment starts, the one running stops at its next step; resolves once it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** The term the running assessment acts in, while this node still leads it; else null. */
  drivingTerm(): number | null {
    return this.leading() ? this.term : null;
  }

  /** Whether the running assessment may still act: this node leads the term it started in. */
  leading(): boolean {
    return !this.stopped && this.term !== null && this.d.leaderTerm() === this.term;
  }

  /**
   * A proposal of the running assessment (the executor's set-primary too), as the leader of its
   * term; refused once this node no longer leads that term or the runner stops.
   */
  proposeAsLeader(cmd: LedgerCommand): Promise<ProposalResult> {
    if (this.term === null || !this.leading())
      return Promise.resolve(err({ code: "raft.no-leader", term: this.term ?? 0, waitedMs: 0 }));
    return this.d.propose(cmd, this.term);
  }

  private async assess(): Promise<void> {
    const ledger = this.d.ledger();
    const active = ledger.recoveries.find(isActive);
    if (active !== undefined) return this.resume(active);
    const intent = ledger.switchover;
    if (intent !== null) return this.startIntent(intent);
    const snapshot = this.d.snapshot();
    if (ledger.primary === null) return this.bootstrap(snapshot);
    const analyses = analyzeCluster(snapshot.view, this.d.settings.analysis);
    const target = analyses.find(isActionableFailure);
    if (target === undefined) {
      this.alertOnce(analyses);
      return;
    }
    return this.startAutomatic(target, snapshot);
  }

  private actionableFailureOf(nodeId: string): Analysis | undefined {
    const analyses = analyzeCluster(this.d.snapshot().view, this.d.settings.analysis);
    return analyses.find((a) => isActionableFailure(a) && a.nodeId === nodeId);
  }

  private alertOnce(analyses: readonly Analysis[]): void {
    const alerts = analyses.filter((a) => ALERTS.includes(a.code));
    if (alerts.length === 0 && analyses.every((a) => a.code === "NoProblem")) this.said.clear();
    for (const a of alerts)
      this.once(`alert:${a.code}:${a.nodeId}`, "warn", "recovery.alert", a.description, {
        analysis: a.code,
        nodeId: a.nodeId,
        evidence: a.evidence,
      });
  }

  private async bootstrap(snapshot: ClusterSnapshot): Promise<void> {
    const d = decideBootstrap(snapshot, this.d.settings.staleAfterMs, { voters: this.d.settings.voters });
    if (d.type === "ambiguous") {
      this.once(
        `bootstrap:${d.why}`,
        "warn",
        "recovery.bootstrap-ambiguous",
        `no primary adopted: ${d.why}`,
        {},
      );
      return;
    }
    if (d.type !== "adopt") return;
    const r = await this.propose(d.command);
    if (r.ok)
      this.event("info", "recovery.bootstrap", `adopted ${d.nodeId} as primary (epoch 1)`, {
        nodeId: d.nodeId,
      });
    else
      this.once(`bootstrap-refused:${r.error.code}`, "warn", "recovery.bootstrap-refused", r.error.code, {});
  }

  private async startAutomatic(a: Analysis, snapshot: ClusterSnapshot): Promise<void> {
    const nodeId = a.nodeId as string;
    const s = this.d.settings;
    if (!s.auto) {
      this.once(
        `auto-off:${a.code}:${nodeId}`,
        "warn",
        "recovery.refused",
        `${a.description}; failover.auto is off`,
        {
          analysis: a.code,
          refusals: [{ code: "recovery.auto-off" }],
        },
      );
      return;
    }
    const ledger = snapshot.ledger;
    if (settling(ledger, snapshot.nowWallMs, s.settleMs)) return;
    const verdict = checkRecoveryGuards({
      cluster: this.d.cluster,
      subjectNodeId: nodeId,
      trigger: "automatic",
      recoveryBlockMs: s.recoveryBlockMs,
      lastRecovery: lastRecoveryOf(ledger, snapshot.nowWallMs),
      downtimes: snapshot.view.downtimes,
      paused: snapshot.view.paused,
    });
    if (!verdict.allowed) {
      const codes = verdict.refusals.map((r) => r.code).join(",");
      this.once(
        `refused:${a.code}:${nodeId}:${codes}`,
        "warn",
        "recovery.refused",
        `${a.description}; refused: ${codes}`,
        {
          analysis: a.code,
          nodeId,
          refusals: verdict.refusals,
        },
      );
      return;
    }
    const subject: RecoverySubject = {
      id: newRecoveryId(this.d.wallMs()),
      kind: a.code === "DeadIntermediatePrimary" ? "intermediate" : "failover",
      trigger: "automatic",
      failedNodeId: nodeId,
      analysis: a.code,
      preferred: "",
      force: false,
      intent: null,
    };
    if (!(await this.detect(subject, a.description))) return;
    const veto = await runRecoveryHookPoint(
      "OnFailureDetection",
      hookFactsOf(subject, this.d.snapshot(), null, this.d.settings.auto),
      s.hooks,
    );
    if (veto.vetoed)
      return this.driver.finish(subject, "failed", `hooks.vetoed: OnFailureDetection ${veto.detail}`);
    // Hooks take time: a primary whose failure cleared meanwhile must not be failed over.
    if (this.actionableFailureOf(nodeId) === undefined)
      return this.driver.finish(
        subject,
        "failed",
        `recovery.failure-cleared: ${a.code} of ${nodeId} no longer holds after the detection hooks`,
      );
    return this.driver.planAndDrive(subject);
  }

  private async startIntent(intent: NonNullable<LedgerState["switchover"]>): Promise<void> {
    const ledger = this.d.ledger();
    const done = ledger.recoveries.some((r) => r.id === intent.id);
    if (done || (intent.from !== "" && intent.from !== ledger.primary)) {
      // Already run, or asked against a primary that has since changed: only the intent is left.
      if (!done)
        this.event(
          "warn",
          "recovery.intent-stale",
          `intent ${intent.id} names ${intent.from}, not the primary`,
          {},
        );
      await this.propose({ type: "switchover-clear", id: intent.id });
      return;
    }
    if (ledger.primary === null) {
      this.event("warn", "recovery.intent-refused", `intent ${intent.id}: the ledger names no primary`, {});
      await this.propose({ type: "switchover-clear", id: intent.id });
      return;
    }
    const kind = intentKindOf(intent.id);
    const snapshot = this.d.snapshot();
    const finding = analyzeCluster(snapshot.view, this.d.settings.analysis).find(
      (a) => a.nodeId === ledger.primary && PRIMARY_FAILURES.includes(a.code),
    );
    const subject: RecoverySubject = {
      id: intent.id,
      kind: kind === "switchover" ? "switchover" : "failover",
      trigger: "manual",
      failedNodeId: ledger.primary,
      analysis: finding?.code ?? "NoProblem",
      preferred: intent.to,
      force: kind === "failover-forced",
      intent: kind,
    };
    const by = `requested by ${intent.by}`;
    if (!(await this.detect(subject, by))) return;
    return this.driver.planAndDrive(subject);
  }

  private async detect(subject: RecoverySubject, description: string): Promise<boolean> {
    const r = await this.propose({
      type: "recovery-detected",
      id: subject.id,
      analysis: subject.analysis,
      failedInstance: subject.failedNodeId,
      wallMs: Math.round(this.d.wallMs()),
    });
    if (!r.ok) {
      this.event("warn", "recovery.not-recorded", `recovery ${subject.id} not recorded: ${r.error.code}`, {});
      return false;
    }
    this.event(
      "warn",
      "recovery.detected",
      `${subject.id}: ${subject.kind} of ${subject.failedNodeId}: ${description}`,
      {
        id: subject.id,
        analysis: subject.analysis,
        failureType: orchestratorName(subject.analysis),
        failedNodeId: subject.failedNodeId,
      },
    );
    return true;
  }

  private subjectOf(r: Recovery): RecoverySubject {
    const ledger = this.d.ledger();
    const intent = ledger.switchover?.id === r.id ? ledger.switchover : null;
    const kind = r.id.startsWith("auto-") ? null : intentKindOf(r.id);
    return {
      id: r.id,
      kind: kindOfRecovery(r.analysis, kind),
      trigger: kind === null ? "automatic" : "manual",
      failedNodeId: r.failedInstance,
      analysis: r.analysis,
      preferred: intent?.to ?? "",
      force: kind === "failover-forced",
      intent: kind,
    };
  }

  private async resume(r: Recovery): Promise<void> {
    const subject = this.subjectOf(r);
    if (r.state === "detected") return this.driver.planAndDrive(subject);
    const snapshot = this.d.snapshot();
    const plan = resumePlan({
      names: r.steps.map((s) => s.name),
      fromNodeId: r.failedInstance,
      successor: r.successor ?? "",
      alive: snapshot.alive,
      settings: this.d.settings.plan,
    });
    if (!plan.ok)
      return this.driver.finish(subject, "failed", `${plan.error.code}: the stored plan cannot be read back`);
    this.once(
      `resume:${r.id}`,
      "warn",
      "recovery.resumed",
      `resuming ${r.id} where the last leader stopped`,
      { id: r.id },
    );
    return this.driver.drive(subject, plan.value, true);
  }

  private propose(cmd: LedgerCommand): Promise<ProposalResult> {
    return this.proposeAsLeader(cmd);
  }

  private once(
    key: string,
    level: RecoveryEvent["level"],
    kind: string,
    message: string,
    data: Record<string, unknown>,
  ) {
    if (this.said.has(key)) return;
    if (this.said.size >= RECOVERY_EVENTS_REMEMBERED) this.said.clear();
    this.said.add(key);
    this.event(level, kind, message, data);
  }

  private event(
    level: RecoveryEvent["level"],
    kind: string,
    message: string,
    data: Record<string, unknown>,
  ): void {
    this.d.onEvent({ level, kind, message, data });
  }
}
