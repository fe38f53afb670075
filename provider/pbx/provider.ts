/**
 * The dynamic provider object. Pulumi serializes it (with everything its methods capture) into state as
 * `__provider`, so it captures only two strings: where to load the engine from. Each method `require()`s the
 * engine at run time, which keeps credentials and API clients out of state, and lets the code in state keep
 * working after an upgrade of this package.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PbxState } from "./plan";

// Installed as a dependency, the engine is found by package name from the program's node_modules; in this
// repository (tests, demo) it is found by the path it was built at.
const ENGINE_MODULE = "pulumi-yeastar-pseries/dist/provider/pbx/engine";
const ENGINE_PATH = require.resolve("./engine");

function engine(): typeof import("./engine") {
  try {
    return require(ENGINE_MODULE);
  } catch (err) {
    if ((err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
  }
  return require(ENGINE_PATH);
}

// Arrow functions with short bodies: every resource stores this code twice in state, so its size is paid on every
// checkpoint of a large stack.
// Inputs reach check raw (the program's values), so they are a property bag there; the engine types them.
export const pbxProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, PbxState> = {
  configure: async (req) => engine().configure(req.config),
  check: (olds, news) => engine().check(olds, news),
  diff: (id, olds, news) => engine().diffWithPortal(id, olds, news),
  create: (inputs) => engine().create(inputs),
  update: (id, olds, news) => engine().update(id, olds, news),
  read: (id, props) => engine().read(id, props),
  delete: (id, props) => engine().remove(id, props),
};
