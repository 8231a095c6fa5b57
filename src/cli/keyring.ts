// `keel keyring list|generate|install|use|remove`: key rotation without downtime, acting on the
// config (or its keyring_file). Keys never appear on a command line or in output: they move
// through 0600 files, and listings show key ids and fingerprints only.
// Rotation: generate → install on every agent → use on every agent → remove the old key everywhere.
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import type { Config } from "../config/config.ts";
import { replaceConfigFile, writeNewConfigFile } from "../config/write-config.ts";
import { err, ok, type Result } from "../lib/result.ts";
import {
  decodeKey,
  describeKeyring,
  generateKey,
  installKey,
  type KeyringConfig,
  keyIdHex,
  keyIdOf,
  removeKey,
  useKey,
} from "../net/keyring.ts";
import {
  type CodedError,
  type CommandIo,
  type CommandOutcome,
  defineCommand,
  type KeelCommandGroup,
  success,
} from "./command.ts";
import { loadConfigForCommand, withConfigOption } from "./config-option.ts";
import type { KeyringCliError } from "./messages/keyring.ts";

function plainKeyring(config: Config): KeyringConfig {
  return { primary: config.keyring.primary.reveal(), keys: config.keyring.keys.map((k) => k.reveal()) };
}

function findKeyById(ring: KeyringConfig, id: string): Result<string, KeyringCliError> {
  const wanted = id.toLowerCase().startsWith("0x") ? id.toLowerCase() : `0x${id.toLowerCase()}`;
  for (const k of [ring.primary, ...ring.keys]) {
    const bytes = decodeKey(k, "key");
    if (bytes.ok && keyIdHex(keyIdOf(bytes.value)) === wanted) return ok(k);
  }
  return err({ code: "keyring.no-such-key", keyId: id });
}

/** Writes the new keyring where the old one came from: keyring_file, or keel.json inline. */
function saveKeyring(config: Config, next: KeyringConfig): Result<string, CodedError> {
  const target = config.keyring.file ?? config.sourcePath;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(target, "utf8")) as Record<string, unknown>;
  } catch (e) {
    return err({ code: "keyring.unreadable", file: target, detail: String((e as Error).message) });
  }
  const ring = { primary: next.primary, keys: [...next.keys] };
  const updated = config.keyring.file ? ring : { ...doc, keyring: ring };
  const written = replaceConfigFile(target, `${JSON.stringify(updated, null, 2)}\n`);
  return written.ok ? ok(target) : written;
}

function readKeyFile(path: string): Result<string, KeyringCliError> {
  try {
    const text = path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
    return ok(text.trim());
  } catch (e) {
    return err({ code: "keyring.unreadable", file: path, detail: String((e as NodeJS.ErrnoException).code) });
  }
}

async function applyChange(
  args: { config?: string },
  io: CommandIo,
  verb: string,
  change: (ring: KeyringConfig) => Result<KeyringConfig, CodedError>,
): Promise<CommandOutcome> {
  const loaded = loadConfigForCommand(args, io);
  if (!loaded.ok) return loaded.error;
  const next = change(plainKeyring(loaded.value));
  if (!next.ok) return { error: next.error };
  const saved = saveKeyring(loaded.value, next.value);
  if (!saved.ok) return { error: saved.error };
  const listed = describeKeyring(next.value);
  io.out(`${verb}; wrote ${saved.value}`);
  if (listed.ok)
    for (const d of listed.value) io.out(`  ${d.keyIdHex} ${d.fingerprint}${d.primary ? " primary" : ""}`);
  io.out("the agent picks the change up on restart (systemctl restart keel-agent)");
  return success;
}

function keyIdArg(y: Argv) {
  return withConfigOption(y).positional("key-id", {
    type: "string",
    demandOption: true,
    describe: "Key id from 'keel keyring list', e.g. 0x3a",
  });
}

const listCommand = defineCommand({
  command: "list",
  describe: "Show installed key ids and fingerprints (never the keys)",
  builder: (y) => withConfigOption(y).option("json", { type: "boolean", default: false }),
  async run(args, io) {
    const loaded = loadConfigForCommand(args, io);
    if (!loaded.ok) return loaded.error;
    const listed = describeKeyring(plainKeyring(loaded.value));
    if (!listed.ok) return { error: listed.error };
    if (args.json) io.out(JSON.stringify(listed.value));
    else for (const d of listed.value) io.out(`${d.keyIdHex} ${d.fingerprint}${d.primary ? " primary" : ""}`);
    return success;
  },
});

const generateCommand = defineCommand({
  command: "generate",
  describe: "Write a fresh random key to a new 0600 file",
  builder: (y) =>
    y.option("out", { type: "string", demandOption: true, requiresArg: true, describe: "File to create" }),
  async run(args, io) {
    const key = generateKey();
    const written = writeNewConfigFile(args.out, `${key}\n`);
    if (!written.ok) return { error: written.error };
    const id = decodeKey(key, "new key");
    const idText = id.ok ? `${keyIdHex(keyIdOf(id.value))} ` : "";
    io.out(
      `wrote a new key ${idText}to ${args.out} (0600); next: keel keyring install --key-file ${args.out}`,
    );
    return success;
  },
});

const installCommand = defineCommand({
  command: "install",
  describe: "Install a key (datagrams are still sealed with the current primary)",
  builder: (y) =>
    withConfigOption(y).option("key-file", {
      type: "string",
      demandOption: true,
      requiresArg: true,
      describe: "File holding the base64 key ('-' for stdin)",
    }),
  run: (args, io) =>
    applyChange(args, io, "installed", (ring) => {
      const key = readKeyFile(args.keyFile);
      return key.ok ? installKey(ring, key.value) : key;
    }),
});

const useCommand = defineCommand({
  command: "use <key-id>",
  describe: "Seal with this installed key from now on",
  builder: keyIdArg,
  run: (args, io) =>
    applyChange(args, io, "primary changed", (ring) => {
      const key = findKeyById(ring, args.keyId);
      return key.ok ? useKey(ring, key.value) : key;
    }),
});

const removeCommand = defineCommand({
  command: "remove <key-id>",
  describe: "Uninstall a key that is not the primary",
  builder: keyIdArg,
  run: (args, io) =>
    applyChange(args, io, "removed", (ring) => {
      const key = findKeyById(ring, args.keyId);
      return key.ok ? removeKey(ring, key.value) : key;
    }),
});

export const keyringCommand: KeelCommandGroup = {
  command: "keyring",
  describe: "Gossip key rotation: list, generate, install, use, remove",
  subcommands: [listCommand, generateCommand, installCommand, useCommand, removeCommand],
};
