import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx } from "pulumi-yeastar-pseries";
import customers from "./customers.json";

interface Customer {
  customer: string;
  owner: string;
  subdomain: string;
  extensions: number;
  plan: "enterprise" | "ultimate";
  highAvailability: boolean;
}

const config = new pulumi.Config();
const region = config.get("region") ?? "Europe";
const billingContact = config.get("billingContact") ?? "ap@acme.example";
const protect = config.getBoolean("protect") ?? true;

export const fleet: Record<string, pulumi.Output<{ pbxUrl: string; serialNumber: string; orderNo: string }>> = {};
for (const c of customers as Customer[]) {
  const pbx = new PSeriesCloudPbx(
    c.subdomain,
    {
      pbxName: c.customer,
      subdomain: c.subdomain,
      region,
      plan: c.plan,
      extensions: c.extensions,
      billingCycle: "annually",
      highAvailability: c.highAvailability,
      billingContact,
      owner: c.owner, // the subordinate user (customer) who receives the PBX
    },
    { protect },
  );
  fleet[c.customer] = pulumi
    .all([pbx.pbxUrl, pbx.productNo, pbx.orderNo])
    .apply(([pbxUrl, serialNumber, orderNo]) => ({ pbxUrl, serialNumber, orderNo }));
}
