// blessed loads its widgets with `require('./widgets/' + file)`, a path computed at run time.
// A compiled binary only contains what the bundler saw statically, so that require fails with
// "Cannot find module './widgets/node'". This plugin rewrites widget.js to require each widget by
// a literal path, taken from the `widget.classes` list in the same file.
import type { BunPlugin } from "bun";

const WIDGET_FILE = /[\\/]blessed[\\/]lib[\\/]widget\.js$/;
const CLASSES_LIST = /widget\.classes\s*=\s*\[([^\]]*)\]/;
const DYNAMIC_REQUIRE = "require('./widgets/' + file)";

/** Pure: the rewritten widget.js source. Throws when blessed's layout is not the one we patch. */
export function rewriteWidgetSource(source: string): string {
  const list = CLASSES_LIST.exec(source);
  if (!list || !source.includes(DYNAMIC_REQUIRE)) {
    throw new Error("blessed lib/widget.js changed shape; update build/blessed-widgets-plugin.ts");
  }
  const names = [...(list[1] as string).matchAll(/'([A-Za-z]+)'/g)].map((m) =>
    (m[1] as string).toLowerCase(),
  );
  const table = names.map(
    (n) => `  ${JSON.stringify(n)}: () => require(${JSON.stringify(`./widgets/${n}`)}),`,
  );
  return `var __keelWidgets = {\n${table.join("\n")}\n};\n${source.replace(DYNAMIC_REQUIRE, "__keelWidgets[file]()")}`;
}

export const blessedWidgetsPlugin: BunPlugin = {
  name: "keel-blessed-static-widgets",
  setup(build) {
    build.onLoad({ filter: WIDGET_FILE }, async (args) => ({
      contents: rewriteWidgetSource(await Bun.file(args.path).text()),
      loader: "js",
    }));
  },
};
