// Who replicates from whom, recovered from what each replica says its source is. A replica's
// channel names its source by the address it connects to, which may be the source's advertised
// key, the address its probe used, or its report_host/report_port; all three are matched.
import type { ReachableInstance } from "../../model/instance-state.ts";
import type { TopologyInstanceView } from "../../model/topology-view.ts";

export interface TopologyNode {
  view: TopologyInstanceView;
  children: TopologyNode[];
  /** Sources of further channels (multi-source): the node hangs under its first known source. */
  otherSources: string[];
  /** Channel sources that match no instance; a node whose only sources are unknown is a root. */
  unknownSources: string[];
  /** On the root chosen to break a replication ring: the ring member it replicates from. */
  coPrimaryOf: string | null;
}

export interface TopologyTree {
  roots: TopologyNode[];
}

/** A node with its depth, in the order lines are printed. */
export interface PlacedNode {
  node: TopologyNode;
  depth: number;
}

function normalizeAddress(host: string, port: number): string {
  return `${host.trim().toLowerCase()}:${port}`;
}

function normalizeKey(key: string): string {
  const colon = key.lastIndexOf(":");
  if (colon < 0) return key.trim().toLowerCase();
  return normalizeAddress(key.slice(0, colon), Number(key.slice(colon + 1)));
}

/** The probe that says where this instance sits: the current one, else the last successful one. */
export function knownState(view: TopologyInstanceView): ReachableInstance | null {
  if (view.instance?.reachable) return view.instance;
  return view.lastReachable;
}

function addressesOf(view: TopologyInstanceView): string[] {
  const out = [normalizeKey(view.key)];
  const inst = view.instance ?? view.lastReachable;
  if (inst) out.push(normalizeAddress(inst.key.host, inst.key.port));
  const known = knownState(view);
  if (known?.reportHost) out.push(normalizeAddress(known.reportHost, known.reportPort ?? known.key.port));
  return out;
}

/** Compares digit runs as numbers, so 10.0.0.9 sorts before 10.0.0.10 and db-9 before db-10. */
function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const numeric = i % 2 === 1;
    if (numeric && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Orders keys by host (naturally), then numerically by port. */
export function compareKeys(a: string, b: string): number {
  const ca = a.lastIndexOf(":");
  const cb = b.lastIndexOf(":");
  const byHost = naturalCompare(ca < 0 ? a : a.slice(0, ca), cb < 0 ? b : b.slice(0, cb));
  if (byHost !== 0) return byHost;
  return (Number(a.slice(ca + 1)) || 0) - (Number(b.slice(cb + 1)) || 0);
}

interface Links {
  parent: (number | null)[];
  others: string[][];
  unknown: string[][];
}

function resolveLinks(views: TopologyInstanceView[]): Links {
  const index = new Map<string, number>();
  views.forEach((v, i) => {
    for (const a of addressesOf(v)) if (!index.has(a)) index.set(a, i);
  });
  const links: Links = { parent: [], others: [], unknown: [] };
  views.forEach((v, i) => {
    let parent: number | null = null;
    const others: string[] = [];
    const unknown: string[] = [];
    for (const ch of knownState(v)?.channels ?? []) {
      if (ch.sourceHost === "") continue;
      const addr = `${ch.sourceHost}:${ch.sourcePort}`;
      const target = index.get(normalizeAddress(ch.sourceHost, ch.sourcePort));
      if (target === undefined) unknown.push(addr);
      else if (target === i) unknown.push(addr);
      else if (parent === null) parent = target;
      else others.push(views[target]?.key ?? addr);
    }
    links.parent.push(parent);
    links.others.push(others);
    links.unknown.push(unknown);
  });
  return links;
}

/** Which member of a ring becomes its root: the ledger primary, else a writable one, else the lowest key. */
function ringRoot(ring: number[], views: TopologyInstanceView[]): number {
  const rank = (i: number): number => {
    const v = views[i] as TopologyInstanceView;
    if (v.isLedgerPrimary) return 0;
    return knownState(v)?.readOnly === false ? 1 : 2;
  };
  return [...ring].sort((a, b) => {
    const d = rank(a) - rank(b);
    return d !== 0 ? d : compareKeys(views[a]?.key ?? "", views[b]?.key ?? "");
  })[0] as number;
}

/** Cuts one edge in every cycle of the parent graph; returns the ring roots and whom they replicate from. */
function breakCycles(parent: (number | null)[], views: TopologyInstanceView[]): Map<number, number> {
  const state = new Array<number>(parent.length).fill(0); // 0 new, 1 on current walk, 2 done
  const cut = new Map<number, number>();
  for (let start = 0; start < parent.length; start++) {
    const walk: number[] = [];
    let at: number | null = start;
    while (at !== null && state[at] === 0) {
      state[at] = 1;
      walk.push(at);
      at = parent[at] ?? null;
    }
    if (at !== null && state[at] === 1) {
      const ring = walk.slice(walk.indexOf(at));
      const root = ringRoot(ring, views);
      cut.set(root, parent[root] as number);
      parent[root] = null;
    }
    for (const i of walk) state[i] = 2;
  }
  return cut;
}

function rootOrder(a: TopologyNode, b: TopologyNode): number {
  const rank = (n: TopologyNode): number => {
    if (n.view.isLedgerPrimary) return 0;
    if (n.children.length > 0) return 1;
    return n.unknownSources.length > 0 ? 3 : 2;
  };
  const d = rank(a) - rank(b);
  return d !== 0 ? d : compareKeys(a.view.key, b.view.key);
}

/**
 * Builds the replication forest. Deterministic whatever the input order: duplicates of a key keep
 * the first occurrence after sorting by key, roots come ledger primary first, children by key.
 */
export function buildTopologyTree(instances: readonly TopologyInstanceView[]): TopologyTree {
  const seen = new Set<string>();
  const views = [...instances]
    .sort((a, b) => compareKeys(normalizeKey(a.key), normalizeKey(b.key)))
    .filter((v) => {
      const k = normalizeKey(v.key);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const links = resolveLinks(views);
  const cut = breakCycles(links.parent, views);
  const nodes: TopologyNode[] = views.map((view, i) => ({
    view,
    children: [],
    otherSources: links.others[i] ?? [],
    unknownSources: links.unknown[i] ?? [],
    coPrimaryOf: cut.has(i) ? (views[cut.get(i) as number]?.key ?? null) : null,
  }));
  const roots: TopologyNode[] = [];
  nodes.forEach((node, i) => {
    const p = links.parent[i];
    if (p === null || p === undefined) roots.push(node);
    else nodes[p]?.children.push(node);
  });
  for (const n of nodes) n.children.sort((a, b) => compareKeys(a.view.key, b.view.key));
  roots.sort(rootOrder);
  return { roots };
}

/** Pre-order walk: each node followed by its subtree, as the topology is printed. */
export function placeNodes(tree: TopologyTree): PlacedNode[] {
  const out: PlacedNode[] = [];
  const visit = (node: TopologyNode, depth: number): void => {
    out.push({ node, depth });
    for (const c of node.children) visit(c, depth + 1);
  };
  for (const r of tree.roots) visit(r, 0);
  return out;
}
