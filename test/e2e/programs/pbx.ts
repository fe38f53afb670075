/**
 * End-to-end test program: declares the PBXs described by the JSON in config `e2e:pbxs`
 * (`[{ "name": ..., "args": {...}, "protect"?: bool }]`) and exports each one's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "../../../provider";

interface Spec {
  name: string;
  args: PSeriesCloudPbxArgs;
  protect?: boolean;
}

const specs = new pulumi.Config("e2e").requireObject<Spec[]>("pbxs");
const out: Record<string, pulumi.Output<unknown>> = {};
for (const spec of specs) {
  const pbx = new PSeriesCloudPbx(spec.name, spec.args, { protect: spec.protect ?? false });
  out[spec.name] = pulumi
    .all([pbx.instanceId, pbx.orderNo, pbx.productNo, pbx.pbxUrl, pbx.orderStatus, pbx.extensions, pbx.plan])
    .apply(([instanceId, orderNo, productNo, pbxUrl, orderStatus, extensions, plan]) => ({
      instanceId,
      orderNo,
      productNo,
      pbxUrl,
      orderStatus,
      extensions,
      plan,
    }));
}
export const pbxs = out;
