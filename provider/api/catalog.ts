/**
 * Facts about the P-Series Cloud Edition product in the Yeastar Partner Portal, shared by the client, the
 * provider, the sandbox and the policy pack. IDs are 64-bit and stay decimal strings in our code.
 */

/** `productId` of "Cloud PBX (PCE Instance)" / P-Series Cloud Edition. */
export const PCE_PRODUCT_ID = 13;

export const PLANS = {
  enterprise: "3048571730026938368",
  ultimate: "3048572026291630080",
} as const;
export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = ["enterprise", "ultimate"] as const satisfies readonly PlanName[];

export const SERVICES = {
  extensionExpansion: "3048573516041273344",
  recordingMinutes: "3048573759449317376",
  highAvailability: "3048573935752720384",
} as const;
export type ServiceName = keyof typeof SERVICES;

export const BILLING_CYCLES = ["monthly", "annually"] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

/** A billing cycle as the portal wrote it, when it is one of ours ("monthly", "annually"); else undefined. */
export function billingCycleOf(value: unknown): BillingCycle | undefined {
  return BILLING_CYCLES.find((c) => c === value);
}

/** Highest request rate a client may be set to (`requestsPerSecond`, `yeastar:requestsPerSecond`). */
export const MAX_REQUESTS_PER_SECOND = 1000;

export const MIN_EXTENSIONS = 5;
export const MAX_EXTENSIONS = 500;
/** Our own cap on the `recordingMinutes` input (the total a PBX holds); the API documents none (docs/api-assumptions.md). */
export const MAX_RECORDING_MINUTES = 1_000_000;

/** Ultimate ranks above Enterprise; a switch to a higher plan must keep the billing cycle. */
export const PLAN_RANK: Record<PlanName, number> = { enterprise: 1, ultimate: 2 };

export function planNameOf(planId: string): PlanName | undefined {
  return PLAN_NAMES.find((name) => PLANS[name] === planId);
}

/** Paths of the endpoints we use, relative to the base URL. */
export const PATHS = {
  token: "/auth/openapi/v1/oauth/token",
  regionList: "/product/openapi/instance/v1/region_list",
  pbxUrlExisted: "/product/openapi/instance/v1/paug_pbx_url_existed",
  billingContactList: "/user/openapi/user/v1/client/billing_contact_list",
  subordinateUserList: "/user/openapi/user/v1/client/partner_list",
  subordinateUser: "/user/openapi/user/v1/subordinate_user", // + "/{partnerId or Yeastar ID}"
  saveUser: "/user/openapi/user/v1/client/save_user",
  countryList: "/user/openapi/area/v1/page",
  productList: "/product/openapi/instance_product/v1/client/instance_product_list",
  productDetail: "/product/openapi/instance_product/v1/detail",
  orderSave: "/order/openapi/order/v1/save",
  orderList: "/order/openapi/order/v1/page",
  orderDetail: "/order/openapi/order/v1/get", // + "/{id}"
  priceCalculate: "/pricing/openapi/purchase/v1/pricing/calculate",
  // Auto-renewal (Partner Portal developer guide: "Enable Auto-renewal", "Query Auto Renewal Status"); there is no
  // documented call that turns it off (docs/architecture.md, "Auto-renewal").
  autoRenewEnable: "/product/openapi/instance_subscription/v1/active",
  autoRenewStatus: "/order/openapi/order/v1/check/existed_auto_renew",
} as const;
export type EndpointName = keyof typeof PATHS;

/** Request fields that carry 64-bit IDs; they go on the wire as bare JSON integers. */
export const ID_FIELDS = [
  "billingId",
  "serviceId",
  "connectionPlanId",
  "pricingId",
  "regionId",
  "pbxSubDomainId",
  "planOrServiceId",
] as const;
