// A statement keel sends to change a server: SQL with ? placeholders, its values, and a display
// form for logs and the audit in which secrets are masked. Pure. Values are never spliced into the
// SQL here; the driver escapes them (mysql2's client-side format), because CHANGE MASTER and SET
// GLOBAL cannot be server-side prepared with placeholders for every option on every server.

export type SqlValue = string | number;

export interface Statement {
  /** SQL with one ? per value. Keywords and identifiers in it come from keel's own tables only. */
  sql: string;
  values: readonly SqlValue[];
  /** The statement as an operator would read it, secrets shown as '***'. Log this, never the rest. */
  display: string;
  /** Which values are secrets, so an error message that quotes the SQL can be scrubbed. */
  secretIndexes: readonly number[];
}

/** A value that must never appear in a log, an audit record or an error message. */
export interface Secret {
  secret: string;
}

export function secret(value: string): Secret {
  return { secret: value };
}

type Arg = SqlValue | Secret;

function isSecret(a: Arg): a is Secret {
  return typeof a === "object" && a !== null && "secret" in a;
}

/** Quotes a value for display only (the server never sees this text). */
export function displayValue(v: SqlValue): string {
  if (typeof v === "number") return String(v);
  return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** sql`CHANGE MASTER TO MASTER_HOST=${host}` → placeholders, values, masked display. */
export function sql(strings: TemplateStringsArray, ...args: Arg[]): Statement {
  let text = strings[0] ?? "";
  let display = strings[0] ?? "";
  const values: SqlValue[] = [];
  const secretIndexes: number[] = [];
  args.forEach((a, i) => {
    const tail = strings[i + 1] ?? "";
    text += `?${tail}`;
    if (isSecret(a)) {
      secretIndexes.push(values.length);
      values.push(a.secret);
      display += `'***'${tail}`;
    } else {
      values.push(a);
      display += `${displayValue(a)}${tail}`;
    }
  });
  return { sql: text, values, display, secretIndexes };
}

/** `KEYWORD=?` with its value; `keyword` comes from keel's own tables, never from input. */
export function option(keyword: string, value: Arg): Statement {
  if (isSecret(value)) {
    return { sql: `${keyword}=?`, values: [value.secret], display: `${keyword}='***'`, secretIndexes: [0] };
  }
  return {
    sql: `${keyword}=?`,
    values: [value],
    display: `${keyword}=${displayValue(value)}`,
    secretIndexes: [],
  };
}

/** A statement without values (fixed text from keel's tables). */
export function fixed(text: string): Statement {
  return { sql: text, values: [], display: text, secretIndexes: [] };
}

/** Joins option fragments (each a Statement) with ", " after a fixed head. */
export function joinOptions(head: string, options: readonly Statement[]): Statement {
  const secretIndexes: number[] = [];
  let offset = 0;
  for (const o of options) {
    secretIndexes.push(...o.secretIndexes.map((i) => i + offset));
    offset += o.values.length;
  }
  return {
    secretIndexes,
    sql: `${head} ${options.map((o) => o.sql).join(", ")}`,
    values: options.flatMap((o) => o.values),
    display: `${head} ${options.map((o) => o.display).join(", ")}`,
  };
}

/** The secret values of a statement, to scrub from any text the server sends back. */
export function secretValuesOf(st: Statement): string[] {
  return st.secretIndexes.map((i) => String(st.values[i] ?? "")).filter((v) => v !== "");
}
