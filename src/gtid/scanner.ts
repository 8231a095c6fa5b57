// A cursor over GTID text shared by both parsers: positions in errors are offsets into the
// original text, so the scanner never copies or trims it.
import { excerpt, type GtidParseError } from "./errors.ts";

// Character classes work on char codes: a regex or Set lookup per character made parsing a
// large gtid_executed several times slower (see bench/gtid.ts).

/** What MySQL and MariaDB skip as whitespace (the C isspace set: space, \t \n \v \f \r). */
export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Letters, digits and '_': the characters of a number or a tag. */
export function isWordCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Hex digits and '-': the characters of a UUID. */
export function isUuidCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 45;
}

export class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    /** Characters that end a token quoted in an error. */
    private readonly separators: string,
  ) {}

  skipWhitespace(): void {
    while (this.pos < this.text.length && isSpaceCode(this.text.charCodeAt(this.pos))) this.pos++;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  /** The next character, or "" at the end. */
  peek(): string {
    return this.text[this.pos] ?? "";
  }
  /** Consumes characters while `accept` holds for their code and returns them. */
  take(accept: (code: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** The token at `at` for an error message: up to the next separator or whitespace, at least one character. */
  tokenAt(at: number): string {
    let end = at;
    while (end < this.text.length) {
      if (this.separators.includes(this.text[end] as string) || isSpaceCode(this.text.charCodeAt(end))) break;
      end++;
    }
    if (end === at && at < this.text.length) end = at + 1;
    return excerpt(this.text.slice(at, end));
  }
}

/**
 * Thrown only inside a parser to unwind to its entry point, which turns it back into an error
 * value; it never crosses a module boundary.
 */
export class ParseFailure {
  constructor(readonly error: GtidParseError) {}
}

/**
 * Parses a run of decimal digits as a bigint in [0, max], or undefined when it is larger.
 * Checking the length first keeps a megabyte of digits from becoming a megabyte bigint.
 */
export function parseBoundedDecimal(digits: string, max: bigint): bigint | undefined {
  let first = 0;
  while (first < digits.length - 1 && digits.charCodeAt(first) === 48) first++;
  // 20 digits hold any value up to 2^64-1, the largest bound used; BigInt() decides the rest.
  if (digits.length - first > 20) return undefined;
  const value = BigInt(digits);
  return value > max ? undefined : value;
}
