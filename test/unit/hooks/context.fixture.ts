// A dead-master HookContext for hook tests; override what a test is about.
import type { HookContext } from "../../../src/hooks/placeholders.ts";

export function deadMasterContext(over: Partial<HookContext> = {}): HookContext {
  return {
    failureType: "DeadMaster",
    failureDescription: "Master cannot be reached by keel and none of its replicas is replicating",
    failedHost: "db1.example.com",
    failedPort: 3306,
    failureCluster: "db1.example.com:3306",
    failureClusterAlias: "shop",
    failureClusterDomain: "shop.example.com",
    instanceType: "master",
    isMaster: true,
    isCoMaster: false,
    countReplicas: 2,
    replicaHosts: ["db2.example.com:3306", "db3.example.com:3306"],
    isDowntimed: false,
    autoMasterRecovery: true,
    autoIntermediateMasterRecovery: false,
    orchestratorHost: "keel-a",
    recoveryUID: "keel-a:1700000000:7",
    isSuccessful: true,
    lostReplicas: ["db3.example.com:3306"],
    countLostReplicas: 1,
    successorHost: "db2.example.com",
    successorPort: 3307,
    successorBinlogCoordinates: "mysql-bin.000042:1337",
    successorAlias: "db2",
    command: "",
    ...over,
  };
}

/** Values that would run code or split words if they reached sh unquoted. */
export const HOSTILE_VALUES: readonly string[] = [
  "$(touch PWNED)",
  "`touch PWNED`",
  "x; touch PWNED",
  "x && touch PWNED",
  "x | touch PWNED",
  "it's",
  "'; touch PWNED; '",
  '"; touch PWNED; "',
  "x\ntouch PWNED",
  "x\r\ntouch PWNED",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a JS template
  "$HOME ${HOME} $((1+1))",
  "\\",
  "\\'",
  "*",
  "a b\tc",
  "#not a comment",
  "x > PWNED",
  "$'\\x41'",
  "}{failedHost}{",
  "'\"'\"'",
];
