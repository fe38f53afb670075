import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx } from "pulumi-yeastar-pseries";

// A PBX is a purchase: protect it so `pulumi destroy` cannot drop it from the stack by accident.
const config = new pulumi.Config();
const hq = new PSeriesCloudPbx(
  "acme-hq",
  {
    pbxName: "Acme HQ",
    subdomain: "acme-hq",
    region: "Europe",
    plan: "enterprise",
    extensions: config.getNumber("extensions") ?? 100, // raise it with `pulumi config set extensions <n>`
    billingCycle: "annually",
    highAvailability: true,
    billingContact: "ap@acme.example",
    poNumber: "PO-2026-0042",
  },
  { protect: true },
);

export const instanceId = hq.instanceId;
export const orderNo = hq.orderNo;
export const serialNumber = hq.productNo;
export const pbxUrl = hq.pbxUrl;
