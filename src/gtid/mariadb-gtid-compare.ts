// Comparing MariaDB positions domain by domain. A domain's position is its highest seq; the server
// ids that wrote that seq matter too: 0-1-100 and 0-2-100 are two different transactions at the
// same point (MariaDB refuses to connect a replica at one to a primary at the other), so neither
// position contains the other.
import {
  type MariadbGtid,
  type MariadbGtidPos,
  formatMariadbGtid,
  mariadbGtidPosFromGtids,
} from "./mariadb-gtid-pos.ts";
import { type GtidOrder, orderFromContainment } from "./order.ts";

/** Where one position stands in one domain. */
export interface MariadbDomainTop {
  readonly domain: number;
  /** The highest seq listed for the domain. */
  readonly seq: bigint;
  /** Server ids listed at that seq, ascending; more than one only after a conflict. */
  readonly serverIds: readonly number[];
}

/** The position of every domain, ascending by domain. */
export function mariadbDomainTops(pos: MariadbGtidPos): MariadbDomainTop[] {
  const tops: MariadbDomainTop[] = [];
  for (const gtid of pos.gtids) {
    const last = tops[tops.length - 1];
    if (last === undefined || last.domain !== gtid.domain || gtid.seq > last.seq) {
      if (last !== undefined && last.domain === gtid.domain) tops.pop();
      tops.push({ domain: gtid.domain, seq: gtid.seq, serverIds: [gtid.serverId] });
    } else if (gtid.seq === last.seq) {
      // gtids are sorted by server id within a domain, so serverIds stays ascending.
      tops[tops.length - 1] = { ...last, serverIds: [...last.serverIds, gtid.serverId] };
    }
  }
  return tops;
}

function includesAll(have: readonly number[], want: readonly number[]): boolean {
  return want.every((id) => have.includes(id));
}

/** How a stands against b in one domain (null: the position does not know the domain). */
function compareTops(a: MariadbDomainTop | null, b: MariadbDomainTop | null): GtidOrder {
  if (a === null) return b === null ? "equal" : "behind";
  if (b === null) return "ahead";
  if (a.seq !== b.seq) return a.seq > b.seq ? "ahead" : "behind";
  return orderFromContainment(includesAll(a.serverIds, b.serverIds), includesAll(b.serverIds, a.serverIds));
}

export interface MariadbDomainComparison {
  readonly domain: number;
  /** a relative to b in this domain. */
  readonly order: GtidOrder;
  readonly a: MariadbDomainTop | null;
  readonly b: MariadbDomainTop | null;
}

/** Every domain known to either position, ascending, with a's order relative to b in it. */
export function compareMariadbDomains(a: MariadbGtidPos, b: MariadbGtidPos): MariadbDomainComparison[] {
  const topsA = mariadbDomainTops(a);
  const topsB = mariadbDomainTops(b);
  const out: MariadbDomainComparison[] = [];
  let i = 0;
  let j = 0;
  while (i < topsA.length || j < topsB.length) {
    const x = topsA[i];
    const y = topsB[j];
    const domain = Math.min(x?.domain ?? Number.POSITIVE_INFINITY, y?.domain ?? Number.POSITIVE_INFINITY);
    const inA = x !== undefined && x.domain === domain ? x : null;
    const inB = y !== undefined && y.domain === domain ? y : null;
    out.push({ domain, order: compareTops(inA, inB), a: inA, b: inB });
    if (inA !== null) i++;
    if (inB !== null) j++;
  }
  return out;
}

/** a has everything b has: every domain of b is in a, at a higher seq or at the same seq and server(s). */
export function mariadbContains(a: MariadbGtidPos, b: MariadbGtidPos): boolean {
  return compareMariadbDomains(a, b).every((d) => d.order === "equal" || d.order === "ahead");
}

/** The order of a relative to b over all domains. */
export function compareMariadbGtidPos(a: MariadbGtidPos, b: MariadbGtidPos): GtidOrder {
  return orderFromContainment(mariadbContains(a, b), mariadbContains(b, a));
}

/**
 * A position that contains both: per (domain, server id) the higher seq, so each domain's
 * position is the higher of the two (and both servers are kept on a tie between different ones).
 */
export function mariadbMerge(a: MariadbGtidPos, b: MariadbGtidPos): MariadbGtidPos {
  return mariadbGtidPosFromGtids([...a.gtids, ...b.gtids]);
}

/** Part of one domain that one position has and the other lacks. */
export interface MariadbGap {
  readonly domain: number;
  /**
   * "unknown-domain": the other side has no position in the domain at all;
   * "ahead": this side's seq is higher; "conflict": same seq, written by other server(s).
   */
  readonly kind: "unknown-domain" | "ahead" | "conflict";
  /** The lacking side's seq in the domain; null for "unknown-domain". */
  readonly baseSeq: bigint | null;
  /** The having side's seq: the gap is (baseSeq, topSeq], or exactly topSeq for a conflict. */
  readonly topSeq: bigint;
  /** Server ids at topSeq on the having side (for a conflict, only those the other lacks). */
  readonly serverIds: readonly number[];
}

/** Where b is ahead of a, domain by domain: what a would need to contain b. Empty when it does. */
export function mariadbMissing(a: MariadbGtidPos, b: MariadbGtidPos): MariadbGap[] {
  const gaps: MariadbGap[] = [];
  for (const d of compareMariadbDomains(b, a)) {
    if (d.a === null || d.order === "equal" || d.order === "behind") continue;
    const have = d.a;
    const lack = d.b;
    if (lack === null) {
      gaps.push({
        domain: d.domain,
        kind: "unknown-domain",
        baseSeq: null,
        topSeq: have.seq,
        serverIds: have.serverIds,
      });
    } else if (have.seq > lack.seq) {
      gaps.push({
        domain: d.domain,
        kind: "ahead",
        baseSeq: lack.seq,
        topSeq: have.seq,
        serverIds: have.serverIds,
      });
    } else {
      const serverIds = have.serverIds.filter((id) => !lack.serverIds.includes(id));
      gaps.push({ domain: d.domain, kind: "conflict", baseSeq: lack.seq, topSeq: have.seq, serverIds });
    }
  }
  return gaps;
}

/**
 * Errant transactions on a MariaDB replica: what its gtid_current_pos (or gtid_binlog_pos) has that
 * the primary's lacks — domains the primary never saw, higher seqs, or conflicting same-seq GTIDs.
 */
export function mariadbErrant(replica: MariadbGtidPos, primary: MariadbGtidPos): MariadbGap[] {
  return mariadbMissing(primary, replica);
}

/**
 * Compact text for logs and views, one item per gap: "0-2-101..120" for a seq range, "5-3-7" for
 * an unknown domain or a conflicting GTID (the having side's last GTID there).
 */
export function formatMariadbGaps(gaps: readonly MariadbGap[]): string {
  const items: string[] = [];
  for (const gap of gaps) {
    for (const serverId of gap.serverIds) {
      const last: MariadbGtid = { domain: gap.domain, serverId, seq: gap.topSeq };
      const first = gap.kind === "ahead" && gap.baseSeq !== null ? gap.baseSeq + 1n : gap.topSeq;
      items.push(
        first < gap.topSeq ? `${gap.domain}-${serverId}-${first}..${gap.topSeq}` : formatMariadbGtid(last),
      );
    }
  }
  return items.join(",");
}
