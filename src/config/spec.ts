// A tiny, table-driven description of a JSON document: each Spec knows how to decode one value,
// what type it documents, its default, and what it means. The same tree drives validation and the
// CONFIG_KEYS documentation table, so the two cannot drift apart.
import { suggestKey } from "./did-you-mean.ts";
import { childPath, describeValue, type IssueList } from "./issues.ts";

export type Presence<T> = { required: true } | { required: false; value: T };

export interface Spec<T> {
  /** The type as documented and as quoted in issues ("integer 1..65535"). */
  readonly type: string;
  readonly presence: Presence<T>;
  readonly meaning: string;
  /** Secret values are never quoted back in issues. */
  readonly secret: boolean;
  /** Child keys of an object spec (also of a nullable object), for docs and suggestions. */
  readonly children?: Readonly<Record<string, AnySpec>>;
  /** Returns undefined after recording at least one issue (objects: see obj). */
  decode(value: unknown, path: string, issues: IssueList): T | undefined;
}

// Specs of different value types live side by side in one object; `unknown` would reject them.
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous spec table
export type AnySpec = Spec<any>;
export type Infer<S> = S extends Spec<infer T> ? T : never;

interface CommonOptions<T> {
  meaning: string;
  /** Omitted: the key is required. */
  default?: T;
  secret?: boolean;
}

function presenceOf<T>(o: CommonOptions<T>): Presence<T> {
  return "default" in o ? { required: false, value: o.default as T } : { required: true };
}

function wrongType(
  issues: IssueList,
  path: string,
  type: string,
  value: unknown,
  secret: boolean,
): undefined {
  issues.add({
    code: "config.wrong-type",
    path,
    expected: type,
    got: describeValue(value, secret),
    fix: `set ${path} to ${type}`,
  });
  return undefined;
}

export interface StringOptions extends CommonOptions<string> {
  /** Documented shape, e.g. "[a-z0-9._-]{1,64}". */
  shape?: string;
  valid?: (s: string) => boolean;
  fix?: string;
}

export function str(o: StringOptions): Spec<string> {
  const type = o.shape ? `string ${o.shape}` : "string";
  const secret = o.secret ?? false;
  return {
    type,
    presence: presenceOf(o),
    meaning: o.meaning,
    secret,
    decode(value, path, issues) {
      if (typeof value !== "string") return wrongType(issues, path, type, value, secret);
      if (o.valid && !o.valid(value)) {
        issues.add({
          code: "config.invalid-value",
          path,
          expected: type,
          got: describeValue(value, secret),
          fix: o.fix ?? `set ${path} to ${type}`,
        });
        return undefined;
      }
      return value;
    },
  };
}

export interface IntOptions extends CommonOptions<number> {
  min: number;
  max: number;
}

export function int(o: IntOptions): Spec<number> {
  const type = `integer ${o.min}..${o.max}`;
  return {
    type,
    presence: presenceOf(o),
    meaning: o.meaning,
    secret: false,
    decode(value, path, issues) {
      if (typeof value !== "number" || !Number.isInteger(value))
        return wrongType(issues, path, type, value, false);
      if (value < o.min || value > o.max) {
        const bound = value < o.min ? o.min : o.max;
        issues.add({
          code: "config.out-of-range",
          path,
          expected: type,
          got: String(value),
          fix: `set ${path} to a value from ${o.min} to ${o.max}, e.g. ${bound}`,
        });
        return undefined;
      }
      return value;
    },
  };
}

export function bool(o: CommonOptions<boolean>): Spec<boolean> {
  return {
    type: "boolean",
    presence: presenceOf(o),
    meaning: o.meaning,
    secret: false,
    decode: (value, path, issues) =>
      typeof value === "boolean" ? value : wrongType(issues, path, "boolean", value, false),
  };
}

export function oneOf<const V extends string>(values: readonly V[], o: CommonOptions<V>): Spec<V> {
  const type = values.map((v) => JSON.stringify(v)).join(" | ");
  return {
    type,
    presence: presenceOf(o),
    meaning: o.meaning,
    secret: false,
    decode(value, path, issues) {
      if (typeof value !== "string") return wrongType(issues, path, type, value, false);
      if ((values as readonly string[]).includes(value)) return value as V;
      const near = suggestKey(value, values);
      issues.add({
        code: "config.invalid-value",
        path,
        expected: `one of ${type}`,
        got: describeValue(value),
        fix: near ? `did you mean "${near}"? set ${path} to one of ${type}` : `set ${path} to one of ${type}`,
      });
      return undefined;
    },
  };
}

/** Accepts JSON null as well; the default is null unless given. */
export function nullable<T>(
  inner: Spec<T>,
  o: { meaning?: string; default?: T | null } = {},
): Spec<T | null> {
  return {
    type: `${inner.type} or null`,
    presence: { required: false, value: "default" in o ? (o.default as T | null) : null },
    meaning: o.meaning ?? inner.meaning,
    secret: inner.secret,
    ...(inner.children ? { children: inner.children } : {}),
    decode: (value, path, issues) => (value === null ? null : inner.decode(value, path, issues)),
  };
}

export interface ListOptions<T> extends CommonOptions<readonly T[]> {
  maxItems: number;
  /** Reports a repeated item as a conflict. */
  unique?: boolean;
}

export function list<T>(item: Spec<T>, o: ListOptions<T>): Spec<readonly T[]> {
  const type = `list of ${item.type} (at most ${o.maxItems})`;
  return {
    type,
    presence: presenceOf(o),
    meaning: o.meaning,
    secret: item.secret,
    decode(value, path, issues) {
      if (!Array.isArray(value)) return wrongType(issues, path, type, value, item.secret);
      if (value.length > o.maxItems) {
        issues.add({
          code: "config.out-of-range",
          path,
          expected: type,
          got: `${value.length} items`,
          fix: `keep at most ${o.maxItems} items in ${path}`,
        });
      }
      const before = issues.count;
      const out: T[] = [];
      value.forEach((v, i) => {
        const decoded = item.decode(v, childPath(path, i), issues);
        if (decoded === undefined) return;
        if (o.unique && out.includes(decoded)) {
          issues.add({
            code: "config.conflict",
            path: childPath(path, i),
            expected: "each item once",
            got: `a repeat of ${describeValue(decoded, item.secret)}`,
            fix: `remove the duplicate from ${path}`,
          });
        }
        out.push(decoded);
      });
      return issues.count === before ? out : undefined;
    },
  };
}

type Fields = Record<string, AnySpec>;
export type ObjectOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** How a fix names an object: "$" reads badly to people. */
function placeOf(path: string): string {
  return path === "$" ? "the top level" : path;
}

function unknownKey(issues: IssueList, path: string, key: string, known: readonly string[]): void {
  const near = suggestKey(key, known);
  issues.add({
    code: "config.unknown-key",
    path: childPath(path, key),
    expected: near ? `a known key (did you mean "${near}"?)` : `one of ${known.join(", ")}`,
    got: JSON.stringify(key),
    fix: near ? `rename "${key}" to "${near}"` : `remove "${key}" from ${placeOf(path)}`,
  });
}

/** An object: unknown keys, missing keys and every child's problems are all reported. */
export function obj<F extends Fields>(fields: F, o: { meaning: string }): Spec<ObjectOf<F>> {
  const known = Object.keys(fields);
  const allDefaulted = known.every((k) => !(fields[k] as AnySpec).presence.required);
  const spec: Spec<ObjectOf<F>> = {
    type: "object",
    presence: { required: true },
    meaning: o.meaning,
    secret: false,
    children: fields,
    decode(value, path, issues) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return wrongType(issues, path, "object", value, false);
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record))
        if (!Object.hasOwn(fields, key)) unknownKey(issues, path, key, known);
      const out: Record<string, unknown> = {};
      for (const key of known) {
        const field = fields[key] as AnySpec;
        const at = childPath(path, key);
        if (!Object.hasOwn(record, key)) {
          if (field.presence.required) {
            issues.add({
              code: "config.missing-key",
              path: at,
              expected: field.type,
              got: "nothing",
              fix: `add "${key}" (${field.type}) to ${placeOf(path)}`,
            });
          } else out[key] = field.presence.value;
          continue;
        }
        out[key] = field.decode(record[key], at, issues);
      }
      // Partial on purpose: cross-key checks still see the keys that did decode (failed ones are
      // undefined), so one bad key does not hide problems elsewhere. Callers check issues.count.
      return out as ObjectOf<F>;
    },
  };
  if (!allDefaulted) return spec;
  // An object whose keys all have defaults may be left out entirely.
  const defaults = Object.fromEntries(
    known.map((k) => {
      const presence = (fields[k] as AnySpec).presence;
      return [k, presence.required ? undefined : presence.value];
    }),
  ) as ObjectOf<F>;
  return { ...spec, presence: { required: false, value: defaults } };
}
