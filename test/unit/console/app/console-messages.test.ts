// Every error code of the console app has words naming the problem and a fix, reachable from
// the one table the CLI renders errors with.
import { describe, expect, test } from "bun:test";
import { consoleAppMessages } from "../../../../src/cli/messages/console-app.ts";
import { renderError } from "../../../../src/cli/render-error.ts";
import type { ConsoleActionError } from "../../../../src/console/actions.ts";
import type { LiveSourceError } from "../../../../src/console/live-console-source.ts";
import type { SeedConfigError } from "../../../../src/console/seed-config.ts";

type AppError = ConsoleActionError | SeedConfigError | LiveSourceError;

const samples: AppError[] = [
  { code: "console.action-no-config", action: "downtime" },
  {
    code: "console.action-other-cluster",
    cluster: "orders",
    configCluster: "main",
    configPath: "/etc/keel/keel.json",
  },
  {
    code: "console.switchover-unconfirmed",
    cluster: "main",
    to: "127.0.0.1:31002",
    waitedMs: 60_000,
    primary: "db1",
  },
  { code: "console.bad-seed", seed: "nonsense" },
  { code: "console.source-closed" },
];

describe("console app messages", () => {
  test("the samples cover every code", () => {
    expect(new Set<string>(samples.map((e) => e.code))).toEqual(new Set(Object.keys(consoleAppMessages)));
  });

  test.each(samples.map((e) => [e.code, e] as const))("%s renders as one line with a fix", (_code, e) => {
    const line = renderError(e);
    expect(line).toMatch(/^keel: .{10,} \(console\.[a-z-]+\); fix: .{10,}$/);
    expect(line).not.toContain("\n");
    expect(line).not.toMatch(/\.; fix|\.$/);
  });

  test("the words name what and where", () => {
    expect(renderError(samples[0]!)).toContain("cannot downtime: the console was started with --seed");
    expect(renderError(samples[1]!)).toContain(
      "cluster orders is not the cluster of /etc/keel/keel.json (main)",
    );
    expect(renderError(samples[2]!)).toContain("after 60s the ledger's primary is still db1");
  });
});
