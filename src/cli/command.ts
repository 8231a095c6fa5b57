// The shape every CLI command file exports (house rule 10): one command per file, registered
// explicitly in registry.ts. Commands return an outcome; main.ts turns errors into one line.
import type { ArgumentsCamelCase, Argv } from "yargs";

/** A typed error value: a literal code plus the data the message needs. Never holds secrets. */
export interface CodedError {
  code: string;
}

export type CommandOutcome = { exitCode: number } | { error: CodedError; exitCode?: number };

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** True when stdout is a terminal (human formats, colour). */
  isTty: boolean;
}

export interface KeelCommand<A = object> {
  command: string | readonly string[];
  describe: string;
  builder: (y: Argv) => Argv<A>;
  run(args: ArgumentsCamelCase<A>, io: CommandIo): Promise<CommandOutcome>;
}

/** Identity helper so each command file gets its argument types inferred from its builder. */
export function defineCommand<A>(cmd: KeelCommand<A>): KeelCommand<A> {
  return cmd;
}

/** A command with subcommands (`keel keyring list`, `keel keyring use …`): only the leaves run. */
export interface KeelCommandGroup {
  command: string;
  describe: string;
  subcommands: readonly RegistryEntry[];
}

// Commands differ in argument types; the registry only needs to hand yargs' parsed args back.
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous list of commands
export type AnyCommand = KeelCommand<any>;
export type RegistryEntry = AnyCommand | KeelCommandGroup;

export const success: CommandOutcome = { exitCode: 0 };
