// Push-pull anti-entropy helpers: a member table as digest pages (membership plus record
// versions), and whole records as chunks for the peer whose digest showed it lacks them.
import type { Rng } from "../lib/rng.ts";
import { splitRecord } from "./chunking.ts";
import type { Member, MemberTable } from "./member-table.ts";
import type { RecordUpdate, SyncEntry } from "./messages.ts";

export function syncEntryOf(m: Member): SyncEntry {
  return [m.id, m.incarnation, m.status, m.addr, m.kind, m.cluster, m.record?.version ?? 0];
}

/** This node first, then everyone else starting at a random member: pages are bounded, so
 *  repeated exchanges cover a big table piece by piece. */
export function syncEntries(table: MemberTable, selfId: string, rng: Rng): SyncEntry[] {
  const others: SyncEntry[] = [];
  let self: SyncEntry | null = null;
  for (const m of table.all()) {
    if (m.id === selfId) self = syncEntryOf(m);
    else others.push(syncEntryOf(m));
  }
  const start = others.length > 0 ? rng.int(others.length) : 0;
  const rotated = [...others.slice(start), ...others.slice(0, start)];
  return self === null ? rotated : [self, ...rotated];
}

/** Every chunk of each listed member's current record, aged as of `nowMs`. */
export function recordChunksFor(table: MemberTable, ids: readonly string[], nowMs: number): RecordUpdate[] {
  const chunks: RecordUpdate[] = [];
  for (const id of ids) {
    const r = table.get(id)?.record;
    if (r === null || r === undefined) continue;
    // Whole milliseconds on the wire: shells may drive the core with a fractional clock.
    const ageMs = Math.max(0, Math.round(nowMs - r.updatedAtMs));
    for (const c of splitRecord(id, r.version, r.data)) chunks.push({ ...c, ageMs });
  }
  return chunks;
}
