// keel.json (already parsed JSON) → a frozen Config, or every problem at once. Per-key checks come
// from the spec table; the rules that relate keys to each other live here.
import { err, ok, type Result } from "../lib/result.ts";
import { parseEndpoint } from "./addresses.ts";
import type { Config, Credentials, KeyringConfig } from "./config.ts";
import { deepFreeze } from "./config.ts";
import { type ConfigFs, memoryConfigFs } from "./config-fs.ts";
import { type ConfigIssue, IssueList } from "./issues.ts";
import { KEEL_CONFIG_SPEC, KEYRING_SPEC, type RawConfig } from "./schema.ts";
import { readKeyringFile, readPasswordFile, type SecretContext } from "./secrets.ts";
import { Secret } from "./secret.ts";
import type { Infer } from "./spec.ts";

export interface LoadedConfig {
  config: Config;
  /** Problems that do not stop keel (loose file modes). */
  warnings: ConfigIssue[];
}

export type ConfigResult = Result<LoadedConfig, ConfigIssue[]>;

/** Every object level may be partial after a failed key (see spec.ts obj). */
type Loose<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;
type RawCredentials = RawConfig["replication"];
type RawKeyring = Infer<typeof KEYRING_SPEC>;

function checkCredentials(
  c: Loose<RawCredentials> | null | undefined,
  path: string,
  issues: IssueList,
): void {
  if (!c || c.password == null || c.password_file == null) return;
  issues.add({
    code: "config.conflict",
    path: `${path}.password_file`,
    expected: "password or password_file, not both",
    got: "both set",
    fix: `remove ${path}.password (keeping the file) or set ${path}.password_file to null`,
  });
}

function checkKeyring(raw: Loose<RawConfig>, issues: IssueList): void {
  const inline = raw.keyring;
  if (inline !== null && raw.keyring_file != null) {
    issues.add({
      code: "config.conflict",
      path: "$.keyring_file",
      expected: "keyring or keyring_file, not both",
      got: "both set",
      fix: "keep one: remove $.keyring or set $.keyring_file to null",
    });
  } else if (inline === null && raw.keyring_file === null) {
    issues.add({
      code: "config.missing-key",
      path: "$.keyring",
      expected: 'a keyring {"primary", "keys"} or a keyring_file',
      got: "neither",
      fix: "run 'keel init' in a scratch dir and copy its keyring, or set $.keyring_file",
    });
  }
  if (inline) checkPrimaryInKeys(inline, "$.keyring", issues);
}

function checkPrimaryInKeys(k: Loose<RawKeyring>, path: string, issues: IssueList): void {
  if (k.primary === undefined || k.keys === undefined || k.keys.includes(k.primary)) return;
  issues.add({
    code: "config.conflict",
    path: `${path}.primary`,
    expected: `a key that is also listed in ${path}.keys`,
    got: "a key not in keys",
    fix: `add the primary key to ${path}.keys`,
  });
}

function checkCrossKeys(raw: Loose<RawConfig>, issues: IssueList): void {
  checkKeyring(raw, issues);
  if (raw.mysql === null && raw.witness === false) {
    issues.add({
      code: "config.missing-key",
      path: "$.mysql",
      expected: "the local server's connection settings",
      got: "nothing",
      fix: 'add "mysql": {"host", "port", "user", "password_file"}, or set "witness": true for a voter without a database',
    });
  }
  checkCredentials(raw.mysql, "$.mysql", issues);
  checkCredentials(raw.replication, "$.replication", issues);
  const g = raw.gossip;
  if (g?.advertise === null && (g.bind === "0.0.0.0" || g.bind === "::")) {
    issues.add({
      code: "config.missing-key",
      path: "$.gossip.advertise",
      expected: "the IP address peers reach this agent at",
      got: `nothing (bind is ${g.bind})`,
      fix: 'set $.gossip.advertise to this host\'s address, e.g. "10.0.0.5", or bind to that address',
    });
  }
  const voters = raw.raft?.voters;
  if (
    raw.witness === true &&
    voters &&
    voters.length > 0 &&
    raw.node_id !== undefined &&
    !voters.includes(raw.node_id)
  ) {
    issues.add({
      code: "config.conflict",
      path: "$.raft.voters",
      expected: `a list including this witness ("${raw.node_id}")`,
      got: JSON.stringify(voters),
      fix: `add "${raw.node_id}" to $.raft.voters (a witness exists only to vote)`,
    });
  }
}

interface ResolvedSecrets {
  mysqlPassword: string | null | undefined;
  replicationPassword: string | null | undefined;
  keyring: RawKeyring | undefined;
}

function resolvePassword(c: Loose<RawCredentials> | null | undefined, path: string, ctx: SecretContext) {
  if (!c) return null;
  if (typeof c.password_file === "string") {
    // With both set the conflict is already reported; reading the file would only add noise.
    return c.password == null ? readPasswordFile(ctx, c.password_file, `${path}.password_file`) : undefined;
  }
  return c.password ?? null;
}

function resolveSecrets(raw: Loose<RawConfig>, ctx: SecretContext): ResolvedSecrets {
  let keyring = raw.keyring as RawKeyring | null | undefined;
  if (typeof raw.keyring_file === "string" && raw.keyring === null) {
    keyring = readKeyringFile(ctx, raw.keyring_file, "$.keyring_file", KEYRING_SPEC);
    if (keyring) {
      const fileIssues = new IssueList(raw.keyring_file, "referenced");
      checkPrimaryInKeys(keyring, "$", fileIssues);
      ctx.issues.items.push(...fileIssues.items);
    }
  }
  return {
    mysqlPassword: resolvePassword(raw.mysql, "$.mysql", ctx),
    replicationPassword: resolvePassword(raw.replication, "$.replication", ctx),
    keyring: keyring ?? undefined,
  };
}

function credentialsOf(c: RawCredentials, password: string | null | undefined): Credentials {
  return { user: c.user, password: password ? new Secret(password) : null, passwordFile: c.password_file };
}

function keyringOf(k: RawKeyring, file: string | null): KeyringConfig {
  const keys = k.keys.map((key) => new Secret(key));
  const primary = keys[k.keys.indexOf(k.primary)] as Secret;
  return { primary, keys, file };
}

function buildConfig(raw: RawConfig, secrets: ResolvedSecrets, sourcePath: string): Config {
  const g = raw.gossip;
  const f = raw.failover;
  const { timeout_ms, ...commands } = raw.hooks;
  const endpoint = (s: string) => parseEndpoint(s) as NonNullable<ReturnType<typeof parseEndpoint>>;
  return {
    sourcePath,
    cluster: raw.cluster,
    nodeId: raw.node_id,
    datacenter: raw.datacenter,
    promotionRule: raw.promotion_rule,
    witness: raw.witness,
    gossip: { bind: g.bind, advertise: g.advertise ?? g.bind, port: g.port, seeds: g.seeds.map(endpoint) },
    keyring: keyringOf(secrets.keyring as RawKeyring, raw.keyring_file),
    mysql: raw.mysql && {
      host: raw.mysql.host,
      port: raw.mysql.port,
      socket: raw.mysql.socket,
      ...credentialsOf(raw.mysql, secrets.mysqlPassword),
    },
    replication: credentialsOf(raw.replication, secrets.replicationPassword),
    probeIntervalMs: raw.probe_interval_ms,
    http: { listen: raw.http.listen === null ? null : endpoint(raw.http.listen) },
    raft: { voters: raw.raft.voters, dataDir: raw.raft.data_dir },
    failover: {
      auto: f.auto,
      fenceAfterMs: f.fence_after_ms,
      autoRejoin: f.auto_rejoin,
      recoveryBlockSeconds: f.recovery_block_s,
      confirmWindowMs: f.confirm_window_ms,
      catchupTimeoutMs: f.catchup_timeout_ms,
      semiSync: f.semi_sync,
    },
    hooks: { timeoutMs: timeout_ms, commands },
    log: { format: raw.log.format, level: raw.log.level },
  };
}

/** parseConfig without a file reader: a password_file / keyring_file is reported as not found. */
const NO_FILES: ConfigFs = memoryConfigFs({});

/**
 * Validates parsed keel.json. Pure apart from `fs`, which reads the password and keyring files
 * the config points to (pass memoryConfigFs in tests). Reports every problem, not the first.
 */
export function parseConfig(json: unknown, sourcePath: string, fs: ConfigFs = NO_FILES): ConfigResult {
  const issues = new IssueList(sourcePath);
  const warnings = new IssueList(sourcePath);
  const raw = KEEL_CONFIG_SPEC.decode(json, "$", issues) as Loose<RawConfig> | undefined;
  if (raw === undefined) return err(issues.items);
  checkCrossKeys(raw, issues);
  const secrets = resolveSecrets(raw, { fs, issues, warnings });
  if (issues.count > 0) return err(issues.items);
  const config = deepFreeze(buildConfig(raw as RawConfig, secrets, sourcePath));
  return ok({ config, warnings: warnings.items });
}
