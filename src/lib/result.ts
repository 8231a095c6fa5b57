// A Result is how fallible functions report failure across module boundaries: errors are
// values with a literal `code`, worded for humans in exactly one place (src/cli/messages).
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
