/**
 * The dynamic provider object. Pulumi serializes it into every resource's state as `__provider`, and the size of
 * that text is paid on every checkpoint of a large stack (docs/architecture.md, "State size"). So:
 *
 * - This module's `module.exports` IS the provider object. When the package is installed (under node_modules),
 *   Pulumi's closure serializer recognises a captured module and stores only `require("<package>/dist/...")`,
 *   about 100 bytes, instead of the methods' code.
 * - Run from a checkout (tests, demo, a linked package), the serializer stores the object by value. Its methods
 *   then capture only two strings, where to load the engine from, and `require()` the engine at run time. That
 *   keeps credentials and API clients out of state and lets the code in state keep working after an upgrade.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PbxState } from "../api/contract";

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

// Arrow functions with short bodies: stored by value (see above), every resource holds this code twice.
// Inputs reach check raw (the program's values), so they are a property bag there; the engine types them.
const pbxProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, PbxState> = {
  configure: async (req) => engine().configure(req.config),
  check: (olds, news) => engine().check(olds, news),
  diff: (id, olds, news) => engine().diffWithPortal(id, olds, news),
  create: (inputs) => engine().create(inputs),
  update: (id, olds, news) => engine().update(id, olds, news),
  read: (id, props) => engine().read(id, props),
  delete: (id, props) => engine().remove(id, props),
};

export = pbxProvider;
