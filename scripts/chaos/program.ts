/**
 * The fault campaign's Pulumi program: declares the PBXs listed in `fleet.json` in the project directory (the
 * campaign rewrites it before each step, which is cheaper than a `pulumi config set` per step) and exports what
 * each one has.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "../../provider";

interface Spec {
  name: string;
  args: PSeriesCloudPbxArgs;
}

const specs = JSON.parse(fs.readFileSync(path.join(process.cwd(), "fleet.json"), "utf8")) as Spec[];
const out: Record<string, pulumi.Output<unknown>> = {};
for (const spec of specs) {
  const pbx = new PSeriesCloudPbx(spec.name, spec.args);
  out[spec.name] = pulumi
    .all([pbx.productNo, pbx.pbxUrl, pbx.orderStatus, pbx.extensions, pbx.plan])
    .apply(([productNo, pbxUrl, orderStatus, extensions, plan]) => ({
      productNo,
      pbxUrl,
      orderStatus,
      extensions,
      plan,
    }));
}
export const pbxs = out;
