// What a hook is told about a failure or takeover, under orchestrator's names: the {placeholders}
// replaced in the command text and the ORC_* environment variables, so an existing orch_hook.sh
// works unchanged. Every value also goes out as KEEL_<same suffix>. Pure: no I/O.
import { fillShellTemplate, type Substitution } from "./shell-template.ts";

/** orchestrator's {command} values: which operator command (if any) started the recovery. */
export type HookCommandHint =
  | ""
  | "force-master-failover"
  | "force-master-takeover"
  | "graceful-master-takeover";

export interface HookContext {
  /** orchestrator's analysis name, e.g. DeadMaster (see model/analysis-code.ts). */
  failureType: string;
  failureDescription: string;
  failedHost: string;
  failedPort: number;
  failureCluster: string;
  failureClusterAlias: string;
  failureClusterDomain: string;
  /** master, co-master or intermediate-master. */
  instanceType: string;
  isMaster: boolean;
  isCoMaster: boolean;
  countReplicas: number;
  /** host:port of each replica of the failed server. */
  replicaHosts: readonly string[];
  isDowntimed: boolean;
  autoMasterRecovery: boolean;
  autoIntermediateMasterRecovery: boolean;
  /** Hostname of the keel agent running the hook. */
  orchestratorHost: string;
  recoveryUID: string;
  isSuccessful: boolean;
  /** host:port of each replica the recovery could not repoint. */
  lostReplicas: readonly string[];
  countLostReplicas: number;
  /** null when no successor was promoted; the successor placeholders then stay as written. */
  successorHost: string | null;
  successorPort: number | null;
  /** binlog file:position of the successor, when known. */
  successorBinlogCoordinates: string | null;
  successorAlias: string;
  command: HookCommandHint;
}

interface Field {
  /** Environment variable suffix: ORC_<suffix> (when orchestrator sets one) and KEEL_<suffix>. */
  env: string;
  /** orchestrator sets no ORC_ variable for this value. */
  keelOnly?: true;
  /** null: the value does not exist for this context (no placeholder replacement, no variable). */
  value(ctx: HookContext): string | null;
}

const whenSuccessor =
  (f: (ctx: HookContext) => string | null) =>
  (ctx: HookContext): string | null =>
    ctx.successorHost === null ? null : f(ctx);

const FIELDS = {
  failureType: { env: "FAILURE_TYPE", value: (c) => c.failureType },
  instanceType: { env: "INSTANCE_TYPE", value: (c) => c.instanceType },
  isMaster: { env: "IS_MASTER", value: (c) => String(c.isMaster) },
  isCoMaster: { env: "IS_CO_MASTER", value: (c) => String(c.isCoMaster) },
  failureDescription: { env: "FAILURE_DESCRIPTION", value: (c) => c.failureDescription },
  command: { env: "COMMAND", value: (c) => c.command },
  failedHost: { env: "FAILED_HOST", value: (c) => c.failedHost },
  failedPort: { env: "FAILED_PORT", value: (c) => String(c.failedPort) },
  failureCluster: { env: "FAILURE_CLUSTER", value: (c) => c.failureCluster },
  failureClusterAlias: { env: "FAILURE_CLUSTER_ALIAS", value: (c) => c.failureClusterAlias },
  failureClusterDomain: { env: "FAILURE_CLUSTER_DOMAIN", value: (c) => c.failureClusterDomain },
  countReplicas: { env: "COUNT_REPLICAS", value: (c) => String(c.countReplicas) },
  isDowntimed: { env: "IS_DOWNTIMED", value: (c) => String(c.isDowntimed) },
  autoMasterRecovery: { env: "AUTO_MASTER_RECOVERY", value: (c) => String(c.autoMasterRecovery) },
  autoIntermediateMasterRecovery: {
    env: "AUTO_INTERMEDIATE_MASTER_RECOVERY",
    value: (c) => String(c.autoIntermediateMasterRecovery),
  },
  orchestratorHost: { env: "ORCHESTRATOR_HOST", value: (c) => c.orchestratorHost },
  recoveryUID: { env: "RECOVERY_UID", value: (c) => c.recoveryUID },
  isSuccessful: { env: "IS_SUCCESSFUL", value: (c) => String(c.isSuccessful) },
  successorHost: { env: "SUCCESSOR_HOST", value: whenSuccessor((c) => c.successorHost) },
  successorPort: { env: "SUCCESSOR_PORT", value: whenSuccessor((c) => String(c.successorPort ?? "")) },
  successorBinlogCoordinates: {
    env: "SUCCESSOR_BINLOG_COORDINATES",
    value: whenSuccessor((c) => c.successorBinlogCoordinates),
  },
  successorAlias: { env: "SUCCESSOR_ALIAS", value: whenSuccessor((c) => c.successorAlias) },
  lostReplicas: { env: "LOST_REPLICAS", value: (c) => c.lostReplicas.join(",") },
  countLostReplicas: {
    env: "COUNT_LOST_REPLICAS",
    keelOnly: true,
    value: (c) => String(c.countLostReplicas),
  },
  replicaHosts: { env: "REPLICA_HOSTS", value: (c) => c.replicaHosts.join(",") },
} satisfies Record<string, Field>;

type FieldName = keyof typeof FIELDS;

/** Every placeholder orchestrator replaces, legacy spellings included, and the value it names. */
export const PLACEHOLDERS: Readonly<Record<string, FieldName>> = {
  ...(Object.fromEntries(Object.keys(FIELDS).map((k) => [k, k])) as Record<FieldName, FieldName>),
  countSlaves: "countReplicas",
  slaveHosts: "replicaHosts",
  lostSlaves: "lostReplicas",
};

function substitutionFor(ctx: HookContext, placeholder: string): Substitution | null {
  const name = Object.hasOwn(PLACEHOLDERS, placeholder) ? PLACEHOLDERS[placeholder] : undefined;
  if (name === undefined) return null;
  const field: Field = FIELDS[name];
  const value = field.value(ctx);
  return value === null ? null : { value, envName: `KEEL_${field.env}` };
}

/**
 * The command text bash runs: orchestrator's placeholders replaced by this context's values.
 * Values made of safe characters go in verbatim; any other value is quoted so that sh sees data,
 * never code (see shell-template.ts). Unlike orchestrator, a value is never scanned again for
 * placeholders, so a description that contains "{failedHost}" stays as it is.
 */
export function expandCommand(template: string, ctx: HookContext): string {
  return fillShellTemplate(template, (placeholder) => substitutionFor(ctx, placeholder));
}

/** ORC_* variables exactly as orchestrator sets them, plus KEEL_* for every value (raw, unquoted). */
export function hookEnvironment(ctx: HookContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const field of Object.values(FIELDS) as Field[]) {
    const value = field.value(ctx);
    if (value === null) continue;
    // Environment strings are C strings: a NUL would cut the value (or fail the spawn).
    const clean = value.replaceAll("\0", "");
    if (field.keelOnly !== true) env[`ORC_${field.env}`] = clean;
    env[`KEEL_${field.env}`] = clean;
  }
  return env;
}
