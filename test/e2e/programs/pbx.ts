/**
 * End-to-end test program: declares the PBXs described by the JSON in config `e2e:pbxs`
 * (`[{ "name": ..., "args": {...}, "protect"?: bool }]`) and exports each one's outputs; the customers of
 * `e2e:customers`, the extensions of `e2e:extensions` (`[{ "name", "pbx": <a PBX's name>, "args" }]`), and the
 * inbound routes of `e2e:routes` (`[{ "name", "pbx", "to": <an extension's name in e2e:extensions>, "args" }]`:
 * `to` passes that extension's `number` output, so the route is created after it; or `args.destinationExtension`).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  Customer,
  PbxExtension,
  PbxInboundRoute,
  PSeriesCloudPbx,
  type CustomerArgs,
  type PbxExtensionArgs,
  type PbxInboundRouteArgs,
  type PSeriesCloudPbxArgs,
} from "../../../provider";

interface Spec {
  name: string;
  args: PSeriesCloudPbxArgs;
  protect?: boolean;
  /** Name of a customer in `e2e:customers` whose partnerId is the PBX's owner. */
  ownerOf?: string;
}

const config = new pulumi.Config("e2e");
const customerSpecs = config.getObject<Array<{ name: string; args: CustomerArgs }>>("customers") ?? [];
const customers = new Map(customerSpecs.map((c) => [c.name, new Customer(c.name, c.args)]));
export const customerIds = Object.fromEntries([...customers].map(([name, c]) => [name, c.partnerId]));

const specs = config.requireObject<Spec[]>("pbxs");
const out: Record<string, pulumi.Output<unknown>> = {};
const pbxResources: PSeriesCloudPbx[] = [];
for (const spec of specs) {
  const owner = spec.ownerOf ? customers.get(spec.ownerOf)?.partnerId : undefined;
  const args = owner ? { ...spec.args, owner } : spec.args;
  const pbx = new PSeriesCloudPbx(spec.name, args, { protect: spec.protect ?? false });
  pbxResources.push(pbx);
  out[spec.name] = pulumi
    .all([
      pbx.instanceId,
      pbx.orderNo,
      pbx.productNo,
      pbx.pbxUrl,
      pbx.orderStatus,
      pbx.extensions,
      pbx.plan,
      pbx.autoRenew,
    ])
    .apply(([instanceId, orderNo, productNo, pbxUrl, orderStatus, extensions, plan, autoRenew]) => ({
      instanceId,
      orderNo,
      productNo,
      pbxUrl,
      orderStatus,
      extensions,
      plan,
      ...(autoRenew === undefined ? {} : { autoRenew }),
    }));
}
export const pbxs = out;

const extensionSpecs =
  config.getObject<Array<{ name: string; pbx: string; args: Omit<PbxExtensionArgs, "pbx"> }>>("extensions") ?? [];
const byName = new Map(specs.map((spec, i) => [spec.name, i]));
const extensionOut: Record<string, pulumi.Output<unknown>> = {};
const extensionResources = new Map<string, PbxExtension>();
for (const e of extensionSpecs) {
  const pbx = pbxResources[byName.get(e.pbx) ?? -1];
  if (!pbx) throw new Error(`extension ${e.name}: no PBX named ${e.pbx} in e2e:pbxs`);
  const ext = new PbxExtension(e.name, { ...e.args, pbx });
  extensionResources.set(e.name, ext);
  extensionOut[e.name] = pulumi
    .all([ext.extensionId, ext.number, ext.email])
    .apply(([extensionId, number, email]) => ({ extensionId, number, email }));
}
export const extensions = extensionOut;

const routeSpecs =
  config.getObject<
    Array<{
      name: string;
      pbx: string;
      to?: string;
      args: Omit<PbxInboundRouteArgs, "pbx" | "destinationExtension"> & { destinationExtension?: string };
    }>
  >("routes") ?? [];
const routeOut: Record<string, pulumi.Output<unknown>> = {};
for (const r of routeSpecs) {
  const pbx = pbxResources[byName.get(r.pbx) ?? -1];
  if (!pbx) throw new Error(`route ${r.name}: no PBX named ${r.pbx} in e2e:pbxs`);
  const to = r.to === undefined ? undefined : extensionResources.get(r.to);
  if (r.to !== undefined && !to) throw new Error(`route ${r.name}: no extension named ${r.to} in e2e:extensions`);
  const destinationExtension = to ? to.number : r.args.destinationExtension;
  if (destinationExtension === undefined) throw new Error(`route ${r.name}: set to or args.destinationExtension`);
  const route = new PbxInboundRoute(r.name, { ...r.args, pbx, destinationExtension });
  routeOut[r.name] = pulumi
    .all([route.routeId, route.name, route.destinationExtension, route.adopted])
    .apply(([routeId, name, destinationExtension, adopted]) => ({ routeId, name, destinationExtension, adopted }));
}
export const routes = routeOut;
