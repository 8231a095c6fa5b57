// The one Config object: built once at the edge from keel.json, frozen, and passed down.
// Never a module global: whoever needs a setting receives the Config (or the part of it) it needs.
import type { PromotionRule } from "../model/instance-state.ts";
import type { Endpoint } from "./addresses.ts";
import type { HookEvent, LOG_FORMATS, LOG_LEVELS } from "./schema.ts";
import type { Secret } from "./secret.ts";

export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Credentials {
  readonly user: string;
  /** Inline or read from passwordFile; null = no password (socket auth). */
  readonly password: Secret | null;
  /** Where the password came from, if from a file. */
  readonly passwordFile: string | null;
}

export interface MysqlConfig extends Credentials {
  readonly host: string;
  readonly port: number;
  /** When set, connect through this unix socket instead of host:port. */
  readonly socket: string | null;
}

export interface KeyringConfig {
  /** Base64 of 32 bytes; always one of `keys`. */
  readonly primary: Secret;
  readonly keys: readonly Secret[];
  /** The keyring file it was read from; null when inline in keel.json. */
  readonly file: string | null;
}

export interface Config {
  /** The file this config was read from. */
  readonly sourcePath: string;
  readonly cluster: string;
  readonly nodeId: string;
  readonly datacenter: string;
  readonly promotionRule: PromotionRule;
  readonly witness: boolean;
  readonly gossip: {
    readonly bind: string;
    /** Always a concrete address (defaults to bind when bind is not a wildcard). */
    readonly advertise: string;
    readonly port: number;
    readonly seeds: readonly Endpoint[];
  };
  readonly keyring: KeyringConfig;
  /** null only for a witness. */
  readonly mysql: MysqlConfig | null;
  readonly replication: Credentials;
  readonly probeIntervalMs: number;
  readonly http: { readonly listen: Endpoint | null };
  readonly raft: {
    /** Empty = every agent of the cluster seen through gossip. */
    readonly voters: readonly string[];
    readonly dataDir: string;
  };
  readonly failover: {
    readonly auto: boolean;
    readonly fenceAfterMs: number;
    readonly autoRejoin: boolean;
    readonly recoveryBlockSeconds: number;
    readonly confirmWindowMs: number;
    readonly catchupTimeoutMs: number;
    readonly semiSync: boolean;
  };
  readonly hooks: {
    readonly timeoutMs: number;
    readonly commands: Readonly<Record<HookEvent, readonly string[]>>;
  };
  readonly log: { readonly format: LogFormat; readonly level: LogLevel };
}

/** Freezes a plain-data tree in place (Secrets freeze themselves). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
