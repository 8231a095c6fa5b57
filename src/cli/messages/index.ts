// The one place error codes become words. Each module's table lives in its own file here.
import { cliMessages } from "./cli.ts";
import { configMessages } from "./config.ts";
import { consoleMessages } from "./console.ts";
import type { AnyMessageTable } from "./define.ts";
import { gtidMessages } from "./gtid.ts";
import { keyringMessages } from "./keyring.ts";
import { mysqlMessages } from "./mysql.ts";
import { netMessages } from "./net.ts";
import { sandboxMessages } from "./sandbox.ts";

export const allMessages: AnyMessageTable = {
  ...(cliMessages as AnyMessageTable),
  ...(configMessages as AnyMessageTable),
  ...(consoleMessages as AnyMessageTable),
  ...(gtidMessages as AnyMessageTable),
  ...(keyringMessages as AnyMessageTable),
  ...(mysqlMessages as AnyMessageTable),
  ...(netMessages as AnyMessageTable),
  ...(sandboxMessages as AnyMessageTable),
};
