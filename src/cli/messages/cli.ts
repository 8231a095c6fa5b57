import { defineMessages } from "./define.ts";

export type CliError = { code: "cli.usage"; detail: string } | { code: "cli.internal"; detail: string };

export const cliMessages = defineMessages<CliError>({
  "cli.usage": (e) => ({ problem: e.detail, fix: "run 'keel --help' for the commands and flags" }),
  "cli.internal": (e) => ({
    problem: `internal error: ${e.detail}`,
    fix: "this is a bug in keel; rerun with KEEL_DEBUG=1 for a stack trace and report it",
  }),
});
