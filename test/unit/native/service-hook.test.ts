/** The one reach into the SDK (provider/native/service-hook.ts): it sees every service registered, then lets go. */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { withServiceWrapped, type Handler } from "../../../provider/native/service-hook";

/** The gRPC module the SDK loads (the hook patches this one). */
function sdkGrpc(): {
  Server: new () => { addService(s: unknown, impl: Record<string, Handler>): void; forceShutdown(): void };
} {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
}

/** The provider service definition the SDK registers (its generated gRPC code). */
function sdkProviderService(): unknown {
  return require("@pulumi/pulumi/proto/provider_grpc_pb").ResourceProviderService;
}

describe("native plugin: the SDK service hook", function () {
  it("passes the implementation of a service registered during serve to wrap, and restores addService", async function () {
    const grpc = sdkGrpc();
    const original = grpc.Server.prototype.addService;
    const seen: Array<Record<string, Handler>> = [];
    const impl: Record<string, Handler> = {};
    await withServiceWrapped(
      (implementation) => {
        seen.push(implementation);
        implementation.configure = (_call, callback) => callback(null, "wrapped");
      },
      async () => {
        assert.notEqual(grpc.Server.prototype.addService, original, "patched while serving");
        const server = new grpc.Server();
        server.addService(sdkProviderService(), impl);
        server.forceShutdown();
      },
    );
    assert.equal(grpc.Server.prototype.addService, original, "restored after serving");
    assert.deepEqual(seen, [impl]);
    let reply: unknown;
    impl.configure({ request: {} }, (_err, value) => (reply = value));
    assert.equal(reply, "wrapped");
  });

  it("fails when serve registered no service, and restores addService when serve throws", async function () {
    const grpc = sdkGrpc();
    const original = grpc.Server.prototype.addService;
    await assert.rejects(
      withServiceWrapped(
        () => undefined,
        async () => undefined,
      ),
      /the SDK's provider service was not found/,
    );
    await assert.rejects(
      withServiceWrapped(
        () => undefined,
        async () => {
          throw new Error("bind failed");
        },
      ),
      /bind failed/,
    );
    assert.equal(grpc.Server.prototype.addService, original);
  });
});
