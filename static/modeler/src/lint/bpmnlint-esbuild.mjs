// esbuild plugin: `import bpmnlintConfig from "alur:bpmnlint-config"` gives bpmn-js-bpmnlint its
// packed `{config, resolver}`, compiled at build time by bpmnlint's own compile-config (what
// bpmnlint-loader does for webpack) from bpmnlintrc.cjs beside it. Rules named `alur/<rule>` are
// Alur's own, rules/<rule>.js (a local bpmnlint plug-in without a package of its own).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const CONFIG = path.join(here, "bpmnlintrc.cjs");
const LOCAL_RULES = path.join(here, "rules");
const LOCAL_PLUGIN = "bpmnlint-plugin-alur";

// bpmnlint's node resolver, with `alur/` answered from rules/ (compile-config asks the
// plug-in package for its `rules` map of rule name -> module path).
function resolver() {
  const NodeResolver = require("bpmnlint/lib/resolver/node-resolver");
  const local = {
    rules: Object.fromEntries(fs.readdirSync(LOCAL_RULES).filter((f) => f.endsWith(".js")).sort()
      .map((f) => [f.slice(0, -3), path.join(LOCAL_RULES, f)])),
  };
  const scoped = (name) => (name === LOCAL_PLUGIN ? local : require(name));
  scoped.resolve = require.resolve;
  return new NodeResolver({ require: scoped });
}

export async function packedConfig() {
  const compileConfig = require("bpmnlint/lib/support/compile-config");
  delete require.cache[CONFIG];
  return compileConfig(require(CONFIG), resolver());
}

export function bpmnlintPlugin() {
  return {
    name: "bpmnlint-config",
    setup(b) {
      b.onResolve({ filter: /^alur:bpmnlint-config$/ }, () => ({ path: "bpmnlint-config", namespace: "alur" }));
      b.onLoad({ filter: /.*/, namespace: "alur" }, async () => ({
        contents: await packedConfig(), loader: "js", resolveDir: here, watchFiles: [CONFIG],
      }));
    },
  };
}
