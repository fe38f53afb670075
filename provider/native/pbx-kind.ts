/**
 * The native plugin's handler of one PBX-configuration kind (PbxExtension, PbxInboundRoute, ...): every method is
 * one call of the kind's engine, the same the dynamic resource calls, with the messages attached to the resource.
 * A preview changes nothing on the PBX: the id the PBX gives is not known until `up`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resolvePbxApi } from "../runtime/pbx-api-settings";
import type { Deps } from "../runtime/deps";
import type { PbxKindDeps } from "../runtime/pbx-runs";
import type { TypeHandler, WithDeps } from "./types";

type Bag = Record<string, unknown>;

/** The entry points of a kind's engine (provider/extension/engine.ts is one). */
export interface PbxKindEngine {
  check(olds: Bag, news: Bag, deps: PbxKindDeps): Promise<pulumi.dynamic.CheckResult<Bag>>;
  diff(id: string, olds: object, news: Bag): pulumi.dynamic.DiffResult;
  create(inputs: Bag, deps: PbxKindDeps): Promise<{ id: string; outs: object }>;
  update(id: string, olds: object, news: Bag, deps: PbxKindDeps): Promise<{ outs: object }>;
  read(id: string, props: object | undefined, deps: PbxKindDeps): Promise<pulumi.dynamic.ReadResult<object>>;
  remove(id: string, props: object | undefined, deps: PbxKindDeps): Promise<void>;
}

export interface PbxKindOptions {
  /** The outputs a preview of a create shows besides the inputs (the ids, not known until `up`). */
  previewOutputs: Bag;
  /** What the plugin adds to the inputs check sees (e.g. the resource's name from its URN). */
  checkInputs?: (urn: string, news: Bag) => Bag;
}

/** The kind's methods, each a call of its engine. */
export function pbxKindHandler(withDeps: WithDeps, engine: PbxKindEngine, options: PbxKindOptions): TypeHandler {
  const deps = (d: Deps): PbxKindDeps => ({ pbxApi: resolvePbxApi, report: d.report });
  const checkInputs = options.checkInputs ?? ((_urn: string, news: Bag) => news);
  return {
    check: (urn, olds, news) => withDeps(urn, (d) => engine.check(olds ?? {}, checkInputs(urn, news ?? {}), deps(d))),
    diff: async (id, _urn, olds, news) => engine.diff(id, olds, news),
    create: (urn, inputs) => withDeps(urn, (d) => engine.create(inputs, deps(d))),
    update: (id, urn, olds, news) => withDeps(urn, (d) => engine.update(id, olds, news, deps(d))),
    previewCreate: async (_urn, inputs) => ({ id: "", outs: { ...inputs, ...options.previewOutputs } }),
    previewUpdate: async (id, _urn, olds, news) => ({ id, outs: { ...olds, ...news } }),
    read: (id, urn, props) =>
      withDeps(urn, async (d) => {
        const r = await engine.read(id, props, deps(d));
        return r.id ? { id: r.id, props: r.props as Bag, inputs: r.inputs as Bag } : { id: "", props: {} };
      }),
    delete: (id, urn, props) => withDeps(urn, (d) => engine.remove(id, props, deps(d))),
  };
}
