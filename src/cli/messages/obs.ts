// Words for the obs module's error codes (HTTP endpoint, audit file): problem and fix.
import type { ObsError } from "../../obs/obs-error.ts";
import { defineMessages } from "./define.ts";

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export const obsMessages = defineMessages<ObsError>({
  "obs.bind-failed": (e) => ({
    problem: `cannot listen for HTTP on ${hostPort(e.host, e.port)} (${e.detail})`,
    fix:
      e.detail === "EADDRINUSE"
        ? `another process uses port ${e.port} (see 'ss -ltnp sport = :${e.port}'); stop it or choose another port`
        : `check that ${e.host} is an address of this host ('ip -br addr'), or listen on 127.0.0.1`,
  }),
  "obs.audit-open-failed": (e) => ({
    problem: `cannot open the audit log ${e.path} (${e.detail})`,
    fix: "check that its directory exists and is writable by the keel user",
  }),
  "obs.audit-write-failed": (e) => ({
    problem: `cannot append to the audit log ${e.path} (${e.detail})`,
    fix: "check free space and permissions on that filesystem",
  }),
  "obs.audit-record-too-large": (e) => ({
    problem: `an audit record of ${e.sizeBytes} bytes for ${e.path} exceeds the ${e.limitBytes}-byte limit and was not written`,
    fix: "report this as a keel bug: audit records should carry summaries, not bulk data",
  }),
  "obs.audit-read-failed": (e) => ({
    problem: `cannot read the audit log ${e.path} (${e.detail})`,
    fix: "check the path and that you may read it (it is mode 0600; use sudo or the keel user)",
  }),
});
