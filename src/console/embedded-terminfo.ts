// Makes blessed's terminfo handling work in a compiled binary on a host without node_modules.
// blessed falls back to files under `__dirname/../usr`, and a compiled binary bakes in the build
// machine's __dirname, so on any other host the fallback crashes with ENOENT. We embed the two
// entries keel relies on and point blessed's fallbacks at them. blessed's parser also only reads
// the legacy terminfo format (magic 0432); Debian 12 stores xterm-256color, screen-256color and
// tmux-256color in the 32-bit format (magic 01036), which it misparses, so those are refused up front.
import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import blessed from "blessed";
import xtermPath from "blessed/usr/xterm" with { type: "file" };
import xterm256Path from "blessed/usr/xterm-256color" with { type: "file" };

const LEGACY_TERMINFO_MAGIC = 0o432;

export const EMBEDDED_TERMINFO: Readonly<Record<string, string>> = {
  xterm: xtermPath,
  "xterm-256color": xterm256Path,
};

/** The parts of blessed's Tput we patch or read; @types/blessed doesn't describe them. */
export interface TputInternals {
  injectTerminfo(file: string): unknown;
  parseTerminfo(data: Uint8Array, file: string): unknown;
  _useXtermInfo(): unknown;
  _useInternalInfo(name: string): unknown;
  _prefix(term: string): string;
  info?: { name?: string; file?: string };
  colors?: number;
  terminal?: string;
}

interface TputClass {
  new (options: { terminal: string }): TputInternals;
  prototype: TputInternals;
  _prefix(term: string): string;
}

export const Tput = (blessed as unknown as { Tput: TputClass }).Tput;

function isLegacyTerminfo(data: Uint8Array): boolean {
  return data.length >= 2 && ((data[1] as number) << 8) + (data[0] as number) === LEGACY_TERMINFO_MAGIC;
}

let installed = false;

/** Idempotent: patches blessed's Tput so every fallback ends at an embedded entry. */
export function installEmbeddedTerminfo(): void {
  if (installed) return;
  installed = true;
  const proto = Tput.prototype;
  const parse = proto.parseTerminfo;
  proto.parseTerminfo = function (this: TputInternals, data: Uint8Array, file: string) {
    // Throwing here sends blessed's setup() down its fallback path instead of parsing garbage.
    if (!isLegacyTerminfo(data)) throw new Error(`unsupported terminfo format: ${file}`);
    return parse.call(this, data, file);
  };
  proto._useXtermInfo = function (this: TputInternals) {
    return this.injectTerminfo(EMBEDDED_TERMINFO.xterm as string);
  };
  proto._useInternalInfo = function (this: TputInternals, name: string) {
    const file = EMBEDDED_TERMINFO[basename(name)];
    if (!file) throw new Error(`no embedded terminfo for ${name}`);
    return this.injectTerminfo(file);
  };
}

/** True when blessed would find a system terminfo file for `name` that it can parse. */
export function hasParseableTerminfo(name: string): boolean {
  let file: string;
  try {
    file = Tput._prefix(name);
  } catch {
    return false; // not found in any terminfo directory
  }
  const head = new Uint8Array(2);
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    return readSync(fd, head, 0, 2, 0) === 2 && isLegacyTerminfo(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How to name the terminfo blessed loaded: "xterm-256color (embedded)" or the host file's path. */
export function describeTerminfo(tput: TputInternals): string {
  const name = tput.info?.name ?? "unknown";
  const file = tput.info?.file ?? "";
  return Object.values(EMBEDDED_TERMINFO).includes(file) ? `${name} (embedded)` : `${name} (${file})`;
}
