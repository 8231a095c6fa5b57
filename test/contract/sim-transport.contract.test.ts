// The transport contract over the simulated network, with delay spread so datagrams reorder.
import { seededRng } from "../../src/lib/rng.ts";
import { SimClock } from "../../src/sim/sim-clock.ts";
import { SimNetwork } from "../../src/sim/sim-network.ts";
import { SimTransportHub } from "../../src/sim/sim-transport.ts";
import { runTransportContract } from "./transport.contract.ts";

runTransportContract("simulated", () => {
  const hub = new SimTransportHub(
    new SimNetwork<Uint8Array>(seededRng(26_000), {
      lossRate: 0,
      duplicateRate: 0,
      minDelayMs: 1,
      maxDelayMs: 30,
    }),
    new SimClock(),
  );
  return {
    hosts: ["127.0.0.1", "127.0.0.2"],
    bind: async (address) => hub.bind(address),
    async settle(done) {
      while (!done() && hub.step()) {}
      return done();
    },
    deadAddress: async () => ({ host: "127.0.0.2", port: 9 }),
  };
});
