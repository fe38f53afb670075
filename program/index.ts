/**
 * The root program (`Pulumi.yaml` at the repository root): one PBX, as a reseller would declare it. `npm run
 * demo` runs it against the local sandbox; every value can be overridden with stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx } from "../provider";

const config = new pulumi.Config("demo");

const pbx = new PSeriesCloudPbx(
  "acme-hq",
  {
    pbxName: config.get("pbxName") ?? "Acme HQ",
    subdomain: config.get("subdomain") ?? "acme-hq",
    region: config.get("region") ?? "Europe",
    plan: (config.get("plan") as "enterprise" | "ultimate" | undefined) ?? "enterprise",
    extensions: config.getNumber("extensions") ?? 50,
    billingCycle: (config.get("billingCycle") as "monthly" | "annually" | undefined) ?? "annually",
    highAvailability: config.getBoolean("highAvailability") ?? false,
    billingContact: config.get("billingContact") ?? "ap@acme.example",
  },
  { protect: config.getBoolean("protect") ?? false },
);

export const instanceId = pbx.instanceId;
export const orderNo = pbx.orderNo;
export const productNo = pbx.productNo;
export const pbxUrl = pbx.pbxUrl;
export const orderStatus = pbx.orderStatus;
export const priceEstimate = pbx.priceEstimate;
