// Every command, listed explicitly: a compiled binary can't scan directories (house rule 10).
import { ackCommand } from "./ack.ts";
import { agentCommand } from "./agent.ts";
import type { RegistryEntry } from "./command.ts";
import { clustersCommand } from "./clusters.ts";
import { configCheckCommand } from "./config-check.ts";
import { consoleCommand } from "./console.ts";
import { demoCommand } from "./demo.ts";
import { downtimeCommand } from "./downtime.ts";
import { failoverCommand } from "./failover.ts";
import { initCommand } from "./init.ts";
import { keyringCommand } from "./keyring.ts";
import { membersCommand } from "./members.ts";
import { pauseCommand, resumeCommand } from "./pause.ts";
import { probeCommand } from "./probe.ts";
import { raftCommand } from "./raft-status.ts";
import { recoveriesCommand } from "./recoveries.ts";
import { rejoinCommand } from "./rejoin.ts";
import { sandboxCommand } from "./sandbox.ts";
import { switchoverCommand } from "./switchover.ts";
import { topologyCommand } from "./topology.ts";
import { tuiCheckCommand } from "./tui-check.ts";
import { versionCommand } from "./version.ts";

export const commands: readonly RegistryEntry[] = [
  versionCommand,
  tuiCheckCommand,
  sandboxCommand,
  initCommand,
  configCheckCommand,
  keyringCommand,
  probeCommand,
  agentCommand,
  raftCommand,
  topologyCommand,
  clustersCommand,
  membersCommand,
  consoleCommand,
  downtimeCommand,
  ackCommand,
  pauseCommand,
  resumeCommand,
  rejoinCommand,
  failoverCommand,
  switchoverCommand,
  recoveriesCommand,
  demoCommand,
];
