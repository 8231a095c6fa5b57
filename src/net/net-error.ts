// Typed errors the net edge hands across its boundary. Worded in src/cli/messages/net.ts.
// None carries key material: keys are named by position ("keys[2]") or one-byte key id.
import type { DropReason } from "./drop-reason.ts";

export type KeyringError =
  | { code: "net.keyring-bad-key"; which: string; reason: "not-base64" | "wrong-length"; lengthBytes: number }
  | { code: "net.keyring-key-id-collision"; keyIdHex: string; which: readonly string[] }
  | { code: "net.keyring-key-not-installed"; keyIdHex: string }
  | { code: "net.keyring-remove-primary"; keyIdHex: string };

export type SealError =
  | { code: "net.envelope-oversized"; sizeBytes: number; limitBytes: number }
  | { code: "net.envelope-unencodable"; detail: string };

export type TransportError = { code: "net.bind-failed"; host: string; port: number; detail: string };

/** Not returned by any function: the shape a runtime logs when it drops a datagram. */
export type DatagramDropped = { code: "net.datagram-dropped"; reason: DropReason; from: string };

export type NetError = KeyringError | SealError | TransportError | DatagramDropped;
