import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx } from "pulumi-yeastar-pseries";

// Change these with `pulumi config set` and run `pulumi up`: each increase is one follow-up order.
const config = new pulumi.Config();
const branch = new PSeriesCloudPbx(
  "branch",
  {
    pbxName: "Acme Branch",
    subdomain: "acme-branch",
    region: "Europe",
    plan: (config.get("plan") as "enterprise" | "ultimate" | undefined) ?? "enterprise",
    extensions: config.getNumber("extensions") ?? 20,
    billingCycle: "monthly",
    highAvailability: config.getBoolean("highAvailability") ?? false,
    recordingMinutes: config.getNumber("recordingMinutes") ?? 0,
    billingContact: "ap@acme.example",
  },
  { protect: true },
);

export const pbxUrl = branch.pbxUrl;
export const extensions = branch.extensions;
export const orders = branch.orders;
