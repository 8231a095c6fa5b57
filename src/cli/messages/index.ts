// The one place error codes become words. Each module's table lives in its own file here.
import { cliMessages } from "./cli.ts";
import { configMessages } from "./config.ts";
import { consoleMessages } from "./console.ts";
import type { AnyMessageTable } from "./define.ts";
import { failoverMessages } from "./failover.ts";
import { gossipMessages } from "./gossip.ts";
import { gtidMessages } from "./gtid.ts";
import { hooksMessages } from "./hooks.ts";
import { keyringMessages } from "./keyring.ts";
import { mysqlMessages } from "./mysql.ts";
import { netMessages } from "./net.ts";
import { obsMessages } from "./obs.ts";
import { raftMessages } from "./raft.ts";
import { sandboxMessages } from "./sandbox.ts";
import { storageMessages } from "./storage.ts";

export const allMessages: AnyMessageTable = {
  ...(cliMessages as AnyMessageTable),
  ...(configMessages as AnyMessageTable),
  ...(consoleMessages as AnyMessageTable),
  ...(failoverMessages as AnyMessageTable),
  ...(gossipMessages as AnyMessageTable),
  ...(gtidMessages as AnyMessageTable),
  ...(hooksMessages as AnyMessageTable),
  ...(keyringMessages as AnyMessageTable),
  ...(mysqlMessages as AnyMessageTable),
  ...(netMessages as AnyMessageTable),
  ...(obsMessages as AnyMessageTable),
  ...(raftMessages as AnyMessageTable),
  ...(sandboxMessages as AnyMessageTable),
  ...(storageMessages as AnyMessageTable),
};
