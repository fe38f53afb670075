/**
 * One order item read through the shared shape (provider/api/schemas.ts) with its field-level rules, and the rules
 * across items that every operation on an order shares. Used by orders.ts and renew-order.ts.
 */
import { MAX_EXTENSIONS, MIN_EXTENSIONS, SERVICES } from "../provider/api/catalog";
import type { ServiceItem } from "../provider/api/schemas";
import {
  isObj,
  ITEM,
  noteIds,
  OPTIONAL_QUANTITY,
  PLAN_IDS,
  present,
  read,
  readBillingCycle,
  readServiceType,
  Reasons,
  SERVICE_IDS,
} from "./request-fields";

/** One order item through the shared shape, with the field-level rules; cross-item rules are up to the caller. */
export function readOrderItem(
  raw: unknown,
  path: string,
  purchaseType: ServiceItem["purchaseType"],
  reasons: Reasons,
  received: Record<string, string>,
): Partial<ServiceItem> {
  if (!isObj(raw)) {
    reasons.add(path, "must be an object");
    return {};
  }
  noteIds(received, `${path}.`, raw, ["serviceId", "connectionPlanId", "pricingId"]);
  const at = (field: string) => `${path}.${field}`;
  const serviceType = readServiceType(raw, path, reasons);

  const idReason = raw.serviceId === undefined ? "required" : "must be an integer ID";
  let serviceId = read(ITEM.serviceId, raw.serviceId, at("serviceId"), reasons, idReason);
  if (serviceId !== undefined && serviceType !== undefined) {
    const known = serviceType === "plan" ? PLAN_IDS : SERVICE_IDS;
    if (!known.has(serviceId)) {
      reasons.add(at("serviceId"), `unknown ${serviceType} ID ${serviceId}`);
      serviceId = undefined;
    }
  }

  const connectionPlanId = read(
    ITEM.connectionPlanId,
    raw.connectionPlanId,
    at("connectionPlanId"),
    reasons,
    "must be an integer ID",
  );
  const quantity = read(OPTIONAL_QUANTITY, raw.quantity, at("quantity"), reasons, "must be an integer");
  const wanted = read(ITEM.purchaseType, raw.purchaseType, at("purchaseType"), reasons, `must be "${purchaseType}"`);
  if (wanted !== undefined && wanted !== purchaseType) reasons.add(at("purchaseType"), `must be "${purchaseType}"`);
  const billingModel = read(ITEM.billingModel, raw.billingModel, at("billingModel"), reasons, 'must be "recurring"');
  const billingCycle = readBillingCycle(raw, path, reasons);
  const multiCycle = read(ITEM.multiCycle, raw.multiCycle, at("multiCycle"), reasons, "must be 0");
  if (multiCycle !== undefined && multiCycle !== 0) reasons.add(at("multiCycle"), "must be 0");

  return present({
    serviceType,
    serviceId,
    connectionPlanId,
    quantity,
    purchaseType: wanted === purchaseType ? purchaseType : undefined,
    billingModel,
    billingCycle,
    multiCycle: multiCycle === 0 ? 0 : undefined,
  });
}

export function checkServiceQuantity(
  item: Partial<ServiceItem>,
  path: string,
  extensions: number,
  extensionsLabel: string,
  reasons: Reasons,
): void {
  switch (item.serviceId) {
    case SERVICES.highAvailability:
      // The tutorial's HA item carries no quantity; HA is charged per extension, so that is the only valid value.
      if (item.quantity === undefined) item.quantity = extensions;
      else if (item.quantity !== extensions) {
        reasons.add(`${path}.quantity`, `must equal ${extensionsLabel} (${extensions}) for High Availability`);
      }
      break;
    case SERVICES.recordingMinutes:
      if (item.quantity === undefined || item.quantity < 1) reasons.add(`${path}.quantity`, "must be at least 1");
      break;
    case SERVICES.extensionExpansion:
      if (item.quantity === undefined || item.quantity < 1) reasons.add(`${path}.quantity`, "must be at least 1");
      else if (extensions + item.quantity > MAX_EXTENSIONS) {
        reasons.add(
          `${path}.quantity`,
          `${extensions} + ${item.quantity} extensions exceeds the maximum of ${MAX_EXTENSIONS}`,
        );
      }
      break;
  }
}

export function checkDuplicates(items: Array<Partial<ServiceItem>>, reasons: Reasons): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (item.serviceId === undefined) return;
    if (seen.has(item.serviceId)) reasons.add(`serviceList[${i}].serviceId`, "appears more than once");
    seen.add(item.serviceId);
  });
}

/** An item whose every field passed its rules (the caller threw otherwise). */
export function complete(item: Partial<ServiceItem>): ServiceItem {
  return item as ServiceItem;
}

/**
 * The items of an order that starts a subscription (a purchase, a trial, a trial's conversion): exactly one plan
 * item with 5..500 extensions, and services attached to it in its billing cycle.
 */
export function checkSubscriptionItems(
  rawItems: unknown[],
  op: string,
  purchaseType: ServiceItem["purchaseType"],
  reasons: Reasons,
  received: Record<string, string>,
): Array<Partial<ServiceItem>> {
  const items = rawItems.map((raw, i) => readOrderItem(raw, `serviceList[${i}]`, purchaseType, reasons, received));
  const planIndexes = items.flatMap((item, i) => (item.serviceType === "plan" ? [i] : []));
  if (planIndexes.length !== 1) reasons.add("serviceList", `a ${op} order needs exactly one plan item`);
  const plan = planIndexes.length === 1 ? items[planIndexes[0]] : undefined;
  const planPath = `serviceList[${planIndexes[0]}]`;
  if (plan) {
    if (plan.quantity === undefined) reasons.add(`${planPath}.quantity`, "required (number of extensions)");
    else if (plan.quantity < MIN_EXTENSIONS || plan.quantity > MAX_EXTENSIONS) {
      reasons.add(`${planPath}.quantity`, `must be ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS} extensions`);
    }
  }
  checkDuplicates(items, reasons);
  items.forEach((item, i) => {
    if (item.serviceType !== "service") return;
    const path = `serviceList[${i}]`;
    if (item.connectionPlanId === undefined) {
      reasons.add(`${path}.connectionPlanId`, "required: the plan ID of this order");
    } else if (plan?.serviceId !== undefined && item.connectionPlanId !== plan.serviceId) {
      reasons.add(`${path}.connectionPlanId`, `must equal the plan ID of this order (${plan.serviceId})`);
    }
    if (
      plan?.billingCycle !== undefined &&
      item.billingCycle !== undefined &&
      item.billingCycle !== plan.billingCycle
    ) {
      reasons.add(`${path}.billingCycle`, `must equal the plan's billing cycle (${plan.billingCycle})`);
    }
    if (item.serviceId === SERVICES.extensionExpansion) {
      reasons.add(`${path}.serviceId`, "buy extensions with the plan quantity when buying a new PBX");
      return;
    }
    if (plan?.quantity !== undefined) checkServiceQuantity(item, path, plan.quantity, "the plan quantity", reasons);
  });
  return items;
}
