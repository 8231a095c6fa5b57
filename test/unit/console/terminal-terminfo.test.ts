// blessed's terminfo fallbacks, as patched for compiled binaries: every path must end at an entry
// blessed can parse, and files in the 32-bit format it misreads must never reach its parser.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describeTerminfo,
  EMBEDDED_TERMINFO,
  hasParseableTerminfo,
  installEmbeddedTerminfo,
  Tput,
} from "../../../src/console/embedded-terminfo.ts";

let dir: string;
let legacyCopy: string;
let newFormatCopy: string;

beforeAll(() => {
  installEmbeddedTerminfo();
  // blessed lowercases the terminal name, path included: keep the directory name lowercase.
  dir = join(tmpdir(), `keel-terminfo-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const legacy = readFileSync(EMBEDDED_TERMINFO["xterm-256color"] as string);
  legacyCopy = join(dir, "legacy", "xterm-256color");
  newFormatCopy = join(dir, "new", "xterm-256color");
  for (const [file, magic] of [
    [legacyCopy, [0x1a, 0x01]],
    [newFormatCopy, [0x1e, 0x02]], // ncurses 6 "extended number" format, magic 01036
  ] as const) {
    const bytes = new Uint8Array(legacy);
    bytes.set(magic, 0);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, bytes);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("embedded terminfo", () => {
  test("the embedded entries are legacy-format files blessed can read", () => {
    for (const file of Object.values(EMBEDDED_TERMINFO)) {
      const head = readFileSync(file).subarray(0, 2);
      expect(head[0] | (head[1] << 8)).toBe(0o432);
    }
  });

  test("a legacy-format file on the host is used as is", () => {
    const tput = new Tput({ terminal: legacyCopy });
    expect(tput.info?.file).toBe(legacyCopy);
    expect(tput.colors).toBe(256);
    expect(describeTerminfo(tput)).toBe(`xterm-256color (${legacyCopy})`);
  });

  test("a 32-bit-format file is refused and replaced by the embedded entry of that name", () => {
    const tput = new Tput({ terminal: newFormatCopy });
    expect(tput.info?.file).toBe(EMBEDDED_TERMINFO["xterm-256color"]);
    expect(tput.colors).toBe(256);
    expect(describeTerminfo(tput)).toBe("xterm-256color (embedded)");
  });

  test("a name with neither a host file nor an embedded entry ends at embedded xterm", () => {
    const tput = new Tput({ terminal: join(dir, "missing", "keel-unknown-term") });
    expect(tput.info?.name).toBe("xterm");
    expect(tput.info?.file).toBe(EMBEDDED_TERMINFO.xterm);
    expect(tput.colors).toBe(8);
  });

  test("hasParseableTerminfo accepts only existing legacy-format files", () => {
    expect(hasParseableTerminfo(legacyCopy)).toBe(true);
    expect(hasParseableTerminfo(newFormatCopy)).toBe(false);
    expect(hasParseableTerminfo(join(dir, "missing", "nope"))).toBe(false);
    expect(hasParseableTerminfo("keel-no-such-terminal-name")).toBe(false);
  });
});
