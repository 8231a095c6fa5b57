// The one place error codes become words. Each module's table lives in its own file here.
import { cliMessages } from "./cli.ts";
import type { AnyMessageTable } from "./define.ts";

export const allMessages: AnyMessageTable = {
  ...(cliMessages as AnyMessageTable),
};
