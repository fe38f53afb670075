/**
 * End-to-end test program: declares the PBXs described by the JSON in config `e2e:pbxs`
 * (`[{ "name": ..., "args": {...}, "protect"?: bool }]`) and exports each one's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Customer, PSeriesCloudPbx, type CustomerArgs, type PSeriesCloudPbxArgs } from "../../../provider";

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
for (const spec of specs) {
  const owner = spec.ownerOf ? customers.get(spec.ownerOf)?.partnerId : undefined;
  const args = owner ? { ...spec.args, owner } : spec.args;
  const pbx = new PSeriesCloudPbx(spec.name, args, { protect: spec.protect ?? false });
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
