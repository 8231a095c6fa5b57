// The cluster's Raft group at a glance: quorum OK or LOST, the term and leader, and for each member
// when the leader last heard from it and how far its log is.
import { CONSOLE_CONTACT_WARN_MS } from "../../lib/limits.ts";
import type { QuorumMemberView, QuorumView } from "../../model/topology-view.ts";
import { type Line, LineBuilder, padText, truncateLine } from "./line.ts";
import { formatAge } from "./time-text.ts";

export interface QuorumPanelOptions {
  width: number;
  /** Members silent for longer than this are highlighted. */
  contactWarnMs?: number;
}

function inContact(m: QuorumMemberView, leader: string | null, warnMs: number): boolean {
  if (m.nodeId === leader) return true;
  return m.lastContactAgeMs !== null && m.lastContactAgeMs <= warnMs;
}

function summaryLine(q: QuorumView, warnMs: number, width: number): Line {
  const voters = q.members.filter((m) => m.voter);
  const reached = voters.filter((m) => inContact(m, q.leader, warnMs)).length;
  const b = new LineBuilder().add("quorum ", "heading");
  b.add(q.quorumOk ? "OK" : "LOST", q.quorumOk ? "ok" : "error");
  b.add(`  term ${q.term}  leader `).add(q.leader ?? "none", q.leader ? "primary" : "error");
  b.add("  voters up ").add(`${reached}/${voters.length}`, reached * 2 > voters.length ? undefined : "error");
  b.add(`  commit ${q.commitIndex} applied `);
  b.add(String(q.appliedIndex), q.appliedIndex < q.commitIndex ? "warn" : undefined);
  return truncateLine(b.build(), width);
}

const NODE_COLUMN = 16;
const ROLE_COLUMN = 13;
const KIND_COLUMN = 10;
const CONTACT_COLUMN = 8;

function memberLine(m: QuorumMemberView, q: QuorumView, warnMs: number, width: number): Line {
  const isLeader = m.nodeId === q.leader;
  const b = new LineBuilder().add(isLeader ? "* " : "  ");
  b.cell(m.nodeId, NODE_COLUMN, isLeader ? "primary" : undefined).add(" ");
  b.cell(m.role, ROLE_COLUMN, m.role === "unknown" ? "muted" : undefined).add(" ");
  const kind = m.witness ? "witness" : m.voter ? "voter" : "non-voter";
  b.cell(kind, KIND_COLUMN, m.witness ? "muted" : undefined).add(" ");
  const contact = isLeader || m.lastContactAgeMs === null ? "-" : formatAge(m.lastContactAgeMs, true);
  const silent = !isLeader && !inContact(m, q.leader, warnMs);
  b.cell(contact, CONTACT_COLUMN, silent ? "error" : undefined).add(" ");
  const match = m.matchIndex === null ? "-" : String(m.matchIndex);
  const behind = m.matchIndex !== null && m.matchIndex < q.commitIndex;
  b.add(match, behind ? "warn" : undefined);
  return truncateLine(b.build(), width);
}

export function renderQuorumPanel(q: QuorumView | null, opts: QuorumPanelOptions): Line[] {
  const warnMs = opts.contactWarnMs ?? CONSOLE_CONTACT_WARN_MS;
  if (q === null)
    return [
      truncateLine(
        new LineBuilder().add("quorum unknown: no word from the Raft group yet", "muted").build(),
        opts.width,
      ),
    ];
  const header = [
    "  " + padText("MEMBER", NODE_COLUMN),
    padText("ROLE", ROLE_COLUMN),
    padText("KIND", KIND_COLUMN),
    padText("CONTACT", CONTACT_COLUMN),
    "MATCH",
  ].join(" ");
  const lines = [
    summaryLine(q, warnMs, opts.width),
    truncateLine(new LineBuilder().add(header, "heading").build(), opts.width),
  ];
  const members = [...q.members].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  for (const m of members) lines.push(memberLine(m, q, warnMs, opts.width));
  return lines;
}
