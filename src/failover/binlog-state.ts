// MariaDB's @@gtid_binlog_state keeps the last GTID logged per domain *and server id*; a position
// (gtid_binlog_pos, gtid_current_pos) keeps one per domain. Against positions alone, a former
// primary's unreplicated 0-1-571 looks contained in a primary at 0-3-662 once two failovers have
// moved the domain's sequence past it. The primary's binlog state says exactly how far it holds
// server 1's transactions: here up to 0-1-565, so 566..571 are errant.

/** (domain, server id) → highest sequence number; null when the text is not a binlog state. */
function parseState(text: string): Map<string, bigint> | null {
  const out = new Map<string, bigint>();
  for (const part of text.split(",")) {
    const t = part.trim();
    if (t === "") continue;
    const m = /^(\d{1,10})-(\d{1,10})-(\d{1,20})$/.exec(t);
    if (m === null) return null;
    const key = `${m[1]}-${m[2]}`;
    const seq = BigInt(m[3] as string);
    if ((out.get(key) ?? -1n) < seq) out.set(key, seq);
  }
  return out;
}

/**
 * Transactions in `local` (binlog states or positions, any number of texts) that the primary's
 * binlog state shows it never had, as "domain-server-from..to" (or "domain-server-seq") joined by
 * ","; "" when none or when a text cannot be read. The primary's own server id is skipped: a
 * replica probed after it may hold its newer writes.
 */
export function errantAgainstBinlogState(
  local: readonly string[],
  primaryState: string,
  primaryServerId: number,
): string {
  const theirs = parseState(primaryState);
  if (theirs === null || theirs.size === 0) return "";
  const mine = new Map<string, bigint>();
  for (const text of local) {
    const parsed = parseState(text);
    if (parsed === null) return "";
    for (const [k, seq] of parsed) if ((mine.get(k) ?? -1n) < seq) mine.set(k, seq);
  }
  const errant: string[] = [];
  for (const [key, seq] of [...mine].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key.split("-")[1] === String(primaryServerId)) continue;
    const held = theirs.get(key);
    if (held !== undefined && held >= seq) continue;
    const from = held === undefined ? null : held + 1n;
    errant.push(from === null || from === seq ? `${key}-${seq}` : `${key}-${from}..${seq}`);
  }
  return errant.join(",");
}
