import { PSeriesCloudPbx } from "pulumi-yeastar-pseries";

// Run: pulumi preview --policy-pack ../../policy --policy-pack-config policy-config.json
new PSeriesCloudPbx(
  "support-desk",
  {
    pbxName: "Support Desk",
    subdomain: "support-desk",
    region: "Europe",
    plan: "ultimate",
    extensions: 400,
    billingCycle: "annually",
    billingContact: "ap@acme.example",
  },
  { protect: true },
);
