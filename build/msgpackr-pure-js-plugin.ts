// msgpackr tries `require('msgpackr-extract')`, a native addon found through node-gyp-build under
// the build machine's baked-in node_modules path. Left alone, the same binary decodes natively on
// the build machine and in pure JS everywhere else, and an arm64 build would embed nothing useful.
// keel always runs pure JS (fast enough for ~1 KB datagrams, identical on every host and arch):
// resolve the addon to a module exporting null, which msgpackr treats as "no native extractor".
import type { BunPlugin } from "bun";

const NAMESPACE = "keel-msgpackr-no-native";

export const msgpackrPureJsPlugin: BunPlugin = {
  name: "keel-msgpackr-pure-js",
  setup(build) {
    build.onResolve({ filter: /^msgpackr-extract$/ }, () => ({
      path: "msgpackr-extract",
      namespace: NAMESPACE,
    }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({
      contents: "module.exports = null;",
      loader: "js",
    }));
  },
};
