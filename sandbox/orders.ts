/**
 * Validation of order requests: the rules the guide and the tutorials state, plus the inferred ones docs/api-assumptions.md
 * lists. Everything here is pure; the store applies the result. Fields are read by request-fields.ts; price
 * requests are validated in price-request.ts (re-exported here).
 */
import { PLAN_RANK, SERVICES, planNameOf } from "../provider/api/catalog";
import { OperationType, ServiceItem, PceSpecialRequest } from "../provider/api/schemas";
import { ApiError, validationError } from "./envelope";
import {
  checkOperationType,
  checkProductId,
  checkServiceList,
  existingProduct,
  idOf,
  isObj,
  noteIds,
  type Obj,
  ORDER,
  type OrderContext,
  PCE,
  read,
  Reasons,
  URL_PREFIX,
  valueOf,
} from "./request-fields";
import { checkDuplicates, checkServiceQuantity, checkSubscriptionItems, complete, readOrderItem } from "./order-items";
import { checkRenewPlan } from "./renew-order";
import { checkSwitchTrial } from "./trial-order";
import type { StoredProduct } from "./types";

export interface ValidOrder {
  operationType: OperationType;
  billingId: string;
  poNumber: string;
  assignId: string;
  /** "" for purchase_plan: the store makes a new product. */
  productNo: string;
  items: ServiceItem[];
  pbx?: PceSpecialRequest;
  /** Every ID of the request as received (path -> decimal digits). */
  received: Record<string, string>;
}

function checkNewPbx(raw: unknown, ctx: OrderContext, reasons: Reasons): PceSpecialRequest | undefined {
  const base = "orderPceSpecialRequest";
  if (!isObj(raw)) {
    reasons.add(base, "required when buying a new P-Series Cloud Edition");
    return undefined;
  }
  let ok = true;
  const bad = (field: string, reason: string) => {
    reasons.add(`${base}.${field}`, reason);
    ok = false;
  };
  const pbxName = raw.pbxName;
  if (typeof pbxName !== "string" || pbxName.trim() === "" || [...pbxName].length > 64) {
    bad("pbxName", "must be 1 to 64 characters");
  }
  const regionId = valueOf(PCE.regionId, raw.regionId);
  const region = regionId === undefined ? undefined : ctx.findRegion(regionId);
  if (!region) bad("regionId", "unknown region; see the region list");
  const pbxSubDomainId = valueOf(PCE.pbxSubDomainId, raw.pbxSubDomainId);
  const domain = region?.region.find((d) => d.pbxSubDomainId === pbxSubDomainId);
  if (region && !domain) bad("pbxSubDomainId", `not a sub-domain of region ${region.id}`);
  const pbxUrl = raw.pbxUrl;
  if (typeof pbxUrl !== "string" || pbxUrl === "") bad("pbxUrl", "required");
  else if (domain) {
    const suffix = domain.pbxSubDomain.find((s) => pbxUrl.endsWith(`.${s}`));
    if (!suffix) bad("pbxUrl", `must end with .${domain.pbxSubDomain.join(" or .")}`);
    else {
      const prefix = pbxUrl.slice(0, pbxUrl.length - suffix.length - 1);
      if (prefix.length < 3 || prefix.length > 63 || !URL_PREFIX.test(prefix)) {
        bad(
          "pbxUrl",
          `prefix "${prefix}" must be 3 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen`,
        );
      }
    }
  }
  if (!ok) return undefined;
  return {
    pbxName: pbxName as string,
    regionId: regionId as string,
    pbxSubDomainId: pbxSubDomainId as string,
    pbxUrl: pbxUrl as string,
  };
}

export function validateOrder(body: unknown, ctx: OrderContext): ValidOrder {
  if (!isObj(body)) throw validationError({ body: "must be a JSON object" });
  const reasons = new Reasons();
  checkProductId(body, reasons);
  const operationType = checkOperationType(body, reasons);

  const received: Record<string, string> = {};
  noteIds(received, "", body, ["billingId", "assignId"]);

  const billingId = valueOf(ORDER.billingId, body.billingId);
  if (body.billingId === undefined) reasons.add("billingId", "required");
  else if (billingId === undefined || !ctx.billingContactIds.has(billingId)) {
    reasons.add("billingId", `unknown billing contact ${String(body.billingId)}`);
  }
  let assignId = "";
  if (body.assignId !== undefined && body.assignId !== "") {
    // Our client sends the subordinate user's ID as a string; a bare integer is accepted as well.
    const id = idOf(body.assignId);
    if (id === undefined || !ctx.partnerIds.has(id)) {
      reasons.add("assignId", `unknown subordinate user ${String(body.assignId)}`);
    } else assignId = id;
  }
  const poNumber = read(ORDER.poNumber, body.poNumber, "poNumber", reasons, "must be a string");
  const rawItems = checkServiceList(body, reasons);
  // Without a known operation the item rules are unknown; otherwise keep collecting so one reply names all faults.
  if (operationType === undefined) reasons.throwIfAny();

  const common = {
    operationType: operationType as OperationType,
    billingId: billingId as string,
    poNumber: poNumber ?? "",
    assignId,
    received,
  };
  const specific =
    operationType === "purchase_plan"
      ? checkPurchasePlan(body, rawItems, ctx, reasons, received)
      : operationType === "purchase_service"
        ? checkPurchaseService(body, rawItems, ctx, reasons, received)
        : operationType === "renew_plan"
          ? checkRenewPlan(body, rawItems, ctx, reasons, received)
          : operationType === "trial_plan"
            ? checkPurchasePlan(body, rawItems, ctx, reasons, received, true)
            : operationType === "switchTrial_plan"
              ? checkSwitchTrial(body, rawItems, ctx, reasons, received)
              : checkSwitchPlan(body, rawItems, ctx, reasons, received);
  // Recorded whatever the operation, as the request carried them.
  if (isObj(body.orderPceSpecialRequest)) {
    noteIds(received, "orderPceSpecialRequest.", body.orderPceSpecialRequest, ["regionId", "pbxSubDomainId"]);
  }
  return { ...common, ...specific };
}

function checkPurchasePlan(
  body: Obj,
  rawItems: unknown[],
  ctx: OrderContext,
  reasons: Reasons,
  received: Record<string, string>,
  trial = false,
): Pick<ValidOrder, "productNo" | "items" | "pbx"> {
  if (body.productNo !== undefined && body.productNo !== "") {
    reasons.add("productNo", "must be omitted when buying a new PBX");
  }
  const op = trial ? "trial_plan" : "purchase_plan";
  const items = checkSubscriptionItems(rawItems, op, trial ? "trial" : "purchase", reasons, received);
  if (trial) {
    items.forEach((item, i) => {
      if (item.serviceType === "service") {
        reasons.add(
          `serviceList[${i}]`,
          "a trial_plan order holds the plan only: add-ons cannot be tried or bought during a trial (convert it with switchTrial_plan)",
        );
      }
    });
  }
  const pbx = checkNewPbx(body.orderPceSpecialRequest, ctx, reasons);
  reasons.throwIfAny();
  if (pbx && ctx.isUrlTaken(pbx.pbxUrl)) {
    throw new ApiError(400, "pbx_url_existed", `pbxUrl: ${pbx.pbxUrl} is already taken`, {
      "orderPceSpecialRequest.pbxUrl": "already taken",
    });
  }
  return { productNo: "", items: items.map(complete), pbx };
}

function checkPurchaseService(
  body: Obj,
  rawItems: unknown[],
  ctx: OrderContext,
  reasons: Reasons,
  received: Record<string, string>,
): Pick<ValidOrder, "productNo" | "items"> {
  const product = existingProduct(body, ctx, reasons);
  const items = rawItems.map((raw, i) => readOrderItem(raw, `serviceList[${i}]`, "purchase", reasons, received));
  checkDuplicates(items, reasons);
  items.forEach((item, i) => {
    const path = `serviceList[${i}]`;
    if (item.serviceType === "plan") {
      reasons.add(`${path}.serviceType`, 'must be "service" in a purchase_service order');
      return;
    }
    if (!product) return;
    if (item.connectionPlanId !== product.planId) {
      reasons.add(`${path}.connectionPlanId`, `must equal the product's current plan ID (${product.planId})`);
    }
    if (item.billingCycle !== undefined && item.billingCycle !== product.billingCycle) {
      reasons.add(`${path}.billingCycle`, `must equal the product's billing cycle (${product.billingCycle})`);
    }
    if (
      item.serviceId === SERVICES.highAvailability &&
      product.services.some((s) => s.serviceId === SERVICES.highAvailability)
    ) {
      reasons.add(`${path}.serviceId`, "High Availability is already enabled on this product");
      return;
    }
    checkServiceQuantity(item, path, product.extensions, "the product's current extension count", reasons);
  });
  reasons.throwIfAny();
  return { productNo: (product as StoredProduct).productNo, items: items.map(complete) };
}

function checkSwitchPlan(
  body: Obj,
  rawItems: unknown[],
  ctx: OrderContext,
  reasons: Reasons,
  received: Record<string, string>,
): Pick<ValidOrder, "productNo" | "items"> {
  const product = existingProduct(body, ctx, reasons);
  const items = rawItems.map((raw, i) => readOrderItem(raw, `serviceList[${i}]`, "switch", reasons, received));
  if (items.length !== 1) reasons.add("serviceList", "a switch_plan order has exactly one plan item");
  const item = items[0];
  if (item && item.serviceType !== undefined && item.serviceType !== "plan") {
    reasons.add("serviceList[0].serviceType", 'must be "plan" in a switch_plan order');
  }
  if (product && item?.serviceType === "plan" && item.serviceId !== undefined) {
    const from = planNameOf(product.planId);
    const to = planNameOf(item.serviceId);
    if (item.serviceId === product.planId)
      reasons.add("serviceList[0].serviceId", "the product is already on this plan");
    else if (product.currentPlan !== "") {
      reasons.add("serviceList[0].serviceId", `a switch to ${product.currentPlan} is already pending`);
    } else if (from && to && PLAN_RANK[to] > PLAN_RANK[from] && item.billingCycle !== undefined) {
      if (item.billingCycle !== product.billingCycle) {
        reasons.add(
          "serviceList[0].billingCycle",
          `an upgrade must keep the product's billing cycle (${product.billingCycle})`,
        );
      }
    }
    if (item.quantity === undefined) item.quantity = product.extensions;
    else if (item.quantity !== product.extensions) {
      reasons.add("serviceList[0].quantity", `must equal the product's extension count (${product.extensions})`);
    }
  }
  reasons.throwIfAny();
  return { productNo: (product as StoredProduct).productNo, items: items.map(complete) };
}
