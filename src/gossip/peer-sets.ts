// The lists a node draws targets from (probe order, helpers, fan-out, same-cluster pushes),
// rebuilt only when the membership table changes, because big clusters pick targets often.
import type { Rng } from "../lib/rng.ts";
import { isLive, type MemberTable } from "./member-table.ts";

export interface PeerSets {
  /** Live members other than this node. */
  peers: string[];
  /** Live agents and witnesses other than this node: who may run an indirect probe. */
  helpers: string[];
  /** Live agents and witnesses of this node's own cluster. */
  sameCluster: string[];
  /** Members declared dead (not left): candidates for a reconnect attempt after a partition. */
  dead: string[];
  /** Live members including this node: the N of the timing formulas. */
  liveCount: number;
}

export class PeerSetCache {
  private cachedVersion = -1;
  private sets: PeerSets = { peers: [], helpers: [], sameCluster: [], dead: [], liveCount: 1 };

  constructor(
    private readonly selfId: string,
    private readonly cluster: string,
  ) {}

  get(table: MemberTable): PeerSets {
    if (table.version === this.cachedVersion) return this.sets;
    const s: PeerSets = { peers: [], helpers: [], sameCluster: [], dead: [], liveCount: 1 };
    for (const m of table.all()) {
      if (m.id === this.selfId) continue;
      if (m.status === "dead") s.dead.push(m.id);
      if (!isLive(m)) continue;
      s.peers.push(m.id);
      if (m.kind === "observer") continue;
      s.helpers.push(m.id);
      if (m.cluster === this.cluster) s.sameCluster.push(m.id);
    }
    s.liveCount = s.peers.length + 1;
    this.sets = s;
    this.cachedVersion = table.version;
    return s;
  }
}

/** Up to `count` distinct items, uniformly, without copying a large list. */
export function sampleDistinct(
  rng: Rng,
  items: readonly string[],
  count: number,
  exclude?: string,
): string[] {
  const pool = exclude === undefined ? items.length : items.length - (items.includes(exclude) ? 1 : 0);
  const want = Math.min(count, pool);
  if (want <= 0) return [];
  if (want * 3 >= items.length) {
    return rng
      .shuffle(items)
      .filter((x) => x !== exclude)
      .slice(0, want);
  }
  const picked = new Set<string>();
  while (picked.size < want) {
    const x = items[rng.int(items.length)] as string;
    if (x !== exclude) picked.add(x);
  }
  return [...picked];
}
