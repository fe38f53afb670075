/**
 * A `renew_plan` order: one more term of the PBX as it is. The guide's renewal tutorials state the rules the sandbox
 * enforces: the plan item renews the PBX's current plan (`purchaseType` "renew") for exactly its current extension
 * count, in its billing cycle (a renewal cannot change it), and the PBX's services renew in the same order, each
 * with `connectionPlanId` = the plan. Inferred (docs/api-assumptions.md): every service the PBX has must be in the
 * order (a renewal that leaves one out would let it lapse, which a buyer does not mean), and nothing it lacks;
 * a renewal is priced like a purchase of the same shape; the new term starts at the current expiry.
 */
import { SERVICES, planNameOf } from "../provider/api/catalog";
import type { ServiceItem } from "../provider/api/schemas";
import { checkDuplicates, complete, readOrderItem } from "./order-items";
import { existingProduct, type Obj, type OrderContext, Reasons } from "./request-fields";
import type { StoredProduct } from "./types";

const SERVICE_NAMES: Record<string, string> = {
  [SERVICES.highAvailability]: "High Availability",
  [SERVICES.recordingMinutes]: "Recording Minutes",
  [SERVICES.extensionExpansion]: "Extension Expansion",
};

export function checkRenewPlan(
  body: Obj,
  rawItems: unknown[],
  ctx: OrderContext,
  reasons: Reasons,
  received: Record<string, string>,
): { productNo: string; items: ServiceItem[] } {
  const product = existingProduct(body, ctx, reasons);
  const items = rawItems.map((raw, i) => readOrderItem(raw, `serviceList[${i}]`, "renew", reasons, received));
  checkDuplicates(items, reasons);
  const planIndexes = items.flatMap((item, i) => (item.serviceType === "plan" ? [i] : []));
  if (planIndexes.length !== 1) reasons.add("serviceList", "a renew_plan order needs exactly one plan item");
  if (product) {
    const plan = planIndexes.length === 1 ? items[planIndexes[0]] : undefined;
    const at = `serviceList[${planIndexes[0]}]`;
    if (plan?.serviceId !== undefined && plan.serviceId !== product.planId) {
      reasons.add(
        `${at}.serviceId`,
        `must be the PBX's current plan ${product.planId} (${planNameOf(product.planId) ?? "?"}); switch plans with switch_plan`,
      );
    }
    if (plan && plan.quantity !== product.extensions) {
      reasons.add(`${at}.quantity`, `must equal the PBX's current extension count (${product.extensions})`);
    }
    if (plan?.billingCycle !== undefined && plan.billingCycle !== product.billingCycle) {
      reasons.add(`${at}.billingCycle`, `a renewal keeps the PBX's billing cycle (${product.billingCycle})`);
    }
    checkRenewedServices(items, product, reasons);
  }
  reasons.throwIfAny();
  return { productNo: (product as StoredProduct).productNo, items: items.map(complete) };
}

function checkRenewedServices(items: Array<Partial<ServiceItem>>, product: StoredProduct, reasons: Reasons): void {
  const has = new Map(product.services.map((s) => [s.serviceId, s.quantity]));
  const renewed = new Set<string>();
  items.forEach((item, i) => {
    if (item.serviceType !== "service" || item.serviceId === undefined) return;
    const path = `serviceList[${i}]`;
    const name = SERVICE_NAMES[item.serviceId] ?? item.serviceId;
    renewed.add(item.serviceId);
    if (!has.has(item.serviceId)) {
      reasons.add(`${path}.serviceId`, `the PBX has no ${name} to renew`);
      return;
    }
    if (item.connectionPlanId !== product.planId) {
      reasons.add(`${path}.connectionPlanId`, `must equal the PBX's current plan ID (${product.planId})`);
    }
    if (item.billingCycle !== undefined && item.billingCycle !== product.billingCycle) {
      reasons.add(`${path}.billingCycle`, `must equal the PBX's billing cycle (${product.billingCycle})`);
    }
    const quantity = has.get(item.serviceId);
    if (item.quantity === undefined) item.quantity = quantity;
    else if (item.quantity !== quantity) reasons.add(`${path}.quantity`, `must equal what the PBX has (${quantity})`);
  });
  for (const [serviceId] of has) {
    if (!renewed.has(serviceId)) {
      reasons.add("serviceList", `the PBX's ${SERVICE_NAMES[serviceId] ?? serviceId} renews in the same order: add it`);
    }
  }
}
