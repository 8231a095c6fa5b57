// Random GTID inputs for the property tests, drawn from the seeded Rng, plus a brute-force model
// (explicit sets of "uuid:tag:n" strings) to check the interval algebra against.
import { parseMariadbGtidPos, type MariadbGtidPos } from "../../../src/gtid/mariadb-gtid-pos.ts";
import { parseMysqlGtidSet } from "../../../src/gtid/mysql-gtid-parse.ts";
import type { MysqlGtidSet } from "../../../src/gtid/mysql-gtid-set.ts";
import { type Rng, seededRng } from "../../../src/lib/rng.ts";

/** Seeds per property; KEEL_SEED=<n> replays just one. */
export function seeds(count: number): number[] {
  const one = process.env.KEEL_SEED;
  if (one !== undefined && one !== "") return [Number(one)];
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** Runs `check` `runs` times per seed; a failure names the seed to replay it. */
export function forSeeds(count: number, runs: number, check: (rng: Rng) => void): void {
  for (const seed of seeds(count)) {
    const rng = seededRng(seed);
    for (let run = 0; run < runs; run++) {
      try {
        check(rng);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new Error(`KEEL_SEED=${seed} (run ${run}) failed: ${message}`);
      }
    }
  }
}

export const MAX_SEQ = 2n ** 63n - 1n;

const UUIDS = [
  "3e11fa47-71ca-11e1-9e33-c80aa9429562",
  "2174b383-5441-11e8-b90a-c80aa9429562",
  "24da167a-0c0c-11e8-8442-00059a3c7b00",
  "ffffffff-ffff-ffff-ffff-fffffffffff0",
];
const TAGS = ["", "", "", "a", "domain_1", "_x9"];

/** One generated interval: small numbers mostly, sometimes right under 2^63-1 (bigint edges). */
export interface RawGtid {
  uuid: string;
  tag: string;
  start: bigint;
  end: bigint;
}

function randomInterval(rng: Rng): { start: bigint; end: bigint } {
  const high = rng.chance(0.15);
  const start = (high ? MAX_SEQ - 30n : 1n) + BigInt(rng.int(30));
  const cap = high ? MAX_SEQ : 40n;
  const end = start + BigInt(rng.chance(0.5) ? 0 : rng.int(8));
  return { start, end: end > cap ? cap : end };
}

export function randomRawGtids(rng: Rng): RawGtid[] {
  const out: RawGtid[] = [];
  const n = rng.int(7);
  for (let i = 0; i < n; i++)
    out.push({ uuid: rng.pick(UUIDS), tag: rng.pick(TAGS), ...randomInterval(rng) });
  return out;
}

function caseMix(rng: Rng, text: string): string {
  return rng.chance(0.3) ? text.toUpperCase() : text;
}

/** Text in any order, case and spacing a server or a person might write. */
export function rawToText(rng: Rng, raw: readonly RawGtid[]): string {
  const entries = raw.map((g) => {
    const tag = g.tag === "" ? "" : `:${caseMix(rng, g.tag)}`;
    const interval = g.start === g.end && rng.chance(0.7) ? `${g.start}` : `${g.start}-${g.end}`;
    return `${caseMix(rng, g.uuid)}${tag}:${interval}`;
  });
  const separators = [",", ",\n", " , ", ",,"];
  return entries.reduce((text, entry, i) => (i === 0 ? entry : text + rng.pick(separators) + entry), "");
}

/** The model: every transaction as a string, feasible because generated intervals are short. */
export function expand(raw: readonly RawGtid[]): Set<string> {
  const out = new Set<string>();
  for (const g of raw) for (let n = g.start; n <= g.end; n++) out.add(`${g.uuid}:${g.tag}:${n}`);
  return out;
}

export function expandSet(set: MysqlGtidSet): Set<string> {
  return expand(
    set.sources.flatMap((s) =>
      s.intervals.map((x) => ({ uuid: s.uuid, tag: s.tag, start: x.start, end: x.end })),
    ),
  );
}

export function sorted(set: Set<string>): string[] {
  return [...set].sort();
}

export function mustParseMysql(text: string): MysqlGtidSet {
  const r = parseMysqlGtidSet(text);
  if (!r.ok) throw new Error(`did not parse ${JSON.stringify(text)}: ${JSON.stringify(r.error)}`);
  return r.value;
}

export function randomMysqlSet(rng: Rng): MysqlGtidSet {
  return mustParseMysql(rawToText(rng, randomRawGtids(rng)));
}

export function mustParseMariadb(text: string): MariadbGtidPos {
  const r = parseMariadbGtidPos(text);
  if (!r.ok) throw new Error(`did not parse ${JSON.stringify(text)}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Few domains, servers and small seqs, so ties, conflicts and containment all happen often. */
export function randomMariadbText(rng: Rng): string {
  const entries: string[] = [];
  const used = new Set<string>();
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const domain = rng.int(3);
    const server = 1 + rng.int(3);
    if (used.has(`${domain}-${server}`)) continue;
    used.add(`${domain}-${server}`);
    const seq = rng.chance(0.1) ? 2n ** 64n - 1n - BigInt(rng.int(3)) : BigInt(rng.int(6));
    entries.push(`${domain}-${server}-${seq}`);
  }
  return rng.shuffle(entries).join(rng.pick([",", ", ", ",\n"]));
}

export function randomMariadbPos(rng: Rng): MariadbGtidPos {
  return mustParseMariadb(randomMariadbText(rng));
}
