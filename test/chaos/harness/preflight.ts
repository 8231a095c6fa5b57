// `bun preflight.ts`: tries to create a one-host lab and prints why it can't, or "lab ok".
// `bun preflight.ts --hold`: creates one, prints "lab <tag> <dir>" and waits to be signalled or
// killed, so tests can check the cleanup on SIGINT and the sweep after SIGKILL.
import { createLab } from "./lab.ts";

if (import.meta.main) {
  try {
    const lab = await createLab({ hosts: 1 });
    if (process.argv.includes("--hold")) {
      console.log(`lab ${lab.plan.tag} ${lab.dir}`);
      setInterval(() => undefined, 60_000);
    } else {
      await lab.teardown();
      console.log("lab ok");
    }
  } catch (e) {
    console.log((e as Error).message);
    process.exit(1);
  }
}
