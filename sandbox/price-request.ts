/**
 * Validation of price requests (`/pricing/.../calculate`): the same field rules as an order's, and the rules on
 * which items a price request may hold. Pure, like orders.ts.
 */
import { MAX_EXTENSIONS, MIN_EXTENSIONS, SERVICES } from "../provider/api/catalog";
import type { OperationType, PriceItem } from "../provider/api/schemas";
import { validationError } from "./envelope";
import {
  PLAN_IDS,
  PRICE_ITEM,
  Reasons,
  SERVICE_IDS,
  checkOperationType,
  checkProductId,
  checkServiceList,
  existingProduct,
  isObj,
  present,
  read,
  readBillingCycle,
  readServiceType,
  serviceName,
  valueOf,
  type OrderContext,
} from "./request-fields";

/** One price item through the shared shape, with the field-level rules. */
function readPriceItem(raw: unknown, path: string, ctx: OrderContext, reasons: Reasons): Partial<PriceItem> {
  if (!isObj(raw)) {
    reasons.add(path, "must be an object");
    return {};
  }
  const at = (field: string) => `${path}.${field}`;
  const serviceType = readServiceType(raw, path, reasons);

  const known = serviceType === "plan" ? PLAN_IDS : SERVICE_IDS;
  let pricingId = valueOf(PRICE_ITEM.pricingId, raw.pricingId);
  if (pricingId === undefined || !known.has(pricingId) || !ctx.hasPrice(pricingId)) {
    reasons.add(at("pricingId"), `unknown ${serviceType ?? "plan or service"} pricing ID ${String(raw.pricingId)}`);
    pricingId = undefined;
  }

  let quantity = read(PRICE_ITEM.quantity, raw.quantity, at("quantity"), reasons, "must be a positive integer");
  if (quantity !== undefined && quantity < 1) {
    reasons.add(at("quantity"), "must be a positive integer");
    quantity = undefined;
  } else if (
    quantity !== undefined &&
    serviceType === "plan" &&
    (quantity < MIN_EXTENSIONS || quantity > MAX_EXTENSIONS)
  ) {
    reasons.add(at("quantity"), `must be ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS} extensions`);
    quantity = undefined;
  }

  const billingCycle = readBillingCycle(raw, path, reasons);

  let connectionPlanId = valueOf(PRICE_ITEM.connectionPlanId, raw.connectionPlanId);
  if (raw.connectionPlanId !== undefined && (connectionPlanId === undefined || !PLAN_IDS.has(connectionPlanId))) {
    reasons.add(at("connectionPlanId"), `unknown plan ID ${String(raw.connectionPlanId)}`);
    connectionPlanId = undefined;
  }
  return present({ serviceType, pricingId, quantity, billingCycle, connectionPlanId });
}

export interface ValidPriceRequest {
  operationType: OperationType;
  items: PriceItem[];
}

export function validatePriceRequest(body: unknown, ctx: OrderContext): ValidPriceRequest {
  if (!isObj(body)) throw validationError({ body: "must be a JSON object" });
  const reasons = new Reasons();
  checkProductId(body, reasons);
  const operationType = checkOperationType(body, reasons);
  // A trial is free, and a trial's conversion is priced as the purchase of its paid shape (docs/api-assumptions.md,
  // "Trials"): neither is a price request of its own here.
  if (operationType === "trial_plan" || operationType === "switchTrial_plan") {
    reasons.add(
      "operationType",
      `${operationType} is not priced by the sandbox: price the paid shape as purchase_plan`,
    );
  }
  const rawItems = checkServiceList(body, reasons);
  reasons.throwIfAny();

  const product = operationType === "purchase_plan" ? undefined : existingProduct(body, ctx, reasons);
  const items = rawItems.map((raw, i) => readPriceItem(raw, `serviceList[${i}]`, ctx, reasons));

  const plans = items.filter((item) => item.serviceType === "plan");
  if (operationType === "purchase_plan" || operationType === "switch_plan" || operationType === "renew_plan") {
    if (plans.length !== 1) reasons.add("serviceList", `a ${operationType} request needs exactly one plan item`);
  } else if (plans.length > 0) {
    reasons.add("serviceList", "a purchase_service request holds services only");
  }
  const expectedPlan = operationType === "purchase_plan" ? plans[0]?.pricingId : product?.planId;
  items.forEach((item, i) => {
    if (item.serviceType !== "service") return;
    if (item.connectionPlanId !== undefined && expectedPlan !== undefined && item.connectionPlanId !== expectedPlan) {
      reasons.add(`serviceList[${i}].connectionPlanId`, `must equal ${expectedPlan}`);
    }
    if (operationType === "purchase_plan" && item.pricingId === SERVICES.extensionExpansion) {
      reasons.add(`serviceList[${i}].pricingId`, `${serviceName(SERVICES.extensionExpansion)} needs an existing PBX`);
    }
  });
  if (operationType === "renew_plan" && product && plans[0] && plans[0].pricingId !== product.planId) {
    reasons.add("serviceList[0].pricingId", `a renewal renews the PBX's current plan (${product.planId})`);
  }
  if (operationType === "switch_plan" && product && plans[0]?.pricingId === product.planId) {
    reasons.add("serviceList", "the product is already on this plan");
  }
  reasons.throwIfAny();
  return { operationType: operationType as OperationType, items: items as PriceItem[] };
}
