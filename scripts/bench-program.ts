/**
 * Benchmark program: a fleet of `bench:count` PBXs, each with `bench:extensions` extensions.
 */
import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx } from "../provider";

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const extensions = config.requireNumber("extensions");

for (let i = 0; i < count; i++) {
  new PSeriesCloudPbx(`pbx-${i}`, {
    pbxName: `Bench customer ${i}`,
    subdomain: `bench-${i}`,
    region: "Europe",
    plan: "enterprise",
    extensions,
    billingCycle: "annually",
    billingContact: "ap@acme.example",
  });
}
export const fleetSize = count;
