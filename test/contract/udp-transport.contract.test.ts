// The transport contract over real UDP sockets on loopback (127.0.0.1 and 127.0.0.2).
import { createSocket } from "node:dgram";
import { openUdpTransport } from "../../src/net/udp-transport.ts";
import { runTransportContract } from "./transport.contract.ts";

const POLL_MS = 2;
const DEFAULT_WAIT_MS = 3_000;

runTransportContract("UDP", () => ({
  hosts: ["127.0.0.1", "127.0.0.2"],
  bind: (address) => openUdpTransport(address),
  async settle(done, maxWaitMs = DEFAULT_WAIT_MS) {
    const deadline = performance.now() + maxWaitMs;
    while (!done() && performance.now() < deadline) await Bun.sleep(POLL_MS);
    return done();
  },
  // A port the kernel just handed out and took back: nothing listens there.
  deadAddress: () =>
    new Promise((resolve) => {
      const s = createSocket("udp4");
      s.bind(0, "127.0.0.2", () => {
        const port = s.address().port;
        s.close(() => resolve({ host: "127.0.0.2", port }));
      });
    }),
}));
