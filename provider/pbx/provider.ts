/**
 * The dynamic provider object. Pulumi serializes it (with everything its methods capture) into state as
 * `__provider`, so it captures only two strings: where to load the engine from. Each method `require()`s the
 * engine at run time, which keeps credentials and API clients out of state, and lets the code in state keep
 * working after an upgrade of this package.
 */
import type * as pulumi from "@pulumi/pulumi";

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

export const pbxProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    engine().configure(req.config);
  },
  async check(olds, news) {
    return engine().check(olds, news);
  },
  async diff(id, olds, news) {
    return engine().diff(id, olds, news);
  },
  async create(inputs) {
    return engine().create(inputs);
  },
  async update(id, olds, news) {
    return engine().update(id, olds, news);
  },
  async read(id, props) {
    return engine().read(id, props ?? {});
  },
  async delete(id, props) {
    return engine().remove(id, props);
  },
};
