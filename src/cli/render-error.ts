// Turns a typed error into the single line a person reads at 3 a.m.: problem, then fix.
import type { CodedError } from "./command.ts";
import type { ErrorWording } from "./messages/define.ts";
import { allMessages } from "./messages/index.ts";

export function wordError(e: CodedError): ErrorWording {
  const wording = allMessages[e.code] as ((e: CodedError) => ErrorWording) | undefined;
  if (!wording) return { problem: `error ${e.code}`, fix: "see 'keel --help'" };
  return wording(e);
}

export function renderError(e: CodedError): string {
  const w = wordError(e);
  return `keel: ${w.problem} (${e.code}); fix: ${w.fix}`;
}
