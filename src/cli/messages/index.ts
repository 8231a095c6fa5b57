// The one place error codes become words. Each module's table lives in its own file here.
import { agentMessages } from "./agent.ts";
import { apiMessages } from "./api.ts";
import { cliMessages } from "./cli.ts";
import { configMessages } from "./config.ts";
import { consoleMessages } from "./console.ts";
import { consoleAppMessages } from "./console-app.ts";
import type { AnyMessageTable } from "./define.ts";
import { demoMessages } from "./demo.ts";
import { failoverMessages, failoverRecoveryMessages } from "./failover.ts";
import { gossipMessages } from "./gossip.ts";
import { gtidMessages } from "./gtid.ts";
import { hooksMessages } from "./hooks.ts";
import { keyringMessages } from "./keyring.ts";
import { mysqlMessages } from "./mysql.ts";
import { mysqlActionsMessages } from "./mysql-actions.ts";
import { netMessages } from "./net.ts";
import { obsMessages } from "./obs.ts";
import { overrideMessages } from "./override.ts";
import { planningMessages } from "./planning.ts";
import { raftMessages } from "./raft.ts";
import { raftHostMessages } from "./raft-host.ts";
import { readMessages } from "./read.ts";
import { reconcileMessages } from "./reconcile.ts";
import { recoveryMessages } from "./recovery.ts";
import { sandboxMessages } from "./sandbox.ts";
import { sandboxAgentMessages } from "./sandbox-agents.ts";
import { storageMessages } from "./storage.ts";

export const allMessages: AnyMessageTable = {
  ...(agentMessages as AnyMessageTable),
  ...(apiMessages as AnyMessageTable),
  ...(cliMessages as AnyMessageTable),
  ...(configMessages as AnyMessageTable),
  ...(consoleMessages as AnyMessageTable),
  ...(consoleAppMessages as AnyMessageTable),
  ...(demoMessages as AnyMessageTable),
  ...(failoverMessages as AnyMessageTable),
  ...(failoverRecoveryMessages as AnyMessageTable),
  ...(gossipMessages as AnyMessageTable),
  ...(gtidMessages as AnyMessageTable),
  ...(hooksMessages as AnyMessageTable),
  ...(keyringMessages as AnyMessageTable),
  ...(mysqlMessages as AnyMessageTable),
  ...(mysqlActionsMessages as AnyMessageTable),
  ...(netMessages as AnyMessageTable),
  ...(obsMessages as AnyMessageTable),
  ...(overrideMessages as AnyMessageTable),
  ...(planningMessages as AnyMessageTable),
  ...(raftMessages as AnyMessageTable),
  ...(raftHostMessages as AnyMessageTable),
  ...(readMessages as AnyMessageTable),
  ...(reconcileMessages as AnyMessageTable),
  ...(recoveryMessages as AnyMessageTable),
  ...(sandboxMessages as AnyMessageTable),
  ...(sandboxAgentMessages as AnyMessageTable),
  ...(storageMessages as AnyMessageTable),
};
