// Performs one plan step for the leader. Server steps go to the target's own agent over the step
// RPC; when that agent is gone (not fresh, or no acknowledgement) the leader acts on the server's
// advertised address itself, with the admin credentials of its own config. set-primary is the
// ledger's compare-and-set (the point of no return); waits re-read the leader's view until done.
import { type StepCheck, checkStepDone } from "../failover/plan-done.ts";
import type { PlanStep } from "../failover/plan.ts";
import { stepTarget } from "../failover/plan-steps.ts";
import {
  ACTION_POLL_INTERVAL_MS,
  RECOVERY_STEP_BOUND_MS,
  STEP_RPC_ACK_TIMEOUT_MS,
  STEP_RPC_GTID_CHARS_MAX,
  STEP_RPC_RESULT_MARGIN_MS,
} from "../lib/limits.ts";
import { formatInstanceKey } from "../model/instance-state.ts";
import { executedGtid, type ReplicationCredentials } from "../mysql/actions.ts";
import { openAdminConnection } from "../mysql/admin-connection.ts";
import type { ProbeTarget } from "../mysql/connect.ts";
import type { LedgerCommand } from "../raft/ledger-commands.ts";
import type { ClusterSnapshot } from "./cluster-snapshot.ts";
import { serverKeyOf } from "./cluster-snapshot.ts";
import type { ProposalResult } from "./proposals.ts";
import { type HookFacts, type HookSettings, runRecoveryHookPoint } from "./recovery-hooks.ts";
import {
  describeActionError,
  performServerStep,
  type ServerAccess,
  type ServerStepArgs,
} from "./server-step.ts";
import type { CallResult, StepOutcome, StepRequest } from "./step-rpc.ts";

export interface ExecutorDeps {
  selfId: string;
  monoMs(): number;
  sleep(ms: number): Promise<void>;
  /** A fresh view of the cluster, taken now. */
  snapshot(): ClusterSnapshot;
  propose(cmd: LedgerCommand): Promise<ProposalResult>;
  /** Asks a member's agent to perform a step (step-rpc.ts). */
  callAgent(
    nodeId: string,
    req: StepRequest,
    o: { ackTimeoutMs: number; resultTimeoutMs: number },
  ): Promise<CallResult>;
  /** The local server, as this agent's config reaches it; null for a witness. */
  localAccess: ServerAccess | null;
  /** Admin credentials (this agent's mysql user) for acting on another member's server. */
  admin: { user: string; password: string };
  replication: ReplicationCredentials;
  semiSync: boolean;
  hooks: HookSettings;
  newRequestId(): string;
  /** Every hook run, for the log and the audit. */
  onHookRun?(point: string, run: { command: string; exitCode: number | null; output: string }): void;
}

/** What the steps of one recovery share. */
export interface StepScope {
  recoveryId: string;
  /** Hook facts as of now (outcome so far, successor, lost replicas). */
  hookFacts(): HookFacts;
}

function remoteTarget(
  snapshot: ClusterSnapshot,
  nodeId: string,
  admin: ExecutorDeps["admin"],
): ProbeTarget | null {
  const key = serverKeyOf(snapshot, nodeId);
  if (key === null) return null;
  return {
    address: { kind: "tcp", host: key.host, port: key.port },
    user: admin.user,
    password: admin.password,
  };
}

/** What the runner needs of an executor (a fake in tests). */
export interface StepPerformer {
  perform(step: PlanStep, scope: StepScope): Promise<StepOutcome>;
  check(step: PlanStep): StepCheck;
}

export class RecoveryExecutor implements StepPerformer {
  constructor(private readonly d: ExecutorDeps) {}

  async perform(step: PlanStep, scope: StepScope): Promise<StepOutcome> {
    const a = step.action;
    switch (a.kind) {
      case "run-hooks": {
        const r = await runRecoveryHookPoint(a.hook, scope.hookFacts(), this.d.hooks);
        for (const run of r.runs) this.d.onHookRun?.(a.hook, run);
        return { ok: r.ok, detail: r.detail };
      }
      case "set-primary":
        return this.setPrimary(step);
      case "wait-fence-after":
        return this.waitUntilDone(step, a.waitMs + (step.boundMs ?? RECOVERY_STEP_BOUND_MS));
      default:
        return this.serverStep(step, scope);
    }
  }

  /** Whether the view already shows the step's effect (a resumed plan skips such steps). */
  check(step: PlanStep): StepCheck {
    return checkStepDone(step.action, this.d.snapshot().stepFacts);
  }

  private async setPrimary(step: PlanStep): Promise<StepOutcome> {
    const a = step.action;
    if (a.kind !== "set-primary") return { ok: false, detail: "not a set-primary step" };
    const before = this.check(step);
    if (before.state === "done") return { ok: true, detail: `the ledger already names ${a.nodeId}` };
    const r = await this.d.propose({
      type: "set-primary",
      primary: a.nodeId,
      expectedEpoch: a.expectedEpoch,
    });
    if (r.ok) return { ok: true, detail: `${a.nodeId} is primary of epoch ${a.expectedEpoch + 1}` };
    const after = this.check(step);
    if (after.state === "done") return { ok: true, detail: `the ledger names ${a.nodeId}` };
    return {
      ok: false,
      detail: `ledger refused: ${r.error.code}${after.state === "impossible" ? `; ${after.why}` : ""}`,
    };
  }

  private async waitUntilDone(step: PlanStep, boundMs: number): Promise<StepOutcome> {
    const deadline = this.d.monoMs() + boundMs;
    for (;;) {
      const c = this.check(step);
      if (c.state === "done") return { ok: true, detail: step.done };
      if (c.state === "impossible") return { ok: false, detail: c.why };
      if (this.d.monoMs() >= deadline)
        return { ok: false, detail: `not done within ${boundMs} ms: ${c.state === "pending" ? c.why : ""}` };
      await this.d.sleep(ACTION_POLL_INTERVAL_MS);
    }
  }

  /**
   * A server is made writable only while the ledger names it primary of exactly the step's epoch:
   * checked on a view taken right before acting, since another primary change may have won the
   * ledger while earlier steps ran.
   */
  private refusedWritable(step: PlanStep): StepOutcome | null {
    if (step.action.kind !== "make-writable") return null;
    const c = this.check(step);
    return c.state === "impossible" ? { ok: false, detail: `refused: ${c.why}` } : null;
  }

  private async resolveArgs(
    step: PlanStep,
    snapshot: ClusterSnapshot,
  ): Promise<ServerStepArgs | StepOutcome> {
    const a = step.action;
    const boundMs = step.boundMs ?? RECOVERY_STEP_BOUND_MS;
    let source = null;
    if (a.kind === "repoint" || a.kind === "demote") {
      source = serverKeyOf(snapshot, a.sourceNodeId);
      if (source === null) return { ok: false, detail: `no address known for ${a.sourceNodeId}` };
    }
    let gtid: string | null = null;
    if (a.kind === "wait-caught-up") {
      const target = remoteTarget(snapshot, a.fromNodeId, this.d.admin);
      if (target === null) return { ok: false, detail: `no address known for ${a.fromNodeId}` };
      const c = await openAdminConnection(target);
      if (!c.ok) return { ok: false, detail: describeActionError(c.error) };
      const read = await executedGtid(c.value, "wait-caught-up");
      c.value.close();
      if (!read.ok) return { ok: false, detail: describeActionError(read.error) };
      gtid = read.value;
    }
    return { action: a, source, gtid, boundMs };
  }

  private async serverStep(step: PlanStep, scope: StepScope): Promise<StepOutcome> {
    const target = stepTarget(step.action);
    if (target === null) return { ok: false, detail: `${step.name} names no server` };
    const snapshot = this.d.snapshot();
    const args = await this.resolveArgs(step, snapshot);
    if ("ok" in args) return args;
    const refused = this.refusedWritable(step);
    if (refused !== null) return refused;
    if (target === this.d.selfId && this.d.localAccess !== null) {
      const out = await performServerStep(this.d.localAccess, args);
      return { ok: out.ok, detail: `by ${target}'s agent: ${out.detail}` };
    }
    let why = "its agent is not alive";
    if (snapshot.alive.has(target) && (args.gtid?.length ?? 0) <= STEP_RPC_GTID_CHARS_MAX) {
      const req: StepRequest = {
        id: this.d.newRequestId(),
        recovery: scope.recoveryId,
        name: step.name,
        source: args.source === null ? null : formatInstanceKey(args.source),
        gtid: args.gtid,
        boundMs: args.boundMs,
      };
      const r = await this.d.callAgent(target, req, {
        ackTimeoutMs: STEP_RPC_ACK_TIMEOUT_MS,
        resultTimeoutMs: args.boundMs + STEP_RPC_RESULT_MARGIN_MS,
      });
      if (r.type === "result") return { ok: r.ok, detail: `by ${target}'s agent: ${r.detail}` };
      why = r.type === "timeout" ? "its agent did not answer in time" : r.reason;
    }
    const remote = remoteTarget(snapshot, target, this.d.admin);
    if (remote === null) return { ok: false, detail: `${why}, and no address is known for ${target}` };
    const access: ServerAccess = {
      target: remote,
      replication: this.d.replication,
      semiSync: this.d.semiSync,
    };
    const out = await performServerStep(access, args);
    return { ok: out.ok, detail: `remotely by the leader (${why}): ${out.detail}` };
  }
}
