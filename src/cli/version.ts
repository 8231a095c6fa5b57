import { buildInfo } from "./build-info.ts";
import { defineCommand, success } from "./command.ts";

export const versionCommand = defineCommand({
  command: "version",
  describe: "Print keel's version, git commit and Bun version",
  builder: (y) => y.option("json", { type: "boolean", default: false, describe: "JSON output" }),
  async run(args, io) {
    const info = buildInfo();
    if (args.json) io.out(JSON.stringify(info));
    else io.out(`keel ${info.version} (commit ${info.commit}, bun ${info.bunVersion})`);
    return success;
  },
});
