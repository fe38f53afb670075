/**
 * The native provider: the same engine as the dynamic resource (provider/pbx/engine.ts), served through the
 * Pulumi Node.js SDK's provider interface to Pulumi YAML programs, `pulumi import` and any language. Every method
 * is one call of the engine function the dynamic provider calls, so the money rules hold for both
 * (docs/architecture.md, "Native provider plugin"). What differs is only the wire:
 *
 * - Messages are sent to the engine with the resource's URN, so the CLI shows them on the PBX.
 * - check cannot tell a preview from an update (the provider protocol gives check no such flag, and a YAML program
 *   cannot add the dynamic resource's hidden flag), so it always plans as in a preview: the safe side the engine
 *   takes without the flag. create and update are never called in a preview: the plugin does not announce
 *   preview support (main.ts), so the engine skips them.
 * - read without state (an import) finds the PBX by the id alone (provider/pbx/import.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import * as engine from "../pbx/engine";
import { defaultDeps, type Deps } from "../pbx/deps";
import { NATIVE_PBX_TYPE, urnType, type PbxState } from "../api/contract";
import { DRY_RUN_KEY } from "../pbx/inputs";
import type { Reporter } from "../pbx/settings";
import { packageSchema } from "./schema";

/** Sends one message; the promise settles when the engine has it. */
type Log = (message: string, urn: string) => Promise<void> | void;

export interface NativeOptions {
  version: string;
  /** Where messages go; by default the engine's log, attached to the resource. */
  log?: { info: Log; warn: Log };
  /** The engine's dependencies (tests give a fake API); messages still go through `log`. */
  deps?: () => Deps;
}

/** Messages to the engine's log with the resource's URN (pulumi.log takes a resource; only its URN is used). */
function engineLog(level: "info" | "warn"): Log {
  return (message, urn) => {
    const pulumiSdk = require("@pulumi/pulumi") as typeof pulumi;
    const resource = { urn: pulumiSdk.output(urn) } as unknown as pulumi.Resource;
    return pulumiSdk.log[level](message, resource);
  };
}

/** Values a program may not set: the engine's own markers (the dynamic resource's provider code and preview flag). */
function withoutMarkers(news: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, [DRY_RUN_KEY]: _dryRun, ...rest } = news ?? {};
  return rest;
}

/** What the plugin does for one resource type: the SDK's resource methods, once the type is known. */
export type TypeHandler = Required<Pick<provider.Provider, "check" | "diff" | "create" | "read" | "update" | "delete">>;

/** Runs one engine call with messages attached to a resource's URN (see `nativeProvider`). */
type WithDeps = <T>(urn: string, run: (deps: Deps) => Promise<T>) => Promise<T>;

/** PSeriesCloudPbx: every method is the engine entry point the dynamic provider calls. */
function pbxHandler(withDeps: WithDeps): TypeHandler {
  return {
    check: (urn, olds, news) => withDeps(urn, (d) => engine.check(olds ?? {}, withoutMarkers(news), d)),
    diff: (id, _urn, olds, news) => engine.diffWithPortal(id, olds as PbxState, news),
    create: (urn, inputs) => withDeps(urn, (d) => engine.create(inputs, d)),
    update: (id, urn, olds, news) => withDeps(urn, (d) => engine.update(id, olds as PbxState, news, d)),
    read: (id, urn, props) =>
      withDeps(urn, async (d) => {
        const state = props && Object.keys(props).length > 0 ? (props as PbxState) : undefined;
        const result = await engine.read(id, state, d);
        // A PBX the portal no longer has: an empty id tells the engine it is gone.
        return result.id ? result : { id: "", props: {} };
      }),
    delete: (id, urn, props) => withDeps(urn, (d) => engine.remove(id, props as Partial<PbxState>, d)),
  };
}

export function nativeProvider(options: NativeOptions): provider.Provider {
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
  // One handler per type token: a second resource type is one more entry (and its schema in schema.ts).
  const handlers = new Map<string, TypeHandler>([[NATIVE_PBX_TYPE, pbxHandler(withDeps)]]);
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
  const schema = JSON.stringify(packageSchema(options.version));
  return {
    version: options.version,
    schema,
    check: async (urn, olds, news) => route(urn).check(urn, olds, news),
    diff: async (id, urn, olds, news) => route(urn).diff(id, urn, olds, news),
    create: async (urn, inputs) => route(urn).create(urn, inputs),
    update: async (id, urn, olds, news) => route(urn).update(id, urn, olds, news),
    read: async (id, urn, props) => route(urn).read(id, urn, props),
    delete: async (id, urn, props) => route(urn).delete(id, urn, props),
  };
}
