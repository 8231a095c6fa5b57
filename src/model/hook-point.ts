// orchestrator's hook points, verbatim, so an existing orch_hook.sh maps one to one. Shared by
// the config (which commands run where), the hook runner and recovery plans.
export const HOOK_POINTS = [
  "OnFailureDetection",
  "PreFailover",
  "PostMasterFailover",
  "PostFailover",
  "PostUnsuccessfulFailover",
  "PreGracefulTakeover",
  "PostGracefulTakeover",
] as const;

export type HookPoint = (typeof HOOK_POINTS)[number];
