/**
 * The native provider: the same engine as the dynamic resource (provider/pbx/engine.ts), served through the
 * Pulumi Node.js SDK's provider interface to Pulumi YAML programs, `pulumi import` and any language. Every method
 * is one call of the engine function the dynamic provider calls, so the money rules hold for both
 * (docs/architecture.md, "Native provider plugin"). What differs is only the wire:
 *
 * - Messages are sent to the engine with the resource's URN, so the CLI shows them on the PBX.
 * - The preview's plan is made where the protocol says a preview is: the plugin announces preview support (main.ts),
 *   so the engine calls create and update with `preview: true`, and `previewCreate`/`previewUpdate` plan and price
 *   what `up` will order, returned as the output `plannedOrders` of the preview only; they never order. check
 *   (which the protocol does not tell a preview from an update) only validates and resolves, so the stored inputs
 *   carry no `plannedOrders` and `up` prices each order shape once.
 * - read without state (an import) finds the PBX by the id alone (provider/pbx/read-by-id.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import * as engine from "../pbx/engine";
import { defaultDeps, type Deps } from "../runtime/deps";
import { NATIVE_PBX_TYPE, urnType } from "../api/contract";
import { DRY_RUN_KEY } from "../api/inputs";
import { FleetCounter } from "../runtime/large-fleet";
import type { Reporter } from "../runtime/settings";
import { CUSTOMER_TYPE, customerHandler } from "./customer";
import { EXTENSION_TYPE, extensionHandler } from "./extension";
import { INBOUND_ROUTE_TYPE, inboundRouteHandler } from "./inbound-route";
import { packageSchema } from "./schema";
import type { NativeProvider, TypeHandler, WithDeps } from "./types";

/** Sends one message; the promise settles when the engine has it. */
type Log = (message: string, urn: string) => Promise<void> | void;

export interface NativeOptions {
  version: string;
  /** Where messages go; by default the engine's log, attached to the resource. */
  log?: { info: Log; warn: Log };
  /** The engine's dependencies (tests give a fake API); messages still go through `log`. */
  deps?: () => Deps;
  /** Where PULUMI_SKIP_CHECKPOINTS and YEASTAR_LARGE_FLEET_THRESHOLD are read; by default the process's. */
  env?: Record<string, string | undefined>;
}

/**
 * Messages to the engine's log with the resource's URN (pulumi.log takes a resource; only its URN is used), or for
 * the whole stack when the URN is "".
 */
function engineLog(level: "info" | "warn"): Log {
  return (message, urn) => {
    const pulumiSdk = require("@pulumi/pulumi") as typeof pulumi;
    const resource = urn ? ({ urn: pulumiSdk.output(urn) } as unknown as pulumi.Resource) : undefined;
    return pulumiSdk.log[level](message, resource);
  };
}

/** Values a program may not set: the engine's own markers (the dynamic resource's provider code and preview flag). */
function withoutMarkers(news: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, [DRY_RUN_KEY]: _dryRun, ...rest } = news ?? {};
  return rest;
}

/** PSeriesCloudPbx: every method is the engine entry point the dynamic provider calls. */
function pbxHandler(withDeps: WithDeps, adviseOnFleet: (urn: string) => Promise<void>): TypeHandler {
  return {
    check: async (urn, olds, news) => {
      await adviseOnFleet(urn);
      return withDeps(urn, (d) => engine.check(olds ?? {}, withoutMarkers(news), d, "preview-methods"));
    },
    // The engine types the bags (olds, props) itself, in one place (pbx/state.ts: priorStateOf, storedStateOf).
    diff: (id, _urn, olds, news) => engine.diffWithPortal(id, olds, news),
    create: (urn, inputs) => withDeps(urn, (d) => engine.create(inputs, d)),
    update: (id, urn, olds, news) => withDeps(urn, (d) => engine.update(id, olds, news, d)),
    previewCreate: (urn, inputs) => withDeps(urn, (d) => engine.previewCreate(inputs, d)),
    previewUpdate: (id, urn, olds, news) => withDeps(urn, (d) => engine.previewUpdate(id, olds, news, d)),
    read: (id, urn, props) =>
      withDeps(urn, async (d) => {
        const result = await engine.read(id, props, d);
        // A PBX the portal no longer has: an empty id tells the engine it is gone.
        return result.id ? result : { id: "", props: {} };
      }),
    delete: (id, urn, props) => withDeps(urn, (d) => engine.remove(id, props, d)),
  };
}

export function nativeProvider(options: NativeOptions): NativeProvider {
  const log = options.log ?? { info: engineLog("info"), warn: engineLog("warn") };
  /**
   * Runs one engine call with messages attached to `urn`. The call returns only once the engine has every message:
   * a message still on its way when the operation ends may be lost (the engine can stop the plugin right after
   * the last step, as after a destroy).
   */
  const withDeps: WithDeps = async (urn, run) => {
    const sent: Array<Promise<void> | void> = [];
    const report: Reporter = {
      info: (m) => void sent.push(log.info(m, urn)),
      warn: (m) => void sent.push(log.warn(m, urn)),
    };
    try {
      return await run({ ...(options.deps ?? defaultDeps)(), report });
    } finally {
      await Promise.allSettled(sent);
    }
  };
  const schema = JSON.stringify(packageSchema(options.version));
  // The plugin checks every PBX of a run: past the threshold without the large-fleet mode, one warning for the
  // stack (large-fleet.ts).
  const fleet = new FleetCounter(options.env ?? process.env);
  const adviseOnFleet = async (urn: string) => {
    const advice = fleet.add(urn);
    if (advice) await log.warn(advice, "");
  };
  // One handler per type token: a second resource type is one more entry (and its schema in schema.ts).
  const handlers = new Map<string, TypeHandler>([
    [NATIVE_PBX_TYPE, pbxHandler(withDeps, adviseOnFleet)],
    [CUSTOMER_TYPE, customerHandler(withDeps)],
    [EXTENSION_TYPE, extensionHandler(withDeps)],
    [INBOUND_ROUTE_TYPE, inboundRouteHandler(withDeps)],
  ]);
  const route = (urn: string): TypeHandler => {
    const type = urnType(urn);
    const handler = handlers.get(type);
    if (!handler) {
      throw new Error(
        `unknown resource type ${JSON.stringify(type)}; this plugin serves ${[...handlers.keys()].join(", ")}`,
      );
    }
    return handler;
  };
  return {
    version: options.version,
    schema,
    check: async (urn, olds, news) => route(urn).check(urn, olds, news),
    diff: async (id, urn, olds, news) => route(urn).diff(id, urn, olds, news),
    create: async (urn, inputs) => route(urn).create(urn, inputs),
    update: async (id, urn, olds, news) => route(urn).update(id, urn, olds, news),
    previewCreate: async (urn, inputs) => route(urn).previewCreate(urn, inputs),
    previewUpdate: async (id, urn, olds, news) => route(urn).previewUpdate(id, urn, olds, news),
    read: async (id, urn, props) => route(urn).read(id, urn, props),
    delete: async (id, urn, props) => route(urn).delete(id, urn, props),
  };
}
