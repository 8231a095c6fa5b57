// Prints the README's config reference table from the schema, so the docs can't drift from the
// code: `bun scripts/config-reference.ts`. test/unit/docs/readme.test.ts checks the README has it.
import { CONFIG_KEYS } from "../src/config/schema.ts";

export function configReferenceMarkdown(): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const rows = CONFIG_KEYS.map(
    (k) => `| \`${k.path}\` | ${cell(k.type)} | ${cell(k.default)} | ${cell(k.meaning)} |`,
  );
  return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

if (import.meta.main) console.log(configReferenceMarkdown());
