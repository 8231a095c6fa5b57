// How a module's error codes are worded: one entry per code, each naming the problem and the fix.
import type { CodedError } from "../command.ts";

export interface ErrorWording {
  /** What is wrong, specific (names the file, key, host, port…). No trailing period. */
  problem: string;
  /** What to do about it. No trailing period. */
  fix: string;
}

export type MessageTable<E extends CodedError> = {
  [K in E["code"]]: (e: Extract<E, { code: K }>) => ErrorWording;
};

export type AnyMessageTable = Record<string, (e: never) => ErrorWording>;

export function defineMessages<E extends CodedError>(table: MessageTable<E>): MessageTable<E> {
  return table;
}
