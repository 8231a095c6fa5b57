// The receive pipeline: authenticate, decode, then reject replays. Only a datagram that
// authenticated may touch the replay window, so forgeries can't push a sender's window ahead.
import { err, ok, type Result } from "../lib/result.ts";
import type { DropReason } from "./drop-reason.ts";
import { type EnvelopeBody, open } from "./envelope.ts";
import type { Keyring } from "./keyring.ts";
import type { ReplayWindow } from "./replay-window.ts";

export function acceptDatagram(
  bytes: Uint8Array,
  keyring: Keyring,
  replayWindow: ReplayWindow,
): Result<EnvelopeBody, DropReason> {
  const opened = open(bytes, keyring);
  if (!opened.ok) return opened;
  const { sender, incarnation, seq } = opened.value;
  const verdict = replayWindow.check(sender, incarnation, seq);
  return verdict === "accepted" ? ok(opened.value) : err("replayed");
}
