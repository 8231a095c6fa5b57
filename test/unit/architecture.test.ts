// Enforces the dependency direction of ../shared/DESIGN.md and keeps I/O out of the pure cores.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dir, "../../src");

const LEAVES = ["lib", "model", "gtid"];
const CORES = ["gossip", "raft", "failover"];
const EDGES = ["net", "mysql", "storage", "hooks", "config", "obs", "sandbox"];

/** Which top-level src/ directories each one may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  model: ["lib"],
  gtid: ["lib", "model"],
  gossip: LEAVES,
  raft: LEAVES,
  failover: LEAVES,
  net: [...LEAVES, ...EDGES],
  mysql: [...LEAVES, ...EDGES],
  storage: [...LEAVES, ...EDGES],
  hooks: [...LEAVES, ...EDGES],
  config: [...LEAVES, ...EDGES],
  obs: [...LEAVES, ...EDGES],
  sandbox: [...LEAVES, ...EDGES],
  runtime: [...LEAVES, ...CORES, ...EDGES],
  sim: [...LEAVES, ...CORES, ...EDGES],
  console: [...LEAVES, ...CORES, ...EDGES, "runtime", "cli"],
  cli: [...LEAVES, ...CORES, ...EDGES, "runtime", "console"],
  "main.ts": ["cli", "console", "runtime", ...LEAVES],
};

const PURE_DIRS = ["lib", "model", "gtid", "gossip", "raft", "failover", "console/views"];
const BANNED_IN_PURE = [
  /\bDate\.now\b/,
  /\bnew Date\(\s*\)/,
  /\bperformance\.now\b/,
  /\bMath\.random\b/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bBun\./,
  /["']node:(dgram|fs|net|child_process|http)["']/,
  /["']mysql2/,
];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function topOf(file: string): string {
  const rel = relative(SRC, file);
  const first = rel.split("/")[0] as string;
  return first;
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2]) as string);
  return specs;
}

const files = walk(SRC);

describe("architecture", () => {
  test("every src/ directory is known to the dependency table", () => {
    const unknown = [...new Set(files.map(topOf))].filter((t) => !(t in ALLOWED));
    expect(unknown).toEqual([]);
  });

  test("imports follow the dependency direction", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = topOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        if (!spec.startsWith(".")) continue;
        const target = join(file, "..", spec);
        const rel = relative(SRC, target);
        if (rel.startsWith("..")) continue; // package.json and friends
        const to = rel.split("/")[0] as string;
        if (to === from) continue;
        if (!allowed.includes(to)) violations.push(`${relative(SRC, file)} imports ${rel}`);
      }
      const isViews = relative(SRC, file).startsWith("console/views/");
      if (isViews) {
        for (const spec of importsOf(readFileSync(file, "utf8"))) {
          const rel = relative(SRC, join(file, "..", spec));
          if (spec.startsWith(".") && !/^(model|lib|console\/views)\//.test(rel))
            violations.push(`${relative(SRC, file)} (a pure view) imports ${rel}`);
          if (!spec.startsWith(".")) violations.push(`${relative(SRC, file)} (a pure view) imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test("pure directories use no clock, randomness, timers, sockets or database", () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      if (!PURE_DIRS.some((d) => rel.startsWith(`${d}/`))) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        for (const re of BANNED_IN_PURE)
          if (re.test(line)) violations.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(violations).toEqual([]);
  });

  test("no source file grows past ~400 lines", () => {
    const big = files
      .map((f) => ({ f: relative(SRC, f), n: readFileSync(f, "utf8").split("\n").length }))
      .filter((x) => x.n > 420);
    expect(big).toEqual([]);
  });

  test("the checker itself catches a violation", () => {
    expect(importsOf(`import { x } from "../mysql/probe.ts";\nexport * from "./a.ts";`)).toEqual([
      "../mysql/probe.ts",
      "./a.ts",
    ]);
    expect(BANNED_IN_PURE.some((re) => re.test("const t = Date.now();"))).toBe(true);
  });
});
