// Every command, listed explicitly: a compiled binary can't scan directories (house rule 10).
import type { AnyCommand } from "./command.ts";
import { versionCommand } from "./version.ts";

export const commands: readonly AnyCommand[] = [versionCommand];
