import { defineMessages } from "./define.ts";

export type KeyringCliError =
  | { code: "keyring.no-such-key"; keyId: string }
  | { code: "keyring.unreadable"; file: string; detail: string };

export const keyringMessages = defineMessages<KeyringCliError>({
  "keyring.no-such-key": (e) => ({
    problem: `no installed key has id ${e.keyId}`,
    fix: "run 'keel keyring list' for the installed key ids",
  }),
  "keyring.unreadable": (e) => ({
    problem: `cannot read ${e.file}: ${e.detail}`,
    fix: "check the path and that this user may read it",
  }),
});
