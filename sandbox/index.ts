/**
 * A local, stateful simulator of the Yeastar Partner Portal API, and of each bought PBX's own API (under
 * `sandbox.pbxBaseUrl(pbxUrl)`), for tests, demos and users' own CI.
 */
import type { AddressInfo } from "node:net";
import { buildServer } from "./server";
import { Simulator } from "./simulator";
import type { Sandbox, SandboxOptions } from "./types";
export { PBX_COUNTERS } from "./types";
export { DEFAULT_TRUNK } from "./pbx-store";

export type {
  ConfigPatch,
  FaultSpec,
  Price,
  Sandbox,
  SandboxAdmin,
  ExtensionSeed,
  PbxCounter,
  Quirk,
  SandboxEndpoint,
  StoredExtension,
  StoredInboundRoute,
  SandboxConfig,
  SandboxOptions,
  SandboxStats,
  StoredOrder,
  StoredOrderItem,
  StoredProduct,
  StoredService,
} from "./types";

function nonNegativeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative number`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const tokenLifetimeSeconds = nonNegativeInteger("tokenLifetimeSeconds", opts.tokenLifetimeSeconds, 1800);
  if (tokenLifetimeSeconds === 0) throw new TypeError("tokenLifetimeSeconds must be positive");
  const sim = new Simulator(
    {
      clientId: opts.clientId ?? "sandbox-client",
      clientSecret: opts.clientSecret ?? "sandbox-secret",
      pbxClientId: opts.pbxClientId ?? "pbx-client",
      pbxClientSecret: opts.pbxClientSecret ?? "pbx-secret",
    },
    {
      orderPendingMs: nonNegativeInteger("orderPendingMs", opts.orderPendingMs, 0),
      latencyMs: nonNegativeInteger("latencyMs", opts.latencyMs, 0),
      tokenLifetimeSeconds,
      rejectRefreshTokens: false,
      failOrdersForUrls: [],
      quirks: [],
      rateLimitPerSecond: nonNegativeNumber("rateLimitPerSecond", opts.rateLimitPerSecond, 0),
    },
    opts.stateFile,
  );
  const { app, connections } = buildServer(sim, { logger: opts.logger ?? false });
  const host = opts.host ?? "127.0.0.1";
  await app.listen({ port: nonNegativeInteger("port", opts.port, 0), host });
  const { port } = app.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    pbxBaseUrl: (pbxUrl) => `${url}/pbx/${pbxUrl}`,
    admin: sim,
    close() {
      closing ??= (async () => {
        connections.close();
        await app.close();
      })();
      return closing;
    },
  };
}
