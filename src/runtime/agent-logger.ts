// The agent's log lines: membership changes and dropped datagrams. Probe state changes are
// logged by agent-publisher.ts. Drops are rate-limited per reason (DropLogLimiter): a flood of
// forged datagrams is counted in /metrics, not written line by line.
import type { Config } from "../config/config.ts";
import type { GossipEvent } from "../gossip/events.ts";
import { DropLogLimiter } from "../net/drop-log-limiter.ts";
import { createLogger, type Logger, stderrSink } from "../obs/logger.ts";
import type { DropNotice } from "./channels.ts";
import type { RuntimeClock } from "./clock.ts";

export function createAgentLogger(config: Config, clock: RuntimeClock): Logger {
  return createLogger({
    level: config.log.level,
    format: config.log.format,
    isTty: Boolean(process.stderr.isTTY),
    sink: stderrSink,
    nowWallMs: () => clock.wallMs(),
  });
}

export function logGossipEvent(logger: Logger, e: GossipEvent): void {
  switch (e.type) {
    case "member-joined":
      logger.info("member joined", { member: e.id, kind: e.kind, cluster: e.cluster });
      return;
    case "member-alive":
      logger.info("member alive", { member: e.id, incarnation: e.incarnation });
      return;
    case "member-suspected":
      logger.warn("member suspected", { member: e.id, by: e.by });
      return;
    case "member-dead":
      logger.warn("member dead", { member: e.id, by: e.by });
      return;
    case "member-left":
      logger.info("member left", { member: e.id });
      return;
    case "member-refused":
      logger.warn("member refused: membership table full", { member: e.id });
      return;
    case "self-refuted":
      logger.warn("suspected by a peer; refuted", { incarnation: e.incarnation, accusedBy: e.accusedBy });
      return;
    case "member-reclaimed":
      logger.debug("member forgotten", { member: e.id });
      return;
    case "record-updated":
      logger.debug("record updated", { member: e.id, version: e.version });
      return;
  }
}

/** A drop logger with its own limiter: at most a few lines per reason per window. */
export function createDropLogger(logger: Logger): (notice: DropNotice, nowMs: number) => void {
  const limiter = new DropLogLimiter();
  return (notice, nowMs) => {
    // Channel-level drops are bad bodies one layer up; they share that reason's log budget.
    const decision = limiter.decide(notice.layer === "envelope" ? notice.reason : "bad-body", nowMs);
    if (!decision.log) return;
    const suppressed = decision.suppressedBefore > 0 ? { suppressedBefore: decision.suppressedBefore } : {};
    if (notice.layer === "envelope")
      logger.warn("datagram dropped", {
        layer: "envelope",
        reason: notice.reason,
        from: notice.from,
        ...suppressed,
      });
    else
      logger.warn("message dropped", {
        layer: "channel",
        reason: notice.reason,
        peer: notice.peer,
        channel: notice.channel,
        detail: notice.detail,
        ...suppressed,
      });
  };
}
