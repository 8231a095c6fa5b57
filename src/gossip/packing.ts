// Filling datagrams: greedy packing of updates and sync entries under the message byte budget.
import { GOSSIP_MESSAGE_BYTES_MAX, GOSSIP_PIGGYBACK_MAX } from "../lib/limits.ts";
import type { GossipPushMessage, GossipUpdate, SyncEntry, SyncMessage } from "./messages.ts";
import { msgpackSize } from "./wire-size.ts";

/** Array headers grow from 1 to 3 bytes past 15 items; budget for the larger one up front. */
const ARRAY_HEADER_SLACK = 2;

/** Bytes left for piggybacked updates once `base` (with an empty `updates`) is encoded. */
export function piggybackBudget(base: object): number {
  return GOSSIP_MESSAGE_BYTES_MAX - msgpackSize(base) - ARRAY_HEADER_SLACK;
}

/** Splits updates into as few gossip messages as fit the budget, in order. */
export function packUpdates(updates: readonly GossipUpdate[]): GossipPushMessage[] {
  const budget = piggybackBudget({ type: "gossip", updates: [] });
  const out: GossipPushMessage[] = [];
  let current: GossipUpdate[] = [];
  let used = 0;
  for (const u of updates) {
    const size = msgpackSize(u);
    if (current.length > 0 && (used + size > budget || current.length >= GOSSIP_PIGGYBACK_MAX)) {
      out.push({ type: "gossip", updates: current });
      current = [];
      used = 0;
    }
    if (size > budget) continue;
    current.push(u);
    used += size;
  }
  if (current.length > 0) out.push({ type: "gossip", updates: current });
  return out;
}

/** Splits sync entries into at most `pagesMax` pages; entries that don't fit are left out. */
export function packSyncPages(
  entries: readonly SyncEntry[],
  wantReply: boolean,
  pagesMax: number,
): SyncMessage[] {
  const budget = piggybackBudget({ type: "sync", wantReply, entries: [] });
  const out: SyncMessage[] = [];
  let current: SyncEntry[] = [];
  let used = 0;
  for (const e of entries) {
    const size = msgpackSize(e);
    if (size > budget) continue;
    if (used + size > budget) {
      out.push({ type: "sync", wantReply, entries: current });
      if (out.length >= pagesMax) return out;
      current = [];
      used = 0;
    }
    current.push(e);
    used += size;
  }
  if (current.length > 0 && out.length < pagesMax) out.push({ type: "sync", wantReply, entries: current });
  return out;
}
