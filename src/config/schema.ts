// keel.json as a table: every key, its type, default and meaning. Validation (validate.ts) and the
// README's key table (CONFIG_KEYS) are both derived from KEEL_CONFIG_SPEC.
import {
  CONFIG_HOOK_COMMANDS_MAX,
  CONFIG_KEYRING_KEYS_MAX,
  CONFIG_PROBE_INTERVAL_MS_MAX,
  CONFIG_PROBE_INTERVAL_MS_MIN,
  CONFIG_SEEDS_MAX,
  CONFIG_VOTERS_MAX,
} from "../lib/limits.ts";
import { HOOK_POINTS, type HookPoint } from "../model/hook-point.ts";
import { PROMOTION_RULES } from "../model/instance-state.ts";
import { isIpAddress, isWildcardIp, parseEndpoint } from "./addresses.ts";
import { keyMaterial } from "./key-material.ts";
import { type AnySpec, bool, type Infer, int, list, nullable, obj, oneOf, type Spec, str } from "./spec.ts";

/** orchestrator's hook names (src/model/hook-point.ts): one command list per point. */
export const HOOK_EVENTS = HOOK_POINTS;
export type HookEvent = HookPoint;

export const LOG_FORMATS = ["auto", "json", "logfmt"] as const;
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const CLUSTER_RE = /^[a-z0-9._-]{1,64}$/;
const NODE_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const DATACENTER_RE = /^[A-Za-z0-9._-]{0,64}$/;

const nodeId = (meaning: string) =>
  str({ meaning, shape: "[A-Za-z0-9._-]{1,64}", valid: (s) => NODE_ID_RE.test(s) });
const absolutePath = (meaning: string, fallback?: string) =>
  str({
    meaning,
    shape: "(absolute path)",
    valid: (s) => s.startsWith("/") && !s.includes("\0"),
    fix: "use an absolute path starting with /",
    ...(fallback === undefined ? {} : { default: fallback }),
  });
const endpoint = (meaning: string) =>
  str({
    meaning,
    shape: "host:port",
    valid: (s) => parseEndpoint(s) !== null,
    fix: 'write it as "10.0.0.6:7946", "db1.example:7946" or "[fd00::6]:7946"',
  });
const secretText = (meaning: string) => nullable(str({ meaning, secret: true, valid: (s) => s.length > 0 }));
const credentials = (user: string, what: string) => ({
  user: str({
    meaning: `user keel logs in as for ${what}`,
    default: user,
    valid: (s) => s.length > 0 && s.length <= 80,
  }),
  password: secretText(
    `password for ${what}; set this or password_file (both null: socket/no-password auth)`,
  ),
  password_file: nullable(
    absolutePath(`file holding the password for ${what} (mode 0600; one trailing newline is ignored)`),
  ),
});
/** The keyring, inline in keel.json or alone in keyring_file. */
export const KEYRING_SPEC = obj(
  {
    primary: keyMaterial("the key new datagrams are sealed with; must be one of keys"),
    keys: list(keyMaterial("an installed key"), {
      meaning: "every key datagrams are accepted with (old and new during rotation)",
      maxItems: CONFIG_KEYRING_KEYS_MAX,
      unique: true,
    }),
  },
  { meaning: "gossip encryption keys (AES-256-GCM)" },
);

const hookFields = Object.fromEntries(
  HOOK_EVENTS.map((event) => [
    event,
    list(str({ meaning: "shell command", shape: "(non-empty)", valid: (s) => s.trim().length > 0 }), {
      meaning: `shell commands run on ${event}, in order, with orchestrator's {placeholders}`,
      default: [],
      maxItems: CONFIG_HOOK_COMMANDS_MAX,
    }),
  ]),
) as Record<HookEvent, Spec<readonly string[]>>;

export const KEEL_CONFIG_SPEC = obj(
  {
    cluster: str({
      meaning: "replication cluster name",
      shape: "[a-z0-9._-]{1,64}",
      valid: (s) => CLUSTER_RE.test(s),
    }),
    node_id: nodeId("this agent's id, unique in the cluster"),
    datacenter: str({
      meaning: "datacenter / zone label",
      shape: "[A-Za-z0-9._-]{0,64}",
      default: "",
      valid: (s) => DATACENTER_RE.test(s),
    }),
    promotion_rule: oneOf(PROMOTION_RULES, {
      meaning: "whether this server may be promoted",
      default: "neutral",
    }),
    witness: bool({ meaning: "a voter with no local database (then mysql is not needed)", default: false }),
    gossip: obj(
      {
        bind: str({
          meaning: "IP address gossip listens on",
          shape: "(IP address)",
          default: "0.0.0.0",
          valid: isIpAddress,
        }),
        advertise: nullable(
          str({
            meaning: "",
            shape: "(IP address, not 0.0.0.0)",
            valid: (s) => isIpAddress(s) && !isWildcardIp(s),
          }),
          {
            meaning:
              "IP address peers reach this agent at; null = bind (required when bind is 0.0.0.0 or ::)",
          },
        ),
        port: int({ meaning: "UDP port for gossip", min: 1, max: 65535, default: 7946 }),
        seeds: list(endpoint("a peer's gossip address"), {
          meaning: "gossip addresses of other agents to join through",
          default: [],
          maxItems: CONFIG_SEEDS_MAX,
          unique: true,
        }),
      },
      { meaning: "cluster membership over UDP" },
    ),
    keyring: nullable(KEYRING_SPEC, { meaning: "inline gossip keys; set this or keyring_file" }),
    keyring_file: nullable(absolutePath('file holding {"primary", "keys"} as JSON (mode 0600)')),
    mysql: nullable(
      obj(
        {
          host: str({
            meaning: "host of the local server",
            default: "127.0.0.1",
            valid: (s) => s.length > 0,
          }),
          port: int({ meaning: "port of the local server", min: 1, max: 65535, default: 3306 }),
          socket: nullable(absolutePath("unix socket; used instead of host:port when set")),
          ...credentials("keel", "the local server"),
        },
        { meaning: "the local database server" },
      ),
      { meaning: "the local database server (required unless witness)" },
    ),
    replication: obj(credentials("repl", "replication between servers"), {
      meaning: "credentials replicas use to connect to their source",
    }),
    probe_interval_ms: int({
      meaning: "how often the local server is probed",
      min: CONFIG_PROBE_INTERVAL_MS_MIN,
      max: CONFIG_PROBE_INTERVAL_MS_MAX,
      default: 500,
    }),
    http: obj(
      {
        listen: nullable(endpoint(""), {
          meaning: "HTTP API/metrics address; null disables it",
          default: "127.0.0.1:9797",
        }),
      },
      { meaning: "HTTP API and Prometheus metrics" },
    ),
    raft: obj(
      {
        voters: list(nodeId("a voter's node_id"), {
          meaning: "node ids that vote; empty = every agent of the cluster seen through seeds",
          default: [],
          maxItems: CONFIG_VOTERS_MAX,
          unique: true,
        }),
        data_dir: absolutePath("directory for the raft log and state", "/var/lib/keel"),
      },
      { meaning: "the quorum that decides failovers" },
    ),
    failover: obj(
      {
        auto: bool({ meaning: "fail over automatically on a confirmed primary failure", default: true }),
        fence_after_ms: int({
          meaning: "an isolated primary makes itself read-only after this long",
          min: 100,
          max: 600_000,
          default: 1500,
        }),
        auto_rejoin: bool({ meaning: "a recovered old primary rejoins as a replica", default: true }),
        recovery_block_s: int({
          meaning: "no second automatic failover of the cluster within this many seconds",
          min: 0,
          max: 604_800,
          default: 3600,
        }),
        confirm_window_ms: int({
          meaning: "a failure must be seen this long by a quorum before acting",
          min: 0,
          max: 60_000,
          default: 1000,
        }),
        catchup_timeout_ms: int({
          meaning: "how long the candidate may take to apply its relay log",
          min: 0,
          max: 3_600_000,
          default: 10_000,
        }),
        semi_sync: bool({ meaning: "manage semi-synchronous replication on promotion", default: false }),
      },
      { meaning: "automatic failover policy" },
    ),
    hooks: obj(
      {
        timeout_ms: int({
          meaning: "a hook command is killed after this long",
          min: 100,
          max: 3_600_000,
          default: 30_000,
        }),
        ...hookFields,
      },
      { meaning: "shell hooks, orchestrator-compatible" },
    ),
    log: obj(
      {
        format: oneOf(LOG_FORMATS, {
          meaning: "auto = logfmt on a terminal, json otherwise",
          default: "auto",
        }),
        level: oneOf(LOG_LEVELS, { meaning: "lowest level written", default: "info" }),
      },
      { meaning: "agent logging" },
    ),
  },
  { meaning: "keel.json" },
);

/** keel.json exactly as written (snake_case), after per-key checks. */
export type RawConfig = Infer<typeof KEEL_CONFIG_SPEC>;

export interface ConfigKeyDoc {
  /** Dotted path, e.g. "gossip.port". */
  path: string;
  type: string;
  /** JSON text of the default, or "required". */
  default: string;
  meaning: string;
}

function documentKeys(spec: AnySpec, prefix: string, out: ConfigKeyDoc[]): ConfigKeyDoc[] {
  for (const [key, child] of Object.entries(spec.children ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const presence = child.presence;
    const fallback = presence.required
      ? "required"
      : child.children && presence.value !== null
        ? "(object)"
        : JSON.stringify(presence.value);
    out.push({ path, type: child.type, default: fallback, meaning: child.meaning });
    documentKeys(child, path, out);
  }
  return out;
}

/** Every key of keel.json with type, default and meaning, in file order (for the README). */
export const CONFIG_KEYS: readonly ConfigKeyDoc[] = documentKeys(KEEL_CONFIG_SPEC, "", []);
