// A strict JSON reader that says WHERE a document is broken (line:column), which the runtime's
// JSON.parse does not, and that refuses duplicate keys instead of silently keeping the last one.
import { err, ok, type Result } from "../lib/result.ts";

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const MAX_DEPTH = 64;

class Fail {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new Fail(at, message);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos] as string)) this.pos++;
  }

  describeHere(): string {
    if (this.pos >= this.text.length) return "end of file";
    return JSON.stringify(this.text.slice(this.pos, this.pos + 1));
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}', found ${this.describeHere()}`);
    this.pos++;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === "{") return this.object(depth);
    if (ch === "[") return this.array(depth);
    if (ch === '"') return this.string();
    for (const [word, val] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return val;
      }
    }
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (m) {
      this.pos += m[0].length;
      return Number(m[0]);
    }
    return this.fail(`unexpected ${this.describeHere()}`);
  }

  object(depth: number): Record<string, unknown> {
    // Own properties only: a "__proto__" key must stay data, never become a prototype.
    const out: Record<string, unknown> = Object.create(null);
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const keyAt = this.pos;
      if (this.text[this.pos] !== '"') this.fail(`expected a "quoted" key, found ${this.describeHere()}`);
      const key = this.string();
      if (Object.hasOwn(out, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipSpace();
      this.expect(":");
      out[key] = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      this.fail(`expected ',' or '}', found ${this.describeHere()}`);
    }
  }

  array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ",") {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === "]") {
        this.pos++;
        return out;
      }
      this.fail(`expected ',' or ']', found ${this.describeHere()}`);
    }
  }

  string(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail("unterminated string");
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch < " ") this.fail("control character inside a string (use \\n, \\t)");
      if (ch !== "\\") {
        out += ch;
        this.pos++;
        continue;
      }
      const esc = this.text[this.pos + 1] ?? "";
      if (esc === "u") {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else if (esc in ESCAPES) {
        out += ESCAPES[esc];
        this.pos += 2;
      } else this.fail(`bad escape \\${esc}`);
    }
  }
}

function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/** Parses a whole JSON document; on failure says where (1-based line and column) and what. */
export function parseJsonText(text: string): Result<unknown, JsonSyntaxError> {
  const reader = new Reader(text.startsWith("\uFEFF") ? text.slice(1) : text);
  try {
    const value = reader.value(0);
    reader.skipSpace();
    if (reader.pos < reader.text.length)
      reader.fail(`unexpected ${reader.describeHere()} after the document`);
    return ok(value);
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    return err({ ...lineColumn(reader.text, e.at), message: e.message });
  }
}
