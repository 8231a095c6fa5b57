// Everything keel knows about one instance, for the detail view (Enter): every probe field, the
// GTID sets wrapped at their commas, each channel's last IO/SQL error, semi-sync, downtime.
import { orchestratorName } from "../../model/analysis-code.ts";
import {
  formatInstanceKey,
  type ReachableInstance,
  type ReplicationChannel,
  type SemiSyncState,
  type UnreachableInstance,
} from "../../model/instance-state.ts";
import type { TopologyInstanceView } from "../../model/topology-view.ts";
import { type Line, LineBuilder, type Style, truncateLine, wrapText } from "./line.ts";
import { formatAge, formatClock } from "./time-text.ts";

export interface InstanceDetailOptions {
  width: number;
}

const LABEL_COLUMN = 22;

/** Builds label/value rows, wrapping long values under their own column. */
class DetailWriter {
  readonly lines: Line[] = [];
  constructor(private readonly width: number) {}

  section(title: string): void {
    if (this.lines.length > 0) this.lines.push({ text: "", spans: [] });
    this.lines.push(truncateLine(new LineBuilder().add(title, "heading").build(), this.width));
  }

  field(label: string, value: string, style?: Style, breakAfter = " "): void {
    const shown = value === "" ? "(empty)" : value;
    const valueStyle = value === "" ? "muted" : style;
    const narrow = this.width - LABEL_COLUMN < 16;
    const indent = narrow ? 4 : LABEL_COLUMN;
    const head = new LineBuilder().add("  ").cell(label, LABEL_COLUMN - 2, "muted");
    const wrapped = wrapText(shown, this.width - indent, "", breakAfter);
    if (narrow) {
      this.lines.push(truncateLine(head.build(), this.width));
    } else {
      head.add(wrapped.shift() ?? "", valueStyle);
      this.lines.push(truncateLine(head.build(), this.width));
    }
    for (const w of wrapped) {
      this.lines.push(
        truncateLine(new LineBuilder().add(" ".repeat(indent)).add(w, valueStyle).build(), this.width),
      );
    }
  }

  gtid(label: string, value: string, style?: Style): void {
    this.field(label, value, style, ",");
  }
}

function yesNo(v: boolean | null): string {
  return v === null ? "n/a" : v ? "yes" : "no";
}

function agentSection(w: DetailWriter, v: TopologyInstanceView): void {
  w.section(`instance ${v.key}`);
  w.field("node id", v.nodeId ?? "(no agent)", v.nodeId ? undefined : "warn");
  w.field("agent", v.agentStatus, v.agentStatus === "alive" ? "ok" : "error");
  w.field("state age", formatAge(v.stateAgeMs, true));
  w.field("datacenter", v.datacenter);
  w.field("promotion rule", v.promotionRule);
  w.field("ledger primary", yesNo(v.isLedgerPrimary), v.isLedgerPrimary ? "primary" : undefined);
  if (v.downtime) {
    w.field("downtimed until", `${formatClock(v.downtime.untilWallMs)} UTC`, "downtimed");
    w.field("downtime owner", v.downtime.owner);
    w.field("downtime reason", v.downtime.reason);
  } else {
    w.field("downtime", "none");
  }
  const problems = v.analysis.filter((a) => a !== "NoProblem").map(orchestratorName);
  w.field("problems", problems.length === 0 ? "none" : problems.join(", "), problems.length ? "error" : "ok");
}

function unreachableSection(w: DetailWriter, u: UnreachableInstance): void {
  w.section("probe: UNREACHABLE");
  w.field("probed address", formatInstanceKey(u.key));
  w.field("reason", u.reason, "error");
  w.field("error code", u.errorCode, "error");
  w.field("message", u.message, "error");
  w.field("probed at", `${formatClock(u.probedAtWallMs)} UTC`);
  w.field("probe latency", `${u.probeLatencyMs} ms`);
}

function serverSection(w: DetailWriter, i: ReachableInstance, title: string): void {
  w.section(title);
  w.field("probed address", formatInstanceKey(i.key));
  w.field("flavor", i.flavor);
  w.field("version", i.version);
  w.field("version comment", i.versionComment);
  w.field("server id", String(i.serverId));
  w.field("server uuid", i.serverUuid ?? "n/a");
  const report = i.reportHost === null ? "not set" : `${i.reportHost}:${i.reportPort ?? i.key.port}`;
  w.field("report host", report);
  w.field("read_only", yesNo(i.readOnly));
  w.field("super_read_only", yesNo(i.superReadOnly));
  w.field("log_bin", yesNo(i.logBin));
  w.field("log_slave_updates", yesNo(i.logReplicaUpdates));
  w.field("binlog_format", i.binlogFormat);
  w.field("binlog position", i.binlog ? `${i.binlog.file}:${i.binlog.position}` : "binary log off");
  w.field("probed at", `${formatClock(i.probedAtWallMs)} UTC`);
  w.field("probe latency", `${i.probeLatencyMs} ms`);
}

function gtidSection(w: DetailWriter, i: ReachableInstance, errant: string | null): void {
  w.section("GTID");
  w.field("gtid_mode", i.gtidMode);
  w.gtid(i.flavor === "mariadb" ? "gtid_binlog_pos" : "gtid_executed", i.gtidExecuted);
  if (i.mariadbGtid) {
    w.gtid("gtid_current_pos", i.mariadbGtid.currentPos);
    w.gtid("gtid_slave_pos", i.mariadbGtid.slavePos);
    w.field("gtid_strict_mode", yesNo(i.mariadbGtid.strictMode));
    w.field("gtid_domain_id", String(i.mariadbGtid.domainId));
  }
  const hasErrant = errant !== null && errant.trim() !== "";
  w.gtid("errant GTIDs", hasErrant ? errant : "none", hasErrant ? "error" : "ok");
}

function semiSyncSection(w: DetailWriter, s: SemiSyncState): void {
  w.section("semi-sync");
  if (!s.available) {
    w.field("available", "no");
    return;
  }
  w.field("source", `enabled ${yesNo(s.sourceEnabled)}, active ${yesNo(s.sourceActive)}`);
  w.field(
    "source clients",
    `${s.sourceClients} of ${s.waitForReplicaCount} awaited`,
    s.sourceActive && s.sourceClients < s.waitForReplicaCount ? "error" : undefined,
  );
  w.field("source timeout", s.sourceTimeoutMs === null ? "n/a" : `${s.sourceTimeoutMs} ms`);
  w.field("replica", `enabled ${yesNo(s.replicaEnabled)}, active ${yesNo(s.replicaActive)}`);
}

function errorText(errno: number, text: string): string {
  return errno === 0 && text === "" ? "none" : `${errno}: ${text}`;
}

function channelSection(w: DetailWriter, c: ReplicationChannel): void {
  w.section(`replication channel ${c.name === "" ? "(default)" : `'${c.name}'`}`);
  w.field("source", `${c.sourceHost}:${c.sourcePort} (server id ${c.sourceServerId})`);
  w.field("IO thread", c.ioState, c.ioState === "yes" ? "ok" : "error");
  w.field("SQL thread", c.sqlRunning ? "yes" : "no", c.sqlRunning ? "ok" : "error");
  w.field("seconds behind", c.secondsBehind === null ? "null" : `${c.secondsBehind}s`);
  w.field("SQL delay", `${c.sqlDelaySeconds}s`);
  w.field("auto position", yesNo(c.gtidAutoPosition));
  if (c.mariadbUsingGtid !== null) w.field("Using_Gtid", c.mariadbUsingGtid);
  w.field("read position", `${c.sourceLogFile}:${c.readSourceLogPos}`);
  w.field("exec position", `${c.relaySourceLogFile}:${c.execSourceLogPos}`);
  w.gtid("retrieved GTIDs", c.retrievedGtidSet);
  w.gtid("executed GTIDs", c.executedGtidSet);
  w.field("last IO error", errorText(c.lastIoErrno, c.lastIoError), c.lastIoErrno ? "error" : "ok");
  w.field("last SQL error", errorText(c.lastSqlErrno, c.lastSqlError), c.lastSqlErrno ? "error" : "ok");
  w.field("heartbeat period", c.heartbeatPeriodSeconds === null ? "n/a" : `${c.heartbeatPeriodSeconds}s`);
  w.field("connect retry", c.connectRetrySeconds === null ? "n/a" : `${c.connectRetrySeconds}s`);
}

function reachableSections(
  w: DetailWriter,
  i: ReachableInstance,
  v: TopologyInstanceView,
  title: string,
): void {
  serverSection(w, i, title);
  gtidSection(w, i, v.errantGtids);
  semiSyncSection(w, i.semiSync);
  if (i.channels.length === 0) {
    w.section("replication");
    w.field("channels", "none (replicates from nobody)");
  }
  for (const c of i.channels) channelSection(w, c);
}

export function renderInstanceDetail(v: TopologyInstanceView, opts: InstanceDetailOptions): Line[] {
  const w = new DetailWriter(opts.width);
  agentSection(w, v);
  const cur = v.instance;
  if (cur === null) {
    w.section("probe");
    w.field("state", "no probe received yet", "stale");
  } else if (cur.reachable) {
    reachableSections(w, cur, v, "server");
  } else {
    unreachableSection(w, cur);
    if (v.lastReachable)
      reachableSections(
        w,
        v.lastReachable,
        v,
        `last successful probe, ${formatClock(v.lastReachable.probedAtWallMs)} UTC`,
      );
  }
  return w.lines;
}
