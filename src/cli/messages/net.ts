import type { DropReason } from "../../net/drop-reason.ts";
import type { NetError } from "../../net/net-error.ts";
import { defineMessages } from "./define.ts";

const DROP_WORDS: Record<DropReason, { problem: string; fix: string }> = {
  "bad-magic": {
    problem: "it is not a keel datagram",
    fix: "check nothing else sends to keel's gossip port",
  },
  "bad-version": {
    problem: "it uses another envelope version",
    fix: "upgrade every agent to the same keel release",
  },
  "unknown-key": {
    problem: "it was sealed with a key this agent has not installed",
    fix: "install the sender's primary key here ('keel keyring install') before making it primary anywhere",
  },
  "auth-failed": {
    problem: "it failed authentication (tampered, corrupted, or sealed with a different key of the same id)",
    fix: "check all agents share the same keyring; if they do, look for something rewriting packets",
  },
  truncated: {
    problem: "it is shorter than an envelope header and tag",
    fix: "check the network path's MTU",
  },
  oversized: {
    problem: "it is larger than keel's datagram limit",
    fix: "upgrade the sender: current agents never send datagrams that large",
  },
  "bad-body": {
    problem: "it authenticated but its body has the wrong shape",
    fix: "upgrade every agent to the same keel release",
  },
  replayed: {
    problem: "it repeats or predates a datagram already accepted from that sender",
    fix: "nothing if rare (the network duplicated it); if frequent, look for a node replaying traffic",
  },
};

export const netMessages = defineMessages<NetError>({
  "net.keyring-bad-key": (e) => ({
    problem:
      e.reason === "not-base64"
        ? `keyring ${e.which} is not valid base64`
        : `keyring ${e.which} decodes to ${e.lengthBytes} bytes, not the 32 an AES-256 key needs`,
    fix: "generate a key with 'keel keyring generate' (or 'openssl rand -base64 32') and paste it whole",
  }),
  "net.keyring-key-id-collision": (e) => ({
    problem: `keyring ${e.which.join(" and ")} are different keys with the same key id ${e.keyIdHex}`,
    fix: "generate a new key to replace one of them (key ids are one byte, so 1 in 256 pairs collide)",
  }),
  "net.keyring-key-not-installed": (e) => ({
    problem: `the key with id ${e.keyIdHex} is not installed in the keyring`,
    fix: "install it first with 'keel keyring install', then retry",
  }),
  "net.keyring-remove-primary": (e) => ({
    problem: `the key with id ${e.keyIdHex} is the primary key and can't be removed`,
    fix: "make another installed key primary with 'keel keyring use' on every agent, then remove this one",
  }),
  "net.envelope-oversized": (e) => ({
    problem: `a sealed datagram would be ${e.sizeBytes} bytes, over the ${e.limitBytes}-byte limit`,
    fix: "this is a bug in keel (messages must be split before sealing); report it",
  }),
  "net.envelope-unencodable": (e) => ({
    problem: `a message could not be encoded: ${e.detail}`,
    fix: "this is a bug in keel; report it",
  }),
  "net.bind-failed": (e) => ({
    problem: `cannot bind UDP ${e.host}:${e.port}: ${e.detail}`,
    fix: "pick a free port and an address of this host in the config, or stop whatever holds the port",
  }),
  "net.datagram-dropped": (e) => ({
    problem: `dropped a datagram from ${e.from}: ${DROP_WORDS[e.reason].problem}`,
    fix: DROP_WORDS[e.reason].fix,
  }),
});
