// <dir>/sandbox.json: what a sandbox is, so later commands (and orphan sweeps) can find it.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { err, ok, type Result } from "../lib/result.ts";
import type { SandboxAgent } from "./agent-config.ts";
import {
  SANDBOX_STATE_FILE,
  type SandboxError,
  type SandboxInstance,
  type SandboxState,
} from "./sandbox-types.ts";

export function stateFileOf(dir: string): string {
  return join(resolve(dir), SANDBOX_STATE_FILE);
}

function isInstance(v: unknown): v is SandboxInstance {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.port === "number" &&
    typeof o.serverId === "number" &&
    typeof o.datadir === "string" &&
    typeof o.socket === "string" &&
    typeof o.pidFile === "string" &&
    typeof o.errorLog === "string" &&
    (o.sourcePort === null || typeof o.sourcePort === "number")
  );
}

function isAgent(v: unknown): v is SandboxAgent {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  const strings = ["nodeId", "dir", "configFile", "logFile"].every((k) => typeof o[k] === "string");
  const numbers = ["port", "gossipPort", "httpPort"].every((k) => typeof o[k] === "number");
  return strings && numbers && (o.pid === null || typeof o.pid === "number");
}

/** Parses sandbox.json text; every shape problem is reported as state-corrupt. */
export function parseSandboxState(text: string, path: string): Result<SandboxState, SandboxError> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return err({ code: "sandbox.state-corrupt", path, detail: `not JSON: ${(e as Error).message}` });
  }
  const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof o.dir !== "string") missing.push("dir");
  if (typeof o.basePort !== "number") missing.push("basePort");
  if (typeof o.ownerPid !== "number") missing.push("ownerPid");
  if (typeof o.mariadbd !== "string") missing.push("mariadbd");
  if (!Array.isArray(o.instances) || o.instances.length === 0 || !o.instances.every(isInstance))
    missing.push("instances");
  if (missing.length > 0)
    return err({
      code: "sandbox.state-corrupt",
      path,
      detail: `missing or malformed: ${missing.join(", ")}`,
    });
  return ok({
    dir: o.dir as string,
    basePort: o.basePort as number,
    instances: o.instances as SandboxInstance[],
    ownerPid: o.ownerPid as number,
    semiSync: o.semiSync === true,
    chained: o.chained === true,
    createdAtWallMs: typeof o.createdAtWallMs === "number" ? o.createdAtWallMs : 0,
    mariadbd: o.mariadbd as string,
    ...(Array.isArray(o.agents) && o.agents.every(isAgent) ? { agents: o.agents as SandboxAgent[] } : {}),
  });
}

export function readSandbox(dir: string): Result<SandboxState, SandboxError> {
  const path = stateFileOf(dir);
  if (!existsSync(path)) return err({ code: "sandbox.not-found", dir: resolve(dir) });
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path, detail: (e as Error).message });
  }
  return parseSandboxState(text, path);
}

/** Written via rename so a reader never sees half a file. */
export function writeSandbox(state: SandboxState): Result<void, SandboxError> {
  const path = stateFileOf(state.dir);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, path);
    return ok(undefined);
  } catch (e) {
    return err({ code: "sandbox.fs-failed", path, detail: (e as Error).message });
  }
}
