#!/usr/bin/env node
/**
 * yeastar-sandbox: runs the Partner Portal simulator (and each PBX's own API) until SIGINT or SIGTERM. The client
 * secrets come from the environment only, so they never show in the process list.
 */
import { rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

/**
 * fastify is an optional dependency of the package: provider users who never run the sandbox may install without
 * it (`--omit=optional`). Say so plainly instead of failing with a stack trace.
 */
function loadSandbox(): typeof import("./index") {
  try {
    require.resolve("fastify");
  } catch {
    console.error(
      "yeastar-sandbox: the sandbox needs the package `fastify`, an optional dependency of pulumi-yeastar-pseries " +
        "that is not installed here (installed with --omit=optional?). Install it with `npm install fastify@^5`.",
    );
    process.exit(3);
  }
  return require("./index") as typeof import("./index");
}

const USAGE = `usage: yeastar-sandbox [--port 8787] [--host 127.0.0.1] [--state file.json] [--client-id ID]
                       [--latency-ms N] [--order-pending-ms N] [--token-lifetime SECONDS] [--log]
                       [--rate-limit REQUESTS_PER_SECOND] [--pid-file FILE] [--pbx-client-id ID]
--rate-limit answers 429 too_many_requests with a Retry-After header (seconds) to API requests beyond that many per
second (all endpoints together; a token bucket of that size), like a real portal's rate limit. Default: no limit.
--pid-file writes the process id there once listening (and removes it on exit), so a script that started the
sandbox in the background through npx can stop the sandbox itself rather than the npx wrapper.
The client secret is read from YEASTAR_SANDBOX_CLIENT_SECRET (default "sandbox-secret").
Each PBX's own API is served under /pbx/<pbxUrl>/openapi/v1.0/; its client id is --pbx-client-id (default
"pbx-client"), its secret YEASTAR_SANDBOX_PBX_CLIENT_SECRET (default "pbx-secret").`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0)) {
    throw new Error(`--${name} must be a positive number of requests per second, got ${JSON.stringify(text)}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      state: { type: "string" },
      "client-id": { type: "string" },
      "latency-ms": { type: "string" },
      "order-pending-ms": { type: "string" },
      "token-lifetime": { type: "string" },
      log: { type: "boolean", default: false },
      "pid-file": { type: "string" },
      "rate-limit": { type: "string" },
      "pbx-client-id": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { startSandbox } = loadSandbox();
  const sandbox = await startSandbox({
    port: integer("port", values.port),
    host: values.host,
    stateFile: values.state,
    clientId: values["client-id"],
    clientSecret: process.env.YEASTAR_SANDBOX_CLIENT_SECRET || undefined,
    latencyMs: integer("latency-ms", values["latency-ms"]),
    orderPendingMs: integer("order-pending-ms", values["order-pending-ms"]),
    tokenLifetimeSeconds: integer("token-lifetime", values["token-lifetime"]),
    logger: values.log,
    rateLimitPerSecond: positiveNumber("rate-limit", values["rate-limit"]),
    pbxClientId: values["pbx-client-id"],
    pbxClientSecret: process.env.YEASTAR_SANDBOX_PBX_CLIENT_SECRET || undefined,
  });
  const pidFile = values["pid-file"];
  const stop = () => {
    if (pidFile) rmSync(pidFile, { force: true });
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`yeastar-sandbox: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  // Handlers first: whoever reads the listening line or the pid file may signal at once.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (pidFile) writeFileSync(pidFile, `${process.pid}\n`);
  console.log(`yeastar-sandbox listening on ${sandbox.url}`);
}

main().catch((error: unknown) => {
  console.error(`yeastar-sandbox: ${(error as Error).message}`);
  console.error(USAGE);
  process.exit(2);
});
