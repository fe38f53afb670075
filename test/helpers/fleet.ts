/** A fleet of PBXs bought in the sandbox through the real client, for lookup and import tests. */
import { PCE_PRODUCT_ID, PLANS, SERVICES, type BillingCycle, type PlanName } from "../../provider/api/catalog";
import type { OrderRequest, ServiceItem } from "../../provider/api/schemas";
import { PartnerClient } from "../../provider/client/client";

export const CONTACT_ACME = "3197218168379846218";
export const USERS = {
  one: { partnerId: "3076913644915998721", email: "it@customer-one.example" },
  two: { partnerId: "3076913644915998723", email: "it@customer-two.example" },
} as const;

/** Sandbox regions: [region id, region name, sub-domain id, suffix]. */
const PLACES = [
  ["41", "Europe", "20", "eu.sandbox.yeastarcloud.com"],
  ["41", "Europe", "21", "de.sandbox.yeastarcloud.com"],
  ["42", "North America", "30", "us.sandbox.yeastarcloud.com"],
  ["43", "Asia Pacific", "40", "ap.sandbox.yeastarcloud.com"],
] as const;

export interface FleetPbx {
  pbxName: string;
  subdomain: string;
  regionId: string;
  regionName: string;
  pbxSubDomainId: string;
  suffix: string;
  plan: PlanName;
  extensions: number;
  billingCycle: BillingCycle;
  highAvailability: boolean;
  recordingMinutes: number;
  /** Subordinate user's partner id, or "" for none. */
  assignId: string;
}

/** `n` PBXs that differ in region, domain, plan, size, cycle, services and owner (deterministic). */
export function fleetOf(n: number, prefix = "site"): FleetPbx[] {
  return Array.from({ length: n }, (_, i) => {
    const [regionId, regionName, pbxSubDomainId, suffix] = PLACES[i % PLACES.length];
    return {
      pbxName: `Site ${i + 1} ${i % 3 === 0 ? "HQ" : "Branch"}`,
      subdomain: `${prefix}-${String(i + 1).padStart(2, "0")}`,
      regionId,
      regionName,
      pbxSubDomainId,
      suffix,
      plan: i % 2 === 0 ? "enterprise" : "ultimate",
      extensions: 5 + i * 7,
      billingCycle: i % 3 === 2 ? "monthly" : "annually",
      highAvailability: i % 4 === 1,
      recordingMinutes: i % 5 === 0 ? 0 : 100 * i,
      assignId: [USERS.one.partnerId, USERS.two.partnerId, ""][i % 3],
    };
  });
}

function item(serviceId: string, quantity: number, pbx: FleetPbx, plan?: string): ServiceItem {
  return {
    serviceType: plan ? "service" : "plan",
    serviceId,
    ...(plan ? { connectionPlanId: plan } : {}),
    quantity,
    purchaseType: "purchase",
    billingModel: "recurring",
    billingCycle: pbx.billingCycle,
    multiCycle: 0,
  };
}

export function purchaseOf(pbx: FleetPbx, billingId = CONTACT_ACME): OrderRequest {
  const planId = PLANS[pbx.plan];
  const serviceList = [item(planId, pbx.extensions, pbx)];
  if (pbx.highAvailability) serviceList.push(item(SERVICES.highAvailability, pbx.extensions, pbx, planId));
  if (pbx.recordingMinutes > 0) serviceList.push(item(SERVICES.recordingMinutes, pbx.recordingMinutes, pbx, planId));
  return {
    operationType: "purchase_plan",
    productId: PCE_PRODUCT_ID,
    billingId,
    ...(pbx.assignId ? { assignId: pbx.assignId } : {}),
    serviceList,
    orderPceSpecialRequest: {
      pbxName: pbx.pbxName,
      regionId: pbx.regionId,
      pbxSubDomainId: pbx.pbxSubDomainId,
      pbxUrl: `${pbx.subdomain}.${pbx.suffix}`,
    },
  };
}

/** Buys every PBX through the API, as a partner would have done before using this package. */
export async function buyFleet(baseUrl: string, clientSecret: string, pbxs: FleetPbx[]): Promise<void> {
  const client = new PartnerClient({ baseUrl, clientId: "sandbox-client", clientSecret });
  for (const pbx of pbxs) {
    const result = await client.createOrder(purchaseOf(pbx));
    if (result.orderStatus !== "succeed") throw new Error(`buying ${pbx.subdomain}: ${result.orderStatus}`);
  }
}
