// `keel failover --force-without-quorum --to host:port`: the last resort when no quorum can be
// had. Run on the promoted server's host with its agent's config: the command first asks that
// agent for an operator override (operator-override.ts: for a bounded time it makes no change to
// its server and does not self-fence), then promotes the named server with the admin credentials
// of this config, fences and repoints every other member it knows of, and records what it did in
// this host's audit log. The ledger cannot be told without a quorum; when the quorum is back, the
// agent proposes the promoted server as primary (a compare-and-set on the epoch it saw) and ends
// the override: recorded, the server stays primary; refused (the ledger moved: another primary
// won), the normal rules fence it and the operator reconciles the two histories by hand.
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { parseStepName, type StepAction } from "../failover/plan-steps.ts";
import { checkReachable } from "../mysql/primary-check.ts";
import { openAuditLog } from "../obs/audit-log.ts";
import { parseInstanceKey } from "../runtime/member-facts.ts";
import { performServerStep, type ServerAccess } from "../runtime/server-step.ts";
import { RECOVERY_STEP_BOUND_MS } from "../lib/limits.ts";
import { type CallOptions, callAgent } from "../runtime/api-client.ts";
import { OVERRIDE_API_PATH, type OverrideGrantView } from "../runtime/override-api.ts";
import type { CodedError, CommandIo, CommandOutcome } from "./command.ts";
import type { OverrideCliError } from "./messages/override.ts";
import type { RecoveryCliError } from "./messages/recovery.ts";
import type { MemberKeys } from "./recovery-request.ts";

const WARNING = [
  "keel: WARNING: --force-without-quorum acts WITHOUT the quorum: nothing stops another part of the",
  "keel: WARNING: cluster from promoting a different server at the same time (split brain), and the",
  "keel: WARNING: ledger keeps naming the old primary. Use it only when the quorum is truly gone.",
];

function overrideLines(toKey: string, g: OverrideGrantView): string[] {
  const minutes = Math.round(g.remainingMs / 60_000);
  return [
    `keel: OPERATOR OVERRIDE on ${g.nodeId} (${toKey}) for ${minutes} min, by ${g.by}: its agent makes NO`,
    "keel: OPERATOR OVERRIDE: changes to that server and does NOT self-fence it. It ends when the agent",
    `keel: OPERATOR OVERRIDE: has a quorum again: it then proposes ${g.nodeId} as primary if the ledger is`,
    `keel: OPERATOR OVERRIDE: still at epoch ${g.ledgerEpoch} (primary ${g.ledgerPrimary ?? "none"}); if it moved, the server is fenced.`,
    "keel: OPERATOR OVERRIDE: Past its time without a quorum, the server is self-fenced: run this again.",
  ];
}

/**
 * Asks the agent beside the promoted server for the override. An agent that does not answer at
 * all cannot fence anything now (a warning says what happens if it starts); any refusal stops
 * the command before it acts.
 */
async function askOverride(
  config: Config,
  toKey: string,
  by: string,
  ttlMs: number,
  io: CommandIo,
  call: CallOptions,
): Promise<CodedError | null> {
  const r = await callAgent(config, "POST", OVERRIDE_API_PATH, { instance: toKey, by, ttlMs }, call);
  if (!r.ok) {
    if (r.error.code !== "api.agent-unreachable" && r.error.code !== "api.http-disabled") return r.error;
    io.err(`keel: WARNING: no agent answers for this config (${r.error.code}): no override is in force.`);
    io.err(`keel: WARNING: an agent started beside ${toKey} fences it unless the quorum names it.`);
    return null;
  }
  const body = r.value.body as { ok?: boolean; grant?: OverrideGrantView; error?: CodedError } | null;
  if (r.value.status === 200 && body?.grant !== undefined) {
    for (const line of overrideLines(toKey, body.grant)) io.err(line);
    return null;
  }
  if (body?.error !== undefined && typeof body.error.code === "string") return body.error;
  const error: OverrideCliError = {
    code: "override.refused",
    instance: toKey,
    status: r.value.status,
    detail: JSON.stringify(body).slice(0, 200),
  };
  return error;
}

interface Done {
  instance: string;
  step: string;
  ok: boolean;
  detail: string;
}

function accessTo(config: Config, key: string): ServerAccess | null {
  const k = parseInstanceKey(key);
  const m = config.mysql;
  if (k === null || m === null) return null;
  return {
    target: {
      address: { kind: "tcp", host: k.host, port: k.port },
      user: m.user,
      password: m.password?.reveal() ?? "",
    },
    replication: { user: config.replication.user, password: config.replication.password?.reveal() ?? "" },
    semiSync: config.failover.semiSync,
  };
}

async function step(
  config: Config,
  instance: string,
  action: StepAction,
  source: string | null,
): Promise<Done> {
  const access = accessTo(config, instance);
  const name = action.kind;
  if (access === null)
    return {
      instance,
      step: name,
      ok: false,
      detail: "not a host:port, or no mysql credentials in the config",
    };
  const out = await performServerStep(access, {
    action,
    source: source === null ? null : parseInstanceKey(source),
    gtid: null,
    boundMs: RECOVERY_STEP_BOUND_MS,
  });
  return { instance, step: name, ...out };
}

function audit(config: Config, by: string, to: string, done: readonly Done[], io: CommandIo): void {
  const opened = openAuditLog(join(config.raft.dataDir, config.cluster, "audit.log"));
  if (!opened.ok) {
    io.err(`keel: warning: could not record this in the audit log (${opened.error.code}); keep this output`);
    return;
  }
  opened.value.append({
    atWallMs: Date.now(),
    cluster: config.cluster,
    kind: "recovery.forced-without-quorum",
    data: { by, to, steps: done },
  });
  opened.value.close();
}

/** null when the server answers, else why not (a dead old primary is left alone, not a failure). */
async function answering(config: Config, key: string): Promise<string | null> {
  const k = parseInstanceKey(key);
  if (k === null || config.mysql === null) return "no address or credentials";
  const r = await checkReachable(k.host, k.port, config.mysql.user, config.mysql.password?.reveal() ?? "");
  return r.ok ? null : (r.errorCode ?? "no answer");
}

const action = (name: string): StepAction => {
  const parsed = parseStepName(name);
  if (!parsed.ok) throw new Error(`bad built-in step ${name}`);
  return parsed.value;
};

export interface DirectOptions {
  /** How long the promoted server's agent holds the override. */
  overrideTtlMs: number;
  call?: CallOptions;
}

export async function failoverWithoutQuorum(
  config: Config,
  toKey: string,
  keys: MemberKeys,
  by: string,
  io: CommandIo,
  o: DirectOptions,
): Promise<CommandOutcome> {
  for (const line of WARNING) io.err(line);
  const refused = await askOverride(config, toKey, by, o.overrideTtlMs, io, o.call ?? {});
  if (refused !== null) return { error: refused };
  const done: Done[] = [];
  const say = (d: Done) => {
    done.push(d);
    io.out(`  ${d.ok ? "done" : "failed"}  ${d.step} ${d.instance}: ${d.detail}`);
    return d;
  };
  const promoted = say(await step(config, toKey, action("promote:x"), null));
  const writable = promoted.ok ? say(await step(config, toKey, action("make-writable:x:0"), null)) : promoted;
  if (!writable.ok) {
    audit(config, by, toKey, done, io);
    const error: RecoveryCliError = {
      code: "recovery.direct-failed",
      instance: toKey,
      step: writable.step,
      detail: writable.detail,
    };
    return { error };
  }
  for (const key of [...keys.values()].filter((k) => k !== toKey).sort()) {
    const answers = await answering(config, key);
    if (answers !== null) {
      io.out(`  skipped demote ${key}: its server does not answer (${answers}); fence it before it returns`);
      continue;
    }
    // Fenced, then replicating with its own position adopted (MASTER_DEMOTE_TO_SLAVE on MariaDB).
    say(await step(config, key, action("demote:x:y"), toKey));
  }
  audit(config, by, toKey, done, io);
  const failed = done.filter((d) => !d.ok).length;
  io.out(
    `failover: ${toKey} is writable, acting WITHOUT the quorum (${failed} step(s) failed); the ledger still names the old primary until the quorum is back and the agent beside ${toKey} records it ('keel raft status' shows the epoch)`,
  );
  return { exitCode: failed === 0 ? 0 : 1 };
}
