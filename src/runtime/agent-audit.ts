// The agent's audit log (raft.data_dir/<cluster>/audit.log): every change keel makes to a server
// and every recovery step, on this host's disk. A log that can't be opened is said once, loudly;
// the parts then only log.
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { type AuditLog, openAuditLog } from "../obs/audit-log.ts";
import type { Logger } from "../obs/logger.ts";
import type { RuntimeClock } from "./clock.ts";

export interface AgentAudit {
  log: AuditLog | null;
  append(kind: string, data: unknown): void;
}

/** `what` names the records that fall back to the log alone ("reconcile actions", "recovery steps"). */
export function openAgentAudit(
  config: Config,
  clock: RuntimeClock,
  logger: Logger,
  what: string,
): AgentAudit {
  const opened = openAuditLog(join(config.raft.dataDir, config.cluster, "audit.log"));
  if (!opened.ok) logger.error(`audit log unavailable; ${what} are only logged`, { ...opened.error });
  const log = opened.ok ? opened.value : null;
  return {
    log,
    append: (kind, data) => {
      const r = log?.append({ atWallMs: clock.wallMs(), cluster: config.cluster, kind, data });
      if (r && !r.ok) logger.error("audit append failed", { ...r.error });
    },
  };
}
