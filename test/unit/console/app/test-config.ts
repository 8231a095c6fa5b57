// The agent config the console's action tests act through: cluster main, HTTP on 127.0.0.1:31999
// (never bound: the tests hand the API client a fake fetch).
import type { Config } from "../../../../src/config/config.ts";
import { loadConfig } from "../../../../src/config/load.ts";
import { KEY_A } from "../../config/helpers.ts";

export function testConfig(): Config {
  const text = JSON.stringify({
    cluster: "main",
    node_id: "db1",
    gossip: { bind: "127.0.0.1" },
    keyring: { primary: KEY_A, keys: [KEY_A] },
    mysql: { user: "keel", password: "pw" },
    http: { listen: "127.0.0.1:31999" },
  });
  const r = loadConfig(
    "/etc/keel/keel.json",
    {},
    { read: () => ({ ok: true, value: { text, mode: 0o600 } }) },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.config;
}
