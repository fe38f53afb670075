/**
 * The dynamic provider object of PbxInboundRoute, built like PbxExtension's (provider/extension/provider.ts): this
 * module's `module.exports` is the object, its methods capture only where to load the engine from.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { InboundRouteState } from "./inputs";

const ENGINE_MODULE = "pulumi-yeastar-pseries/dist/provider/inbound-route/engine";
const ENGINE_PATH = require.resolve("./engine");

function engine(): typeof import("./engine") {
  try {
    return require(ENGINE_MODULE);
  } catch (err) {
    if ((err as { code?: string }).code !== "MODULE_NOT_FOUND") throw err;
  }
  return require(ENGINE_PATH);
}

const inboundRouteProvider: pulumi.dynamic.ResourceProvider<Record<string, unknown>, InboundRouteState> = {
  configure: async (req) => engine().configure(req.config),
  check: (olds, news) => engine().check(olds, news),
  diff: async (id, olds, news) => engine().diff(id, olds, news),
  create: (inputs) => engine().create(inputs),
  update: (id, olds, news) => engine().update(id, olds, news),
  read: (id, props) => engine().read(id, props),
  delete: (id, props) => engine().remove(id, props),
};

export = inboundRouteProvider;
