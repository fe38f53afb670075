/**
 * Entry point of the native provider plugin `pulumi-resource-yeastar` (bin/pulumi-resource-yeastar runs it with
 * node). The Pulumi engine starts it with its own address as the last argument; it serves the engine through the
 * SDK's `@pulumi/pulumi/provider` server (plugin-provider.ts holds the methods).
 *
 * Two things the SDK's server leaves out are added around it, on its service object only (service-hook.ts holds
 * the one reach into the SDK's internals, and why there is no supported way):
 * - `configure`: the SDK answers without looking at the configuration. Here the configuration (stack config
 *   `yeastar:*`, or the arguments of an explicit provider resource) goes to provider/runtime/settings.ts exactly as
 *   the dynamic provider hands it over, and the reply says the plugin does not accept secrets, like the dynamic
 *   provider's (the engine then sends plain values and marks as secret every output whose input was secret), and
 *   that it supports previews (the SDK's reply does not say so, and its create and update ignore the flag).
 * - `create` and `update` with `preview: true` go to the provider's `previewCreate`/`previewUpdate`, which plan
 *   and price and never order; the SDK's methods (which order) get only requests that are not a preview.
 */
import * as path from "node:path";
import type { NativeProvider } from "./types";
import { withServiceWrapped, type Handler } from "./service-hook";

interface ConfigureRequest {
  getVariablesMap(): { forEach(fn: (value: string, key: string) => void): void };
}

/** Settings from the Configure request's variables (`yeastar:config:clientId`, ...), as settings.ts reads them. */
export function configFromVariables(request: ConfigureRequest): { get(key: string): string | undefined } {
  const values = new Map<string, string>();
  request.getVariablesMap().forEach((value, key) => {
    // `<package>:config:<name>` (how the engine names provider configuration) -> `<package>:<name>`.
    values.set(key.replace(/^([^:]+):config:/, "$1:"), value);
  });
  return { get: (key) => values.get(key) };
}

/** The engine address: the first argument that is not one of the flags the engine may pass before it. */
export function engineAddress(args: string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--logtostderr" || args[i].startsWith("-v=")) continue;
    if (args[i] === "--tracing") {
      i++;
      continue;
    }
    rest.push(args[i]);
  }
  return rest[0];
}

type Struct = { toJavaScript(): Record<string, unknown> };

/** The messages a preview's create and update answer with, from the SDK's own protobuf modules. */
export interface Wire {
  CreateResponse: new () => { setId(id: string): void; setProperties(value: unknown): void };
  UpdateResponse: new () => { setProperties(value: unknown): void };
  Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
}

/** The SDK's protobuf modules (the ones its server answers with). */
export function sdkWire(): Wire {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const provproto = require(path.join(sdkDir, "proto", "provider_pb")) as Pick<
    Wire,
    "CreateResponse" | "UpdateResponse"
  >;
  const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] })) as {
    Struct: Wire["Struct"];
  };
  return {
    CreateResponse: provproto.CreateResponse,
    UpdateResponse: provproto.UpdateResponse,
    Struct: structproto.Struct,
  };
}

/** Wraps the SDK server's service object (see the module comment). */
export function wrapService(
  service: Record<string, Handler>,
  preview: Pick<NativeProvider, "previewCreate" | "previewUpdate">,
  wire: Wire = sdkWire(),
): void {
  const configure = service.configure.bind(service);
  service.configure = (call, callback) => {
    try {
      const { configure: configureSettings } = require("../runtime/settings") as typeof import("../runtime/settings");
      configureSettings(configFromVariables(call.request as unknown as ConfigureRequest));
    } catch (err) {
      callback(err);
      return;
    }
    configure(call, (err, response) => {
      const reply = response as
        { setAcceptsecrets?(v: boolean): void; setSupportspreview?(v: boolean): void } | undefined;
      reply?.setAcceptsecrets?.(false);
      reply?.setSupportspreview?.(true);
      callback(err, response);
    });
  };
  const previews = {
    create: async (request: Record<string, () => unknown>) => {
      const result = await preview.previewCreate(
        request.getUrn() as string,
        (request.getProperties() as Struct).toJavaScript(),
      );
      const response = new wire.CreateResponse();
      response.setId(result.id);
      response.setProperties(wire.Struct.fromJavaScript(result.outs));
      return response;
    },
    update: async (request: Record<string, () => unknown>) => {
      const result = await preview.previewUpdate(
        request.getId() as string,
        request.getUrn() as string,
        (request.getOlds() as Struct).toJavaScript(),
        (request.getNews() as Struct).toJavaScript(),
      );
      const response = new wire.UpdateResponse();
      response.setProperties(wire.Struct.fromJavaScript(result.outs));
      return response;
    },
  };
  for (const method of ["create", "update"] as const) {
    const original = service[method].bind(service);
    service[method] = (call, callback) => {
      if (call.request.getPreview?.() !== true) {
        original(call, callback);
        return;
      }
      previews[method](call.request).then(
        (response) => callback(undefined, response),
        (err: unknown) => callback(err),
      );
    };
  }
}

async function serve(args: string[]): Promise<void> {
  // pulumi.log sends messages to the engine at this address (the SDK reads it from the environment).
  const address = engineAddress(args);
  if (address) process.env.PULUMI_NODEJS_ENGINE = address;
  const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
  const { nativeProvider } = require("./plugin-provider") as typeof import("./plugin-provider");
  const { packageVersion } = require("../client/transport") as typeof import("../client/transport");
  const native = nativeProvider({ version: packageVersion() });
  // The SDK offers no supported way to see the configuration (service-hook.ts says why): wrap its service object.
  await withServiceWrapped(
    (implementation) => wrapService(implementation, native),
    () => main(native, args),
  );
}

if (require.main === module) {
  serve(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`pulumi-resource-yeastar: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
