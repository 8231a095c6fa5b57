// Secrets that live in their own files: passwords and the keyring. Read once at load; contents are
// never quoted in an issue. Loose file modes are warnings, so a fix can be rolled out gradually.
import { CONFIG_SECRET_FILE_BYTES_MAX } from "../lib/limits.ts";
import type { ConfigFs } from "./config-fs.ts";
import { IssueList } from "./issues.ts";
import { parseJsonText } from "./json-text.ts";
import type { Spec } from "./spec.ts";

const SECRET_FILE_MODES = [0o600, 0o400];

export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}

/** Where secrets are read from and where problems with them are reported. */
export interface SecretContext {
  fs: ConfigFs;
  issues: IssueList;
  warnings: IssueList;
}

function readSecretFile(ctx: SecretContext, file: string, keyPath: string): string | undefined {
  const read = ctx.fs.read(file, CONFIG_SECRET_FILE_BYTES_MAX);
  if (!read.ok) {
    const notFound = read.error.kind === "not-found";
    ctx.issues.add({
      code: notFound ? "config.not-found" : "config.unreadable",
      path: keyPath,
      expected: "a readable file",
      got: read.error.kind === "unreadable" ? `${file}: ${read.error.detail}` : `no file ${file}`,
      fix: notFound
        ? `create ${file} (mode 0600) or correct ${keyPath}`
        : `let the keel user read ${file} (chmod 600, chown)`,
    });
    return undefined;
  }
  if (!SECRET_FILE_MODES.includes(read.value.mode)) {
    ctx.warnings.add({
      code: "config.loose-permissions",
      path: keyPath,
      expected: `${file} with mode 0600 or 0400`,
      got: `mode ${formatMode(read.value.mode)}`,
      fix: `chmod 600 ${file}`,
    });
  }
  return read.value.text;
}

/** A password file's contents minus one trailing newline (editors and `echo` add one). */
export function readPasswordFile(ctx: SecretContext, file: string, keyPath: string): string | undefined {
  const text = readSecretFile(ctx, file, keyPath);
  if (text === undefined) return undefined;
  const password = text.replace(/\r?\n$/, "");
  if (password.length === 0) {
    ctx.issues.add({
      code: "config.invalid-value",
      path: keyPath,
      expected: "a file holding a password",
      got: `an empty file ${file}`,
      fix: `write the password into ${file}, or set ${keyPath} to null`,
    });
    return undefined;
  }
  return password;
}

/** A keyring file ({"primary", "keys"} JSON), decoded with the same spec as an inline keyring. */
export function readKeyringFile<T>(
  ctx: SecretContext,
  file: string,
  keyPath: string,
  spec: Spec<T>,
): T | undefined {
  const text = readSecretFile(ctx, file, keyPath);
  if (text === undefined) return undefined;
  const fileIssues = new IssueList(file, "referenced");
  const parsed = parseJsonText(text);
  let value: T | undefined;
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    fileIssues.add({
      code: "config.bad-json",
      path: "$",
      expected: "valid JSON",
      got: message,
      line,
      column,
      fix: `correct ${file} at line ${line}, column ${column}`,
    });
  } else value = spec.decode(parsed.value, "$", fileIssues);
  ctx.issues.items.push(...fileIssues.items);
  return value;
}
