// Narrated failover scenarios (house rule 7): a script of blocks
//   <command line>
//   ----
//   <output lines>
// separated by blank lines; lines starting with # are narration. Commands:
//   servers db1* db2 db3      MariaDB servers, the starred one primary (ledger epoch 1)
//   write ID N                the primary commits N transactions
//   replicate                 every running replica catches up with its source
//   kill ID / start ID        mysqld stops / starts again (read_only, as keel configures it)
//   cut ID / heal ID          the agent loses / regains the quorum
//   hang ID / wake ID         mysqld stops / resumes answering (agent fine, read_only unchanged)
//   tick MS                   time passes
//   reconcile                 every agent reconciles its server once; actions are applied
//   rejoin ID [--force]       keel rejoin: asks ID's agent to rejoin on its next reconcile
//   plan failover|switchover FROM TO [host-unreachable]   the leader plans and records it
//   veto HOOK / allow HOOK    that hook exits non-zero / 0 from now on
//   run [N]                   the leader runs N stages (default: until it finishes or must wait)
//   leader-change             a new leader rebuilds the plan from the ledger's step names
//   status                    servers and ledger
// Servers are probed after every command, as agents do every probe interval.
import { checkStepDone } from "../../../src/failover/plan-done.ts";
import {
  type Plan,
  type PlanStep,
  planFailover,
  planStepNames,
  planSwitchover,
} from "../../../src/failover/plan.ts";
import { nextSteps, resumePlan, type StepStatus } from "../../../src/failover/plan-progress.ts";
import { type LocalAction, reconcile } from "../../../src/failover/reconcile.ts";
import { keyOf } from "../../unit/failover/view-builder.ts";
import { ClusterModel } from "./cluster-model.ts";

const SETTINGS = { fenceAfterMs: 1_500, fenceMarginMs: 500, catchupTimeoutMs: 10_000 };

interface Recovery {
  names: string[];
  statuses: StepStatus[];
  from: string;
  successor: string;
  kind: Plan["kind"];
}

function renderAction(a: LocalAction): string {
  switch (a.type) {
    case "set-read-only":
      return `set read_only (${a.reason})`;
    case "set-writable":
      return `set writable (epoch ${a.epoch})`;
    case "rejoin":
    case "repoint":
      return `${a.type} to ${a.sourceNodeId}${a.type === "rejoin" && a.forced ? " (forced)" : ""}`;
    case "emit-event":
      return `event ${JSON.stringify(a.event)}`;
  }
}

class Scenario {
  readonly m = new ClusterModel();
  recovery: Recovery | null = null;
  plan: Plan | null = null;
  vetoed = new Set<string>();
  rejoinRequests = new Map<string, { force: boolean }>();

  alive(): Set<string> {
    return new Set([...this.m.servers.keys()].filter((id) => !this.m.cut.has(id)));
  }

  reconcileAll(): string[] {
    const out: string[] = [];
    const r = this.recovery;
    for (const id of this.m.servers.keys()) {
      const primary = this.m.ledger.primary;
      const actions = reconcile({
        self: id,
        kind: "agent",
        ledger: {
          primary:
            primary === null ? null : { nodeId: primary, key: keyOf(primary), epoch: this.m.ledger.epoch },
          primaryAddresses: [],
          // As in the ledger: a switchover intent's recovery runs under the intent's id, and a
          // recorded plan (the `plan` command) gives the recovery its successor.
          activeRecovery:
            r === null || r === undefined
              ? null
              : { id: r.kind === "switchover" ? "s1" : "r1", failedNodeId: r.from, successor: r.successor },
          switchover: r?.kind === "switchover" ? { id: "s1", from: r.from, to: r.successor } : null,
        },
        local: this.m.instance(id),
        quorum: { reachable: !this.m.cut.has(id), lostForMs: this.m.lostForMs(id), ledgerCurrent: true },
        settings: { fenceAfterMs: SETTINGS.fenceAfterMs, autoRejoin: true },
        primaryPosition: this.m.primaryPosition(),
        primaryPromotedAt: primary === null ? null : this.m.server(primary).slavePos,
        attachedSources: [],
        rejoinRequest: this.rejoinRequests.get(id) ?? null,
        inFlight: [],
        unansweredForMs: this.m.server(id).unansweredBeforeMs,
        ...this.m.hungInput(id),
      });
      this.m.server(id).unansweredBeforeMs = 0;
      for (const a of actions) {
        out.push(`${id}: ${renderAction(a)}`);
        if (a.type !== "emit-event") {
          this.m.applyLocal(id, a);
          this.rejoinRequests.delete(id);
        }
      }
    }
    return out.length > 0 ? out : ["no actions"];
  }

  startPlan(args: string[]): string[] {
    const [kind, from = "", to = "", flag] = args;
    const member = (id: string) => ({
      nodeId: id,
      agentAlive: !this.m.cut.has(id),
      serverReachable: this.m.server(id).up && this.m.server(id).hungSinceMs === null && !this.m.cut.has(id),
    });
    const replicas = [...this.m.servers.keys()].filter((id) => id !== from && id !== to).map(member);
    const common = { candidate: member(to), replicas, epoch: this.m.ledger.epoch, settings: SETTINGS };
    const planned =
      kind === "switchover"
        ? planSwitchover({ ...common, primary: member(from) })
        : planFailover({ ...common, failed: member(from), hostUnreachable: flag === "host-unreachable" });
    if (!planned.ok) return [`refused: ${JSON.stringify(planned.error)}`];
    this.plan = planned.value;
    const names = planStepNames(this.plan);
    this.recovery = {
      names,
      statuses: names.map(() => "pending"),
      from,
      successor: to,
      kind: this.plan.kind,
    };
    return this.plan.steps.map(
      (s) =>
        `${s.index} ${s.name} [${performerText(s)}]${s.when === "on-failure" ? " if-aborted" : s.onFailure === "abort" ? "" : " after-no-return"}`,
    );
  }

  execute(step: PlanStep): { result: "done" | "failed" | "waiting"; detail: string } {
    const a = step.action;
    if (a.kind === "run-hooks")
      return this.vetoed.has(a.hook)
        ? { result: "failed", detail: "exit 1" }
        : { result: "done", detail: "ran" };
    if (a.kind === "set-primary") {
      if (this.m.ledger.epoch !== a.expectedEpoch) return { result: "failed", detail: "stale epoch" };
      this.m.ledger = { primary: a.nodeId, epoch: a.expectedEpoch + 1 };
      return { result: "done", detail: `epoch ${this.m.ledger.epoch}` };
    }
    const before = checkStepDone(a, this.m.facts());
    if (before.state === "done") return { result: "done", detail: "already done" };
    if (a.kind === "wait-fence-after" || a.kind === "wait-relay-applied" || a.kind === "wait-caught-up")
      return { result: "waiting", detail: before.state === "pending" ? before.why : before.state };
    const s = this.m.server(a.nodeId);
    if (!s.up || s.hungSinceMs !== null) return { result: "failed", detail: `${a.nodeId} does not answer` };
    if (a.kind === "promote") Object.assign(s, { source: null, ioStopped: false });
    if (a.kind === "detach") s.ioStopped = true;
    if (a.kind === "reattach") s.ioStopped = false;
    if (a.kind === "make-writable") s.readOnly = false;
    if (a.kind === "fence") s.readOnly = true;
    if (a.kind === "repoint" || a.kind === "demote") {
      if (a.kind === "demote") Object.assign(s, { readOnly: true, slavePos: s.pos });
      Object.assign(s, { source: a.sourceNodeId, ioError: false, ioStopped: false });
    }
    const after = checkStepDone(a, this.m.facts());
    return after.state === "done"
      ? { result: "done", detail: "" }
      : { result: "failed", detail: JSON.stringify(after) };
  }

  run(stages: number): string[] {
    const out: string[] = [];
    const r = this.recovery;
    if (r === null || this.plan === null) return ["no recovery"];
    for (let i = 0; i < stages; i++) {
      const progress = nextSteps(this.plan, r.statuses);
      if (progress.type === "finished") {
        out.push(`recovery ${progress.outcome}; failed [${progress.failedSteps.join(" ")}]`);
        this.recovery = null;
        this.plan = null;
        return out;
      }
      let waiting = false;
      for (const step of progress.steps) {
        const { result, detail } = this.execute(step);
        out.push(
          `${step.index} ${step.name} [${performerText(step)}]: ${result}${detail ? ` (${detail})` : ""}`,
        );
        if (result === "waiting") waiting = true;
        else r.statuses[step.index] = result;
      }
      if (waiting) break;
    }
    return out;
  }

  /** The bound of every wait now pending runs out: those steps are recorded failed. */
  expireWaits(): string[] {
    const r = this.recovery;
    if (r === null || this.plan === null) return ["no recovery"];
    const progress = nextSteps(this.plan, r.statuses);
    if (progress.type === "finished") return ["nothing waits"];
    const waits = progress.steps.filter((s) => this.execute(s).result === "waiting");
    for (const s of waits) r.statuses[s.index] = "failed";
    return waits.length > 0
      ? waits.map((s) => `${s.index} ${s.name}: failed (bound reached)`)
      : ["nothing waits"];
  }

  leaderChange(): string[] {
    const r = this.recovery;
    if (r === null) return ["no recovery to resume"];
    const rebuilt = resumePlan({
      names: r.names,
      fromNodeId: r.from,
      successor: r.successor,
      alive: this.alive(),
      settings: SETTINGS,
    });
    if (!rebuilt.ok) return [`cannot resume: ${rebuilt.error.code}`];
    this.plan = rebuilt.value;
    const next = nextSteps(this.plan, r.statuses);
    return [
      `new leader resumes at ${next.type === "run" ? next.steps.map((s) => s.name).join(", ") : "the end"}`,
    ];
  }

  command(line: string): string[] {
    const [cmd = "", ...args] = line.trim().split(/\s+/);
    const id = args[0] ?? "";
    const m = this.m;
    switch (cmd) {
      case "servers":
        for (const a of args) m.add(a.replace("*", ""), a.endsWith("*"));
        return m.status();
      case "write":
        return [m.write(id, Number(args[1]))];
      case "replicate":
        return ((applied) => (applied.length > 0 ? applied : ["nothing to apply"]))(m.replicate());
      case "kill":
      case "start":
        Object.assign(m.server(id), cmd === "kill" ? { up: false } : { up: true, readOnly: true });
        return [`${id} ${cmd === "kill" ? "down" : "up, read-only"}`];
      case "hang":
        m.server(id).hungSinceMs = m.nowMs;
        return [`${id} hangs: its port is open, nothing answers`];
      case "wake": {
        const s = m.server(id);
        s.unansweredBeforeMs = m.nowMs - (s.hungSinceMs ?? m.nowMs);
        s.hungSinceMs = null;
        const landed = s.fenceQueued ? " (the fence its agent queued landed first)" : "";
        if (s.fenceQueued) Object.assign(s, { readOnly: true, fenceQueued: false });
        return [
          `${id} answers again after ${s.unansweredBeforeMs} ms, ${s.readOnly ? "read-only" : "writable"}${landed}`,
        ];
      }
      case "cut":
        m.cut.set(id, m.nowMs);
        return [`${id} cut off`];
      case "heal":
        m.cut.delete(id);
        return [`${id} reaches the quorum`];
      case "tick":
        m.nowMs += Number(id);
        return [`now ${m.nowMs} ms`];
      case "reconcile":
        return this.reconcileAll();
      case "rejoin":
        this.rejoinRequests.set(id, { force: args.includes("--force") });
        return [`rejoin requested for ${id}${args.includes("--force") ? " (forced)" : ""}`];
      case "plan":
        return this.startPlan(args);
      case "veto":
        this.vetoed.add(id);
        return [`${id} hooks will fail`];
      case "allow":
        this.vetoed.delete(id);
        return [`${id} hooks will succeed`];
      case "run":
        return this.run(args[0] === undefined ? 100 : Number(args[0]));
      case "leader-change":
        return this.leaderChange();
      case "expire":
        return this.expireWaits();
      case "status":
        return m.status();
      default:
        throw new Error(`unknown command: ${line}`);
    }
  }
}

function performerText(s: PlanStep): string {
  const p = s.performer;
  return p.by === "leader" ? "leader" : p.by === "agent" ? `agent ${p.nodeId}` : `remote ${p.nodeId}`;
}

export interface Block {
  command: string;
  expected: string;
  actual: string;
}

export function runScript(script: string): { blocks: Block[]; rewritten: string } {
  const scenario = new Scenario();
  const blocks: Block[] = [];
  const out: string[] = [];
  const chunks = script.replace(/\n+$/, "").split(/\n\n+/);
  for (const chunk of chunks) {
    const lines = chunk.split("\n");
    const narration = lines.filter((l) => l.startsWith("#"));
    const rest = lines.filter((l) => !l.startsWith("#"));
    const command = rest[0];
    if (command === undefined) {
      out.push(narration.join("\n"));
      continue;
    }
    const sep = rest.indexOf("----");
    const expected = sep === -1 ? "" : rest.slice(sep + 1).join("\n");
    const actual = scenario.command(command).join("\n");
    scenario.m.probeAll();
    blocks.push({ command, expected, actual });
    out.push([...narration, command, "----", actual].join("\n"));
  }
  return { blocks, rewritten: `${out.join("\n\n")}\n` };
}
