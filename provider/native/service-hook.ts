/**
 * The one place the plugin reaches into what the SDK does not expose: the service object its provider server
 * registers with gRPC. Why (docs/architecture.md, "Native provider plugin"): `main(provider, args)` of
 * `@pulumi/pulumi/provider` takes the provider object and nothing else, the `Provider` interface has no `configure`
 * method, and the SDK's own `configure` answers without reading the configuration and with `acceptSecrets: true`;
 * its server class is not exported. So the plugin catches the service object on its way into gRPC's `addService`
 * (the gRPC module the SDK itself loads), lets `wrap` replace methods on it, and puts `addService` back after.
 */
import * as path from "node:path";

export type Callback = (err: unknown, value?: unknown) => void;
export type Handler = (call: { request: Record<string, () => unknown> }, callback: Callback) => void;

interface GrpcServer {
  prototype: { addService(service: unknown, implementation: Record<string, Handler>): void };
}

/** The gRPC `Server` class the SDK registers its provider service with. */
function sdkGrpcServer(): GrpcServer {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return (require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] })) as { Server: GrpcServer }).Server;
}

/**
 * Runs `serve` (the SDK's `main`) with every service it registers passed to `wrap` first. Throws after `serve`
 * when no service was registered: an SDK that changed this path must stop the plugin, not leave it unconfigured.
 */
export async function withServiceWrapped(
  wrap: (implementation: Record<string, Handler>) => void,
  serve: () => Promise<void>,
): Promise<void> {
  const Server = sdkGrpcServer();
  const addService = Server.prototype.addService;
  let wrapped = false;
  Server.prototype.addService = function (this: unknown, service, implementation) {
    wrap(implementation);
    wrapped = true;
    return addService.call(this, service, implementation);
  };
  try {
    await serve();
  } finally {
    Server.prototype.addService = addService;
  }
  if (!wrapped) throw new Error("internal error: the SDK's provider service was not found to configure it");
}
