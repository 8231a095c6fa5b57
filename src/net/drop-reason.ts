// Why a received datagram was thrown away. Every reason has a counter and a log wording.
export const DROP_REASONS = [
  "bad-magic",
  "bad-version",
  "unknown-key",
  "auth-failed",
  "truncated",
  "oversized",
  "bad-body",
  "replayed",
] as const;

export type DropReason = (typeof DROP_REASONS)[number];
