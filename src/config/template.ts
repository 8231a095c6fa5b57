// The keel.json `keel init` writes: every key at its default, so the file documents itself, plus a
// fresh keyring. It must pass validation exactly as written (tested).
import { KEEL_CONFIG_SPEC } from "./schema.ts";
import type { AnySpec } from "./spec.ts";

export interface TemplateOptions {
  cluster?: string;
  nodeId?: string;
}

/** An object spec's keys at their defaults; nullable objects (like mysql) are expanded too. */
function defaultsOf(spec: AnySpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(spec.children ?? {})) {
    const presence = child.presence;
    if (presence.required) continue;
    out[key] = child.children && presence.value === null ? defaultsOf(child) : presence.value;
  }
  return out;
}

/** keel.json text for a first node: gossip on loopback until edited, the given key as the only key. */
export function configTemplate(randomKeyB64: string, options: TemplateOptions = {}): string {
  const defaults = defaultsOf(KEEL_CONFIG_SPEC);
  const template = {
    cluster: options.cluster ?? "main",
    node_id: options.nodeId ?? "db1",
    ...defaults,
    // Loopback keeps a fresh node valid and private; next steps say to set the real address.
    gossip: { ...(defaults.gossip as object), bind: "127.0.0.1" },
    keyring: { primary: randomKeyB64, keys: [randomKeyB64] },
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}
