// Structured logs: one line per event, JSON by default (for journald and log shippers), logfmt
// when a person watches stderr on a terminal. Every line passes through redact(), so a password
// handed over as a field by mistake prints as [redacted]. Clock and sink are injected.
import type { LogFormat, LogLevel } from "../config/config.ts";
import { type JsonValue, redactFields } from "./redact.ts";

export type { LogFormat, LogLevel };

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(["ts", "level", "msg"]);

export type LogFields = Readonly<Record<string, unknown>>;

export interface LogSink {
  /** Receives one complete line, without the trailing newline. */
  write(line: string): void;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (the child's own fields win on a clash). */
  child(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Whether stderr is a terminal; decides "auto". */
  isTty: boolean;
  sink: LogSink;
  nowWallMs: () => number;
  fields?: LogFields;
}

/** "auto" means logfmt on a terminal, JSON otherwise. */
export function resolveLogFormat(format: LogFormat, isTty: boolean): "json" | "logfmt" {
  return format === "auto" ? (isTty ? "logfmt" : "json") : format;
}

function logfmtKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_.\-/]/g, "_") || "_";
}

function logfmtValue(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = typeof v === "string" ? v : JSON.stringify(v);
  // Quote anything a logfmt reader would split on; JSON quoting also escapes newlines, so a
  // hostile value can never start a forged line.
  return s !== "" && /^[^\s="\\\p{Cc}]+$/u.test(s) ? s : JSON.stringify(s);
}

function flatten(prefix: string, v: JsonValue, out: string[]): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) {
    for (const [k, child] of Object.entries(v)) flatten(`${prefix}.${k}`, child, out);
  } else out.push(`${logfmtKey(prefix)}=${logfmtValue(v)}`);
}

function formatLine(
  format: "json" | "logfmt",
  head: Record<string, string>,
  fields: Record<string, JsonValue>,
): string {
  const body: Record<string, JsonValue> = { ...head };
  for (const [k, v] of Object.entries(fields)) body[RESERVED.has(k) ? `field.${k}` : k] = v;
  if (format === "json") return JSON.stringify(body);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(body)) flatten(k, v, parts);
  return parts.join(" ");
}

export function createLogger(opts: LoggerOptions): Logger {
  const format = opts.format === "auto" ? resolveLogFormat("auto", opts.isTty) : opts.format;
  const threshold = LEVEL_ORDER[opts.level];
  const bound = opts.fields ?? {};
  const enabled = (level: LogLevel) => LEVEL_ORDER[level] >= threshold;
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (!enabled(level)) return;
    const ts = new Date(opts.nowWallMs()).toISOString();
    const line = formatLine(format, { ts, level, msg }, redactFields({ ...bound, ...fields }));
    try {
      opts.sink.write(line);
    } catch {
      // A logger must never take the agent down (EPIPE on a closed stderr, a full disk).
    }
  };
  return {
    debug: (msg, fields) => log("debug", msg, fields),
    info: (msg, fields) => log("info", msg, fields),
    warn: (msg, fields) => log("warn", msg, fields),
    error: (msg, fields) => log("error", msg, fields),
    child: (fields) => createLogger({ ...opts, fields: { ...bound, ...fields } }),
    enabled,
  };
}

/** Writes lines to stderr: where an agent's logs go by default (journald picks them up). */
export const stderrSink: LogSink = {
  write(line) {
    process.stderr.write(`${line}\n`);
  },
};
