// Fills {placeholders} into a `bash -c` command so that a hostile value (a host name or failure
// description containing `$(…)`, `;`, backticks, quotes or newlines) reaches the shell as inert
// data. A value made only of SAFE_VALUE characters is inserted as-is, so orchestrator-era hooks
// behave byte for byte as before. Any other value is single-quoted, written for the quoting
// context the placeholder sits in: `'…'` alone is not enough inside "double quotes", where
// `'$(x)'` still runs x. This small lexer tracks those contexts (plain, "…", '…', $'…', $(…),
// comments). Where a template uses constructs it does not model (here-documents, backticks,
// ${…}, arithmetic, case), guessing the context wrong could turn quoting into injection, so from
// there on values are written as a reference to their environment variable instead: an
// expansion result is never parsed again, which makes it inert in every context.
// Pure: no I/O.

/** Characters that mean nothing to sh in any context; values made of them need no quoting. */
export const SAFE_VALUE = /^[A-Za-z0-9._:@%+=,/-]*$/;

export interface Substitution {
  /** The text the placeholder stands for. */
  value: string;
  /** An environment variable the hook runs with that holds the same value. */
  envName: string;
}

type Frame =
  | { kind: "plain"; inSubstitution: boolean; parenDepth: number }
  | { kind: "dq" }
  | { kind: "sq" }
  | { kind: "ansi" }
  | { kind: "comment" };

const PLACEHOLDER_AT = /\{([A-Za-z]+)\}/y;
/** Characters after which a new shell word starts (so a `#` there opens a comment). */
const WORD_BREAK = /[\s;&|()<>]/;
const CASE_AT = /case\s/y;

/** `'value'` with every `'` written as `'\''`: nothing inside single quotes is special to sh. */
export function singleQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function quoteFor(frame: Frame, value: string): string {
  const q = singleQuote(value);
  switch (frame.kind) {
    case "plain":
      return q;
    case "dq":
      return `"${q}"`; // close the double quotes, quote, reopen
    case "sq":
      return `'${q}'`;
    case "ansi":
      return `'${q}$'`;
    case "comment":
      return q.replace(/[\r\n]/g, " "); // a newline would end the comment
  }
}

class TemplateLexer {
  private readonly out: string[] = [];
  private readonly stack: Frame[] = [{ kind: "plain", inSubstitution: false, parenDepth: 0 }];
  private i = 0;
  /** Set for good once the template uses a construct this lexer does not model. */
  private uncertain = false;

  constructor(
    private readonly text: string,
    private readonly lookup: (name: string) => Substitution | null,
  ) {}

  run(): string {
    while (this.i < this.text.length) {
      if (this.tryPlaceholder(false)) continue;
      if (!this.uncertain) this.step(this.top());
      else if (!(this.text[this.i] === "\\" && this.tryPlaceholder(true))) this.emit(1);
    }
    return this.out.join("");
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private emit(n: number): void {
    this.out.push(this.text.slice(this.i, this.i + n));
    this.i += n;
  }

  /** Replaces a placeholder at i (or at i+1 behind a backslash when `escaped`); false if none. */
  private tryPlaceholder(escaped: boolean): boolean {
    const at = escaped ? this.i + 1 : this.i;
    PLACEHOLDER_AT.lastIndex = at;
    const m = PLACEHOLDER_AT.exec(this.text);
    const s = m === null ? null : this.lookup(m[1] as string);
    if (m === null || s === null) return false;
    const value = s.value.replaceAll("\0", ""); // argv cannot carry NUL
    const safe = SAFE_VALUE.test(value);
    const frame = this.top();
    if (escaped) {
      // In plain text `\x` is just `x`, so the backslash can go; inside quotes it is a literal
      // backslash that must not swallow the quote opened next, so it is written escaped.
      if (safe) this.out.push("\\");
      else if (this.uncertain || frame.kind !== "plain") this.out.push("\\\\");
    }
    if (safe) this.out.push(value);
    else this.out.push(this.uncertain ? "${" + s.envName + "}" : quoteFor(frame, value));
    this.i = at + m[0].length;
    return true;
  }

  private step(frame: Frame): void {
    const c = this.text[this.i] as string;
    const next = this.text[this.i + 1];
    const escapes = frame.kind === "plain" || frame.kind === "dq" || frame.kind === "ansi";
    if (c === "\\" && escapes) {
      if (this.tryPlaceholder(true)) return;
      this.emit(next === undefined ? 1 : 2);
      return;
    }
    if (c === "`" && frame.kind !== "sq" && frame.kind !== "ansi" && frame.kind !== "comment") {
      this.uncertain = true;
      this.emit(1);
      return;
    }
    switch (frame.kind) {
      case "sq":
      case "ansi":
        if (c === "'") this.stack.pop();
        {
          this.emit(1);
          return;
        }
      case "comment":
        if (c === "\n")
          this.stack.pop(); // the newline itself is read as plain text
        else this.emit(1);
        return;
      case "dq":
        if (c === '"') this.stack.pop();
        else if (c === "$") {
          this.dollar(next);
          return;
        }
        {
          this.emit(1);
          return;
        }
      case "plain": {
        this.stepPlain(frame, c, next);
        return;
      }
    }
  }

  /** `$(` opens a nested command; `${`, `$((` and `$[` are not modelled. */
  private dollar(next: string | undefined): void {
    if (next === "(" && this.text[this.i + 2] !== "(") {
      this.stack.push({ kind: "plain", inSubstitution: true, parenDepth: 0 });
      this.emit(2);
      return;
    }
    if (next === "(" || next === "{" || next === "[") this.uncertain = true;
    this.emit(1);
  }

  private stepPlain(frame: Extract<Frame, { kind: "plain" }>, c: string, next: string | undefined): void {
    const wordStart = this.i === 0 || WORD_BREAK.test(this.text[this.i - 1] as string);
    if (c === "'") this.stack.push({ kind: "sq" });
    else if (c === '"') this.stack.push({ kind: "dq" });
    else if (c === "$" && next === "'") {
      this.stack.push({ kind: "ansi" });
      this.emit(2);
      return;
    } else if (c === "$") {
      this.dollar(next);
      return;
    } else if (c === "(" && next === "(") this.uncertain = true;
    else if (c === "(") frame.parenDepth++;
    else if (c === ")") {
      if (frame.parenDepth > 0) frame.parenDepth--;
      else if (frame.inSubstitution) this.stack.pop();
      else this.uncertain = true;
    } else if (c === "#" && wordStart) this.stack.push({ kind: "comment" });
    else if (c === "<" && next === "<") {
      if (this.text[this.i + 2] === "<") {
        this.emit(3);
        return;
      } // a here-string is a plain word
      this.uncertain = true;
    } else if (wordStart && c === "c") {
      CASE_AT.lastIndex = this.i;
      if (CASE_AT.test(this.text)) this.uncertain = true; // `pattern)` would read as a closing paren
    }
    this.emit(1);
  }
}

/**
 * The template with every placeholder `lookup` knows replaced (unknown `{words}` stay as
 * written): safe values verbatim, any other value so that sh can only treat it as data.
 */
export function fillShellTemplate(template: string, lookup: (name: string) => Substitution | null): string {
  return new TemplateLexer(template, lookup).run();
}
