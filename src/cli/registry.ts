// Every command, listed explicitly: a compiled binary can't scan directories (house rule 10).
import type { RegistryEntry } from "./command.ts";
import { configCheckCommand } from "./config-check.ts";
import { initCommand } from "./init.ts";
import { keyringCommand } from "./keyring.ts";
import { probeCommand } from "./probe.ts";
import { sandboxCommand } from "./sandbox.ts";
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
];
