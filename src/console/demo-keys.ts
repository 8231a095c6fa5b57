// The two keys `keel demo` adds to the console: K kills the primary's mysqld (kill -9) so the user
// watches keel detect it and fail over, R restarts a stopped mysqld (the old primary) so they
// watch it rejoin as a replica. Both ask for a y/N confirmation naming the instance. The keys are
// pure (what to ask, given the screen's state); DemoConsoleActions carries them out and passes
// every other action to the ordinary console actions.
import { err, ok } from "../lib/result.ts";
import type { DemoCluster } from "../runtime/demo-cluster.ts";
import type { ExtraActionRequest } from "./action-request.ts";
import type { ActionResult, ConsoleActions, Progress } from "./actions.ts";
import type { ConsoleCluster } from "./console-source.ts";
import { type ConsoleState, type ExtraKey, primaryKeyOf } from "./console-state.ts";

export const KILL_KEY = "K";
export const RESTART_KEY = "R";

function killRequest(_s: ConsoleState, c: ConsoleCluster): ReturnType<ExtraKey["request"]> {
  const cluster = c.summary.cluster;
  const primary = primaryKeyOf(c);
  if (primary === null)
    return {
      notice: {
        title: "no primary",
        text: `cluster ${cluster} has no known primary right now; wait for keel to name one`,
      },
    };
  if (c.instances.find((i) => i.key === primary)?.instance?.reachable === false)
    return {
      notice: {
        title: "the primary is already down",
        text: `the mysqld of ${primary} does not answer; watch keel fail over, then R restarts it`,
      },
    };
  return {
    kind: "extra",
    cluster,
    ch: KILL_KEY,
    target: primary,
    title: `kill the mysqld of ${primary}`,
    description:
      `kill -9 the mysqld of ${primary}, the primary of cluster ${cluster}: its agent stays up and reports it down, ` +
      "and keel fails over to a replica",
  };
}

/** The instances whose server the agents see down: the one the user killed, normally. */
function downInstances(c: ConsoleCluster): string[] {
  return c.instances.filter((i) => i.instance !== null && !i.instance.reachable).map((i) => i.key);
}

function restartRequest(s: ConsoleState, c: ConsoleCluster): ReturnType<ExtraKey["request"]> {
  const cluster = c.summary.cluster;
  const down = downInstances(c);
  if (down.length === 0)
    return {
      notice: {
        title: "nothing to restart",
        text: `every mysqld of cluster ${cluster} runs; press K first to kill the primary's`,
      },
    };
  // The selected one when it is down (more than one may be), else the first down.
  const target = down.includes(s.selectedInstance ?? "")
    ? (s.selectedInstance as string)
    : (down[0] as string);
  return {
    kind: "extra",
    cluster,
    ch: RESTART_KEY,
    target,
    title: `restart the mysqld of ${target}`,
    description:
      `restart the mysqld of ${target} in cluster ${cluster}: it starts read-only and keel rejoins it ` +
      "as a replica of the current primary",
  };
}

export const DEMO_KEYS: readonly ExtraKey[] = [
  {
    ch: KILL_KEY,
    hint: "kill primary",
    description: "demo: kill -9 the primary's mysqld and watch keel fail over",
    request: killRequest,
  },
  {
    ch: RESTART_KEY,
    hint: "restart old primary",
    description: "demo: restart a killed mysqld (the old primary) and watch it rejoin",
    request: restartRequest,
  },
];

/** The ordinary console actions, plus K and R acting on the demo's sandbox. */
export class DemoConsoleActions implements ConsoleActions {
  constructor(
    private readonly base: ConsoleActions,
    private readonly cluster: Pick<DemoCluster, "portOfKey" | "killMysqld" | "restartMysqld">,
  ) {}

  switchover: ConsoleActions["switchover"] = (...a) => this.base.switchover(...a);
  failover: ConsoleActions["failover"] = (...a) => this.base.failover(...a);
  downtime: ConsoleActions["downtime"] = (...a) => this.base.downtime(...a);
  ack: ConsoleActions["ack"] = (...a) => this.base.ack(...a);
  rejoin: ConsoleActions["rejoin"] = (...a) => this.base.rejoin(...a);
  pause: ConsoleActions["pause"] = (...a) => this.base.pause(...a);
  resume: ConsoleActions["resume"] = (...a) => this.base.resume(...a);

  async extra(r: ExtraActionRequest, progress: Progress): Promise<ActionResult> {
    const port = this.cluster.portOfKey(r.target);
    if (!port.ok) return port;
    if (r.ch === KILL_KEY) {
      progress(`kill -9 the mysqld on port ${port.value}`);
      const killed = await this.cluster.killMysqld(port.value);
      return killed.ok ? ok(`mysqld of ${r.target} killed; watch the detection and the failover`) : killed;
    }
    if (r.ch === RESTART_KEY) {
      progress(`starting the mysqld on port ${port.value} (read-only)`);
      const started = await this.cluster.restartMysqld(port.value);
      return started.ok ? ok(`mysqld of ${r.target} runs again; watch it rejoin as a replica`) : started;
    }
    return err({ code: "console.action-no-config", action: r.title });
  }
}
