// Errors the obs module reports across its boundary; worded in src/cli/messages/obs.ts.

export type ObsError =
  | { code: "obs.bind-failed"; host: string; port: number; detail: string }
  | { code: "obs.audit-open-failed"; path: string; detail: string }
  | { code: "obs.audit-write-failed"; path: string; detail: string }
  | { code: "obs.audit-record-too-large"; path: string; sizeBytes: number; limitBytes: number }
  | { code: "obs.audit-read-failed"; path: string; detail: string };
