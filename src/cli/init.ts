// `keel init`: writes a starting keel.json with a fresh gossip key. Never overwrites.
import { resolveConfigPath } from "../config/load.ts";
import { configTemplate } from "../config/template.ts";
import { parseConfig } from "../config/validate.ts";
import { writeNewConfigFile } from "../config/write-config.ts";
import { generateKey } from "../net/keyring.ts";
import { defineCommand, success } from "./command.ts";
import { reportConfigIssues, withConfigOption } from "./config-option.ts";

function nextSteps(path: string): string[] {
  return [
    "next steps:",
    `  1. edit ${path}: set gossip.bind (and advertise) to this host's address, list the other agents in gossip.seeds`,
    "  2. give mysql its credentials: mysql.password_file (a 0600 file) or mysql.socket for socket auth",
    "  3. every agent of the cluster needs the same keyring: copy this file's keyring to the others",
    `  4. keel config check --config ${path}`,
  ];
}

export const initCommand = defineCommand({
  command: "init",
  describe: "Write a new config file with a fresh gossip key (never overwrites)",
  builder: (y) =>
    withConfigOption(y)
      .option("cluster", {
        type: "string",
        requiresArg: true,
        describe: "Replication cluster name",
        default: "main",
      })
      .option("node-id", { type: "string", requiresArg: true, describe: "This agent's id", default: "db1" }),
  async run(args, io) {
    const path = resolveConfigPath(args.config, io.env);
    const text = configTemplate(generateKey(), { cluster: args.cluster, nodeId: args.nodeId });
    // Bad --cluster / --node-id values surface here, before anything is written.
    const valid = parseConfig(JSON.parse(text), path);
    if (!valid.ok) {
      reportConfigIssues(valid.error, io);
      return { exitCode: 1 };
    }
    const written = writeNewConfigFile(path, text);
    if (!written.ok) return { error: written.error };
    io.out(`wrote ${path} (mode 0600, cluster ${args.cluster}, node ${args.nodeId}, fresh gossip key)`);
    for (const line of nextSteps(path)) io.out(line);
    return success;
  },
});
