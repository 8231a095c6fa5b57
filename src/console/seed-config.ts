// `keel console --seed host:port --key-file F` on a machine with no keel.json: a throwaway witness
// config, validated by the ordinary config loader (so the key file gets the same checks), whose
// only use is to join the gossip as an observer through that seed.
import { createSocket } from "node:dgram";
import { resolve } from "node:path";
import { parseEndpoint } from "../config/addresses.ts";
import type { Config } from "../config/config.ts";
import { type ConfigFs, diskConfigFs } from "../config/config-fs.ts";
import type { ConfigIssue } from "../config/issues.ts";
import { loadConfig } from "../config/load.ts";
import { err, type Result } from "../lib/result.ts";

export const SEED_CONFIG_PATH = "/keel-console/--seed.json";

export type SeedConfigError = { code: "console.bad-seed"; seed: string };

/** The local address the kernel would use toward `host`: the one the seed can answer to. */
export async function localAddressToward(host: string, port: number): Promise<string> {
  const family = host.includes(":") ? "udp6" : "udp4";
  const socket = createSocket(family);
  try {
    await new Promise<void>((done, fail) => {
      socket.once("error", fail);
      socket.connect(port, host, () => done());
    });
    return socket.address().address;
  } catch {
    return family === "udp6" ? "::1" : "127.0.0.1";
  } finally {
    socket.close();
  }
}

export async function seedConfig(
  seed: string,
  keyFile: string,
  env: Record<string, string | undefined>,
): Promise<Result<Config, SeedConfigError | ConfigIssue[]>> {
  const endpoint = parseEndpoint(seed);
  if (endpoint === null) return err({ code: "console.bad-seed", seed });
  const bind = await localAddressToward(endpoint.host, endpoint.port);
  const text = JSON.stringify({
    cluster: "keel-console",
    node_id: "keel-console",
    witness: true,
    gossip: { bind, seeds: [seed] },
    keyring_file: resolve(keyFile),
    replication: { password: null },
    http: { listen: null },
  });
  const fs: ConfigFs = {
    read: (path, maxBytes) =>
      path === SEED_CONFIG_PATH
        ? { ok: true, value: { text, mode: 0o600 } }
        : diskConfigFs.read(path, maxBytes),
  };
  const loaded = loadConfig(SEED_CONFIG_PATH, env, fs);
  return loaded.ok ? { ok: true, value: loaded.value.config } : loaded;
}
