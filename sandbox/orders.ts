/**
 * Validation of order and price requests: the rules the guide and the tutorials state, plus the inferred ones the
 * README lists. Everything here is pure; the store applies the result.
 */
import type { z } from "zod";
import {
  MAX_EXTENSIONS,
  MIN_EXTENSIONS,
  PCE_PRODUCT_ID,
  PLANS,
  PLAN_RANK,
  SERVICES,
  planNameOf,
} from "../provider/api/catalog";
import {
  BillingCycle,
  Id,
  OperationType,
  OrderRequest,
  PriceItem,
  ServiceItem,
  PceSpecialRequest,
  ServiceType,
} from "../provider/api/schemas";
import { ApiError, validationError } from "./envelope";
import { findRegion } from "./seeds";
import type { StoredProduct } from "./types";

export interface OrderContext {
  billingContactIds: ReadonlySet<string>;
  partnerIds: ReadonlySet<string>;
  isUrlTaken(pbxUrl: string): boolean;
  /** Our product with the effects of its still-pending orders applied, so two pending orders cannot overshoot. */
  projectedProduct(productNo: string): StoredProduct | undefined;
  hasPrice(pricingId: string): boolean;
}

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

export const SUPPORTED_OPERATIONS: readonly OperationType[] = OperationType.options;
const DOCUMENTED_OPERATIONS = [
  "trial_plan",
  "trial_service",
  "switchTrial_plan",
  "renew_plan",
  "renew_service",
  ...SUPPORTED_OPERATIONS,
];
const PLAN_IDS = new Set<string>(Object.values(PLANS));
const SERVICE_IDS = new Set<string>(Object.values(SERVICES));
/** RFC 1123 label, at least 3 characters. */
const URL_PREFIX = /^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])?$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A request ID as our lossless parser hands it over: a safe integer, or a string of digits (integers above 2^53,
 * or IDs the client quoted). A double-mangled ID such as 3048571730026938400 arrives intact and is then unknown.
 */
export function idOf(v: unknown): string | undefined {
  return valueOf(Id, v);
}

/** A value through its shared schema, or undefined when it does not fit. */
function valueOf<T>(schema: z.ZodType<T>, v: unknown): T | undefined {
  const parsed = schema.safeParse(v);
  return parsed.success ? parsed.data : undefined;
}

/** A field through its shared schema; when it does not fit, the sandbox's reason for the field is recorded. */
function read<T>(schema: z.ZodType<T>, v: unknown, field: string, reasons: Reasons, reason: string): T | undefined {
  const parsed = schema.safeParse(v);
  if (parsed.success) return parsed.data;
  reasons.add(field, reason);
  return undefined;
}

/** Drops the fields a reader left undefined, so a stored item holds only what was read. */
function present<T extends object>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as T;
}

class Reasons {
  readonly byField: Record<string, string> = {};
  add(field: string, reason: string): void {
    if (!(field in this.byField)) this.byField[field] = reason;
  }
  get empty(): boolean {
    return Object.keys(this.byField).length === 0;
  }
  throwIfAny(): void {
    if (!this.empty) throw validationError(this.byField);
  }
}

function serviceName(id: string): string {
  const entry = Object.entries(SERVICES).find(([, v]) => v === id);
  return entry ? entry[0] : id;
}

/** Records the ID fields of `obj` as received, valid or not, so tests can prove no digit changed on the way. */
function noteIds(received: Record<string, string>, prefix: string, obj: Obj, keys: readonly string[]): void {
  for (const key of keys) {
    const v = obj[key];
    if (typeof v === "number" || typeof v === "string") received[`${prefix}${key}`] = String(v);
  }
}

function checkProductId(body: Obj, reasons: Reasons): void {
  if (body.productId === undefined) reasons.add("productId", "required");
  else if (String(body.productId) !== String(PCE_PRODUCT_ID)) {
    reasons.add("productId", `must be ${PCE_PRODUCT_ID} (P-Series Cloud Edition)`);
  }
}

function checkOperationType(body: Obj, reasons: Reasons): OperationType | undefined {
  const op = body.operationType;
  if (typeof op !== "string" || op === "") {
    reasons.add("operationType", "required");
    return undefined;
  }
  const supported = valueOf(OperationType, op);
  if (supported !== undefined) return supported;
  if (DOCUMENTED_OPERATIONS.includes(op)) reasons.add("operationType", `${op} is not supported by the sandbox`);
  else reasons.add("operationType", `must be one of ${SUPPORTED_OPERATIONS.join(", ")}`);
  return undefined;
}

function checkServiceList(body: Obj, reasons: Reasons): unknown[] {
  if (!Array.isArray(body.serviceList) || body.serviceList.length === 0) {
    reasons.add("serviceList", "must be a non-empty array");
    return [];
  }
  return body.serviceList;
}

/** Our product for an order on an existing PBX, or the matching API error. */
function existingProduct(body: Obj, ctx: OrderContext, reasons: Reasons): StoredProduct | undefined {
  if (typeof body.productNo !== "string" || body.productNo === "") {
    reasons.add("productNo", "required for an order on an existing PBX");
    return undefined;
  }
  const product = ctx.projectedProduct(body.productNo);
  if (!product) throw new ApiError(400, "product_not_found", `productNo: no product ${body.productNo}`);
  if (product.status !== "active") {
    throw new ApiError(400, "product_not_active", `productNo: product ${body.productNo} is ${product.status}`);
  }
  return product;
}

const ITEM = ServiceItem.shape;
const PRICE_ITEM = PriceItem.shape;
const ORDER = OrderRequest.shape;
const PCE = PceSpecialRequest.shape;
/** The vendor's tutorial leaves `quantity` out of its HA item; the rules below fill it in or ask for it. */
const OPTIONAL_QUANTITY = ITEM.quantity.optional();

/** `serviceType`, read the same way in an order and in a price request. */
function readServiceType(raw: Obj, path: string, reasons: Reasons): ServiceType | undefined {
  return read(ServiceType, raw.serviceType, `${path}.serviceType`, reasons, 'must be "plan" or "service"');
}

function readBillingCycle(raw: Obj, path: string, reasons: Reasons): BillingCycle | undefined {
  return read(BillingCycle, raw.billingCycle, `${path}.billingCycle`, reasons, 'must be "monthly" or "annually"');
}

/** One order item through the shared shape, with the field-level rules; cross-item rules are up to the caller. */
function readOrderItem(
  raw: unknown,
  path: string,
  purchaseType: "purchase" | "switch",
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

function checkServiceQuantity(
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

function checkDuplicates(items: Array<Partial<ServiceItem>>, reasons: Reasons): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (item.serviceId === undefined) return;
    if (seen.has(item.serviceId)) reasons.add(`serviceList[${i}].serviceId`, "appears more than once");
    seen.add(item.serviceId);
  });
}

function checkNewPbx(raw: unknown, reasons: Reasons): PceSpecialRequest | undefined {
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
  const region = regionId === undefined ? undefined : findRegion(regionId);
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

/** An item whose every field passed its rules (the caller threw otherwise). */
function complete(item: Partial<ServiceItem>): ServiceItem {
  return item as ServiceItem;
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
): Pick<ValidOrder, "productNo" | "items" | "pbx"> {
  if (body.productNo !== undefined && body.productNo !== "") {
    reasons.add("productNo", "must be omitted when buying a new PBX");
  }
  const items = rawItems.map((raw, i) => readOrderItem(raw, `serviceList[${i}]`, "purchase", reasons, received));
  const planIndexes = items.flatMap((item, i) => (item.serviceType === "plan" ? [i] : []));
  if (planIndexes.length !== 1) reasons.add("serviceList", "a purchase_plan order needs exactly one plan item");
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
  const pbx = checkNewPbx(body.orderPceSpecialRequest, reasons);
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
  const rawItems = checkServiceList(body, reasons);
  reasons.throwIfAny();

  const product = operationType === "purchase_plan" ? undefined : existingProduct(body, ctx, reasons);
  const items = rawItems.map((raw, i) => readPriceItem(raw, `serviceList[${i}]`, ctx, reasons));

  const plans = items.filter((item) => item.serviceType === "plan");
  if (operationType === "purchase_plan" || operationType === "switch_plan") {
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
  if (operationType === "switch_plan" && product && plans[0]?.pricingId === product.planId) {
    reasons.add("serviceList", "the product is already on this plan");
  }
  reasons.throwIfAny();
  return { operationType: operationType as OperationType, items: items as PriceItem[] };
}
