// Address shapes the config accepts: bare IPs for binding, host:port for peers and listeners.
import { isIP } from "node:net";

export interface Endpoint {
  host: string;
  port: number;
}

const HOSTNAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isIpAddress(text: string): boolean {
  return isIP(text) !== 0;
}

/** 0.0.0.0 and :: mean "every interface": fine to bind, useless to tell peers. */
export function isWildcardIp(text: string): boolean {
  return text === "0.0.0.0" || text === "::";
}

/** "10.0.0.6:7946", "db1.example:7946" or "[fd00::6]:7946" → Endpoint; null when malformed. */
export function parseEndpoint(text: string): Endpoint | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const host = (m[1] ?? m[2]) as string;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  if (m[1] !== undefined ? isIP(host) !== 6 : !(isIP(host) === 4 || HOSTNAME_RE.test(host))) return null;
  return { host, port };
}

export function formatEndpoint(e: Endpoint): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
