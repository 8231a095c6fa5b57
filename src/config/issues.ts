// What can be wrong with a config, as data: every problem found is one ConfigIssue, worded for people
// in src/cli/messages/config.ts. Issues never carry secret values (see describeValue).

export const CONFIG_ISSUE_CODES = [
  "config.unknown-key",
  "config.wrong-type",
  "config.out-of-range",
  "config.missing-key",
  "config.invalid-value",
  "config.conflict",
  "config.bad-key-material",
  "config.not-found",
  "config.unreadable",
  "config.bad-json",
  "config.loose-permissions",
] as const;

export type ConfigIssueCode = (typeof CONFIG_ISSUE_CODES)[number];

export interface ConfigIssue {
  code: ConfigIssueCode;
  /** JSON path inside the config file ("$.mysql.port"); "$" for the file as a whole. */
  path: string;
  /** The file the issue is about: the config file, or a password/keyring file it points to. */
  file: string;
  /** "config" when `path` is inside the config file itself; "referenced" for a file it points to. */
  role: "config" | "referenced";
  /** What was expected, e.g. "integer 1..65535". */
  expected: string;
  /** What was found, already rendered for display (never a secret's contents). */
  got: string;
  /** What to do about it, specific to this issue. */
  fix: string;
  /** Where a config.bad-json problem is (1-based). */
  line?: number;
  column?: number;
}

export type ConfigIssueInput = Omit<ConfigIssue, "file" | "role">;

/** Collects issues while a config is decoded, so that every problem is reported at once. */
export class IssueList {
  readonly items: ConfigIssue[] = [];
  constructor(
    readonly file: string,
    readonly role: ConfigIssue["role"] = "config",
  ) {}

  add(issue: ConfigIssueInput): void {
    this.items.push({ ...issue, file: this.file, role: this.role });
  }

  get count(): number {
    return this.items.length;
  }
}

const MAX_SHOWN_CHARS = 60;

/** A short, display-safe rendering of a value. Secrets show only their JSON type. */
export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return secret ? "an array" : `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (secret) return `a ${typeof value}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 1)}…` : text;
}

/** "$.gossip" + "port" → "$.gossip.port"; array indexes as "[2]". */
export function childPath(parent: string, key: string | number): string {
  return typeof key === "number" ? `${parent}[${key}]` : `${parent}.${key}`;
}
