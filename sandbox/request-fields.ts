/**
 * Reading the fields of an order or price request, as the sandbox's validation does for both: each field through
 * its shared wire schema (provider/api/schemas.ts), with the reason the sandbox gives when it does not fit.
 */
import type { z } from "zod";
import { PCE_PRODUCT_ID, PLANS, SERVICES } from "../provider/api/catalog";
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
import type { SeedRegion } from "./seeds";
import type { StoredProduct } from "./types";

export interface OrderContext {
  billingContactIds: ReadonlySet<string>;
  partnerIds: ReadonlySet<string>;
  isUrlTaken(pbxUrl: string): boolean;
  /** Our product with the effects of its still-pending orders applied, so two pending orders cannot overshoot. */
  projectedProduct(productNo: string): StoredProduct | undefined;
  hasPrice(pricingId: string): boolean;
  /** The region list as the sandbox offers it now (seeded, or changed through the admin surface). */
  findRegion(regionId: string): SeedRegion | undefined;
}

export const SUPPORTED_OPERATIONS: readonly OperationType[] = OperationType.options;
export const DOCUMENTED_OPERATIONS = [
  "trial_plan",
  "trial_service",
  "switchTrial_plan",
  "renew_plan",
  "renew_service",
  ...SUPPORTED_OPERATIONS,
];
export const PLAN_IDS = new Set<string>(Object.values(PLANS));
export const SERVICE_IDS = new Set<string>(Object.values(SERVICES));
/** RFC 1123 label, at least 3 characters. */
export const URL_PREFIX = /^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])?$/;

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
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
export function valueOf<T>(schema: z.ZodType<T>, v: unknown): T | undefined {
  const parsed = schema.safeParse(v);
  return parsed.success ? parsed.data : undefined;
}

/** A field through its shared schema; when it does not fit, the sandbox's reason for the field is recorded. */
export function read<T>(
  schema: z.ZodType<T>,
  v: unknown,
  field: string,
  reasons: Reasons,
  reason: string,
): T | undefined {
  const parsed = schema.safeParse(v);
  if (parsed.success) return parsed.data;
  reasons.add(field, reason);
  return undefined;
}

/** Drops the fields a reader left undefined, so a stored item holds only what was read. */
export function present<T extends object>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as T;
}

export class Reasons {
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

export function serviceName(id: string): string {
  const entry = Object.entries(SERVICES).find(([, v]) => v === id);
  return entry ? entry[0] : id;
}

/** Records the ID fields of `obj` as received, valid or not, so tests can prove no digit changed on the way. */
export function noteIds(received: Record<string, string>, prefix: string, obj: Obj, keys: readonly string[]): void {
  for (const key of keys) {
    const v = obj[key];
    if (typeof v === "number" || typeof v === "string") received[`${prefix}${key}`] = String(v);
  }
}

export function checkProductId(body: Obj, reasons: Reasons): void {
  if (body.productId === undefined) reasons.add("productId", "required");
  else if (String(body.productId) !== String(PCE_PRODUCT_ID)) {
    reasons.add("productId", `must be ${PCE_PRODUCT_ID} (P-Series Cloud Edition)`);
  }
}

export function checkOperationType(body: Obj, reasons: Reasons): OperationType | undefined {
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

export function checkServiceList(body: Obj, reasons: Reasons): unknown[] {
  if (!Array.isArray(body.serviceList) || body.serviceList.length === 0) {
    reasons.add("serviceList", "must be a non-empty array");
    return [];
  }
  return body.serviceList;
}

/** Our product for an order on an existing PBX, or the matching API error. */
export function existingProduct(body: Obj, ctx: OrderContext, reasons: Reasons): StoredProduct | undefined {
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

export const ITEM = ServiceItem.shape;
export const PRICE_ITEM = PriceItem.shape;
export const ORDER = OrderRequest.shape;
export const PCE = PceSpecialRequest.shape;
/** The vendor's tutorial leaves `quantity` out of its HA item; the rules below fill it in or ask for it. */
export const OPTIONAL_QUANTITY = ITEM.quantity.optional();

/** `serviceType`, read the same way in an order and in a price request. */
export function readServiceType(raw: Obj, path: string, reasons: Reasons): ServiceType | undefined {
  return read(ServiceType, raw.serviceType, `${path}.serviceType`, reasons, 'must be "plan" or "service"');
}

export function readBillingCycle(raw: Obj, path: string, reasons: Reasons): BillingCycle | undefined {
  return read(BillingCycle, raw.billingCycle, `${path}.billingCycle`, reasons, 'must be "monthly" or "annually"');
}
