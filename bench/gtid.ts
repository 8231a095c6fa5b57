// How fast the GTID algebra is on large, fragmented sets (prints numbers, asserts nothing).
// Run: node_modules/.bin/bun bench/gtid.ts
import { compareGtid, errantGtids } from "../src/gtid/compare.ts";
import { mariadbContains } from "../src/gtid/mariadb-gtid-compare.ts";
import { parseMariadbGtidPos } from "../src/gtid/mariadb-gtid-pos.ts";
import { parseMysqlGtidSet } from "../src/gtid/mysql-gtid-parse.ts";
import {
  formatMysqlGtidSet,
  isMysqlGtidSubset,
  subtractMysqlGtidSets,
  unionMysqlGtidSets,
} from "../src/gtid/mysql-gtid-set.ts";
import { seededRng } from "../src/lib/rng.ts";

const rng = seededRng(42);

function uuid(i: number): string {
  const hex = i.toString(16).padStart(12, "0");
  return `3e11fa47-71ca-11e1-9e33-${hex}`;
}

/** `servers` UUIDs, each with `holes` gaps in its history (one interval per gap), like a long-lived fleet. */
function mysqlText(servers: number, holes: number, skew: number): string {
  const entries: string[] = [];
  for (let s = 0; s < servers; s++) {
    const parts: string[] = [];
    let at = 1;
    for (let h = 0; h <= holes; h++) {
      const len = 1 + rng.int(1000);
      parts.push(`${at}-${at + len + skew}`);
      at += len + skew + 2 + rng.int(5);
    }
    entries.push(`${uuid(s)}:${parts.join(":")}`);
  }
  return entries.join(",\n");
}

function time(label: string, iterations: number, fn: () => unknown): void {
  for (let i = 0; i < Math.min(iterations, 5); i++) fn();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  const perOpUs = ((performance.now() - start) * 1000) / iterations;
  console.log(`${label.padEnd(58)} ${perOpUs.toFixed(1).padStart(10)} µs/op`);
}

for (const [servers, holes] of [
  [3, 0],
  [50, 20],
  [1000, 10],
] as const) {
  const a = mysqlText(servers, holes, 0);
  const b = mysqlText(servers, holes, 1);
  const pa = parseMysqlGtidSet(a);
  const pb = parseMysqlGtidSet(b);
  if (!pa.ok || !pb.ok) throw new Error("bench input did not parse");
  const label = `mysql ${servers} uuids × ${holes + 1} intervals (${(a.length / 1024).toFixed(1)} KiB)`;
  const n = servers >= 1000 ? 20 : 2000;
  console.log(label);
  time("  parse", n, () => parseMysqlGtidSet(a));
  time("  format", n, () => formatMysqlGtidSet(pa.value));
  time("  union", n, () => unionMysqlGtidSets(pa.value, pb.value));
  time("  subtract", n, () => subtractMysqlGtidSets(pa.value, pb.value));
  // Against a superset, so the walk cannot stop at the first difference.
  const superset = unionMysqlGtidSets(pa.value, pb.value);
  time("  isSubset (a ⊆ a ∪ b, full walk)", n, () => isMysqlGtidSubset(pa.value, superset));
  time("  compareGtid (text, both parsed)", n, () => compareGtid(a, b, "mysql"));
  time("  errantGtids (text, both parsed)", n, () => errantGtids(a, b, "mysql"));
}

const domains = Array.from({ length: 64 }, (_, d) => `${d}-${1 + (d % 3)}-${1_000_000 + d}`).join(",");
const mdb = parseMariadbGtidPos(domains);
if (!mdb.ok) throw new Error("bench input did not parse");
console.log("mariadb 64 domains");
time("  parse", 5000, () => parseMariadbGtidPos(domains));
time("  contains", 5000, () => mariadbContains(mdb.value, mdb.value));
time("  compareGtid (text)", 5000, () => compareGtid(domains, domains, "mariadb"));
