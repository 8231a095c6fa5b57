// Golden files for the console views: the reviewed rendering lives in test/scenarios/console/;
// UPDATE_GOLDEN=1 rewrites them after a deliberate change.
import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Line } from "../../../../src/console/views/line.ts";

const DIR = join(import.meta.dir, "../../../scenarios/console");

export function expectGolden(name: string, actual: string): void {
  const file = join(DIR, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden ${file}; run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** Text with its styles inline, `{style|text}`, so a reviewer sees the colours a line gets. */
export function markup(line: Line): string {
  const chars = [...line.text];
  const spans = [...line.spans].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += chars.slice(at, s.start).join("");
    out += `{${s.style}|${chars.slice(s.start, s.end).join("")}}`;
    at = s.end;
  }
  return out + chars.slice(at).join("");
}

/** Plain text then the same lines with styles; trailing spaces shown as-is. */
export function section(title: string, lines: readonly Line[], withStyles = true): string {
  const plain = lines.map((l) => l.text).join("\n");
  const styled = lines.map(markup).join("\n");
  return `=== ${title}\n${plain}\n` + (withStyles ? `--- styles\n${styled}\n` : "");
}
