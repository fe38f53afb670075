/**
 * Wire shapes of the Yeastar Partner Portal API, as zod schemas: responses, and the requests the client sends and
 * the sandbox reads.
 *
 * Responses are parsed losslessly first (see `provider/api/json.ts`): integers beyond 2^53 arrive here as
 * decimal strings, safe numbers as numbers. `Id` accepts both and always yields a decimal string, so a 64-bit ID
 * is never a JS number anywhere in our code. Fields marked "inferred" are not in the vendor's documentation; the
 * sandbox returns them and docs/api-assumptions.md lists them as assumptions.
 */
import { z } from "zod";
import { BILLING_CYCLES } from "./catalog";

/** A Yeastar ID: a bare JSON integer or a string of digits on the wire, a decimal string in our code. */
export const Id = z
  .union([z.string().regex(/^\d{1,20}$/, "expected a decimal ID"), z.number().int().nonnegative()])
  .transform((v) => String(v));
export type Id = string;

export const Envelope = z.object({
  code: z.string(),
  detailMessage: z.string().optional().default(""),
  requestId: z.string().optional().default(""),
  result: z.unknown().optional(),
  status: z.number().int().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    count: z.number().int().nonnegative(),
    pageNo: z.number().int().positive(),
    pageSize: z.number().int().positive(),
    results: z.array(item),
    total: z.number().int().nonnegative(),
    totalPage: z.number().int().nonnegative(),
  });
}
export interface Page<T> {
  count: number;
  pageNo: number;
  pageSize: number;
  results: T[];
  total: number;
  totalPage: number;
}

export const TokenResult = z.object({
  token: z.string().min(1),
  tokenHead: z.string().optional().default("Bearer "),
  expiresIn: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform((v) => Number(v)),
  refreshToken: z.string().optional().default(""),
});
export type TokenResult = z.infer<typeof TokenResult>;

export const DomainInfo = z.object({
  pbxSubDomainId: Id,
  pbxSubDomain: z.array(z.string()),
});
export const RegionInfo = z.object({
  id: Id,
  name: z.string(),
  region: z.array(DomainInfo),
});
export const RegionList = z.array(RegionInfo);
export type RegionInfo = z.infer<typeof RegionInfo>;

export const PbxUrlExisted = z.boolean();

/** `check/existed_auto_renew`: whether the product renews itself at the end of its term. */
export const AutoRenewStatus = z.looseObject({ autoRenew: z.boolean() });
/** `instance_subscription/v1/active` answers a success flag only. */
export const AutoRenewEnabled = z.boolean();

export const BillingContact = z.looseObject({
  billingContactId: Id,
  emailAddress: z.string(),
  company: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
});
export const BillingContactList = z.array(BillingContact);
export type BillingContact = z.infer<typeof BillingContact>;

export const SubordinateUser = z.looseObject({
  partnerId: Id,
  email: z.string().optional().default(""),
  company: z.string().optional().default(""),
  userType: z.string().optional(),
});
export const SubordinateUserList = z.array(SubordinateUser);

/** The body of `save_user` (a subordinate user of type Customer). */
export const NewSubordinateUser = z.object({
  userType: z.literal("Customer"),
  yeastarId: z.string(),
  company: z.string(),
  country: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phoneNumber: z.string().optional(),
  stateProvince: z.string().optional(),
  city: z.string().optional(),
  street: z.string().optional(),
  zipCode: z.string().optional(),
  remark: z.string().optional(),
  taxType: z.enum(["VAT_number", "Tax_ID", "TIN_number", "RUC", "CUIT"]).optional(),
  taxNum: z.string().optional(),
  sendUserActivationEmail: z.boolean().optional(),
});
export type NewSubordinateUser = z.infer<typeof NewSubordinateUser>;
/** `save_user` answers a success flag only; the new user's id is not returned. */
export const SaveUserResult = z.boolean();

export const Country = z.object({ code: z.string(), id: Id, name: z.string() });
export type Country = z.infer<typeof Country>;
export type SubordinateUser = z.infer<typeof SubordinateUser>;

/** One service attached to a PBX (inferred field set). */
export const ProductService = z.object({
  serviceId: Id,
  quantity: z.number().int().nonnegative(),
});

/**
 * A PBX in the partner's product list. The documented fields are activation ones; the rest (URL, plan,
 * extensions, services, expiry, owner) are inferred: a read needs them and the sandbox serves them.
 */
export const ProductInfo = z.looseObject({
  productNo: z.string(),
  instanceId: Id,
  productId: z.union([z.number().int(), z.string()]).transform((v) => Number(v)),
  pbxName: z.string(),
  pbxUrl: z.string(),
  regionId: Id,
  pbxSubDomainId: Id,
  planId: Id,
  billingCycle: z.string(),
  extensions: z.number().int().nonnegative(),
  services: z.array(ProductService),
  expireDate: z.string(),
  status: z.string(),
  assignId: z.string().optional().default(""),
  activationCode: z.string().optional().default(""),
  activationStatus: z.string().optional().default("unknown"),
  comment: z.string().optional().default(""),
  createTime: z.number().int().optional(),
  /** A free trial (inferred field; docs/api-assumptions.md, "Trials"): its `expireDate` is the trial's last day. */
  isTrial: z.boolean().optional(),
});
export type ProductInfo = z.infer<typeof ProductInfo>;
export const ProductList = pageOf(ProductInfo);
export const CountryList = pageOf(Country);

export const ProductDetail = ProductInfo.extend({
  currentPlan: z.string().optional().default(""),
  currentPlanExpireDate: z.string().optional().default(""),
});
export type ProductDetail = z.infer<typeof ProductDetail>;

export const OrderStatus = z.string(); // succeed | failed | pending | invalid | cancelled | refunded | ...
export const OrderResult = z.looseObject({
  instanceId: Id,
  orderNo: z.string().min(1),
  orderStatus: OrderStatus,
  productNo: z.string(),
  transactionNo: z.string().optional().default(""),
});
export type OrderResult = z.infer<typeof OrderResult>;

export const OrderInfo = z.looseObject({
  id: Id,
  orderNo: z.string(),
  orderStatus: OrderStatus,
  createTime: z.number().int().optional(),
  currencyCode: z.string().optional(),
  customReferenceNo: z.string().optional(),
  invoiceNo: z.string().optional(),
});
export type OrderInfo = z.infer<typeof OrderInfo>;
export const OrderList = pageOf(OrderInfo);

export const OrderDetail = z.looseObject({
  basicInformation: z.looseObject({
    productId: z.union([z.string(), z.number()]).transform((v) => String(v)),
    productName: z.string().optional().default(""),
    productNo: z.string().optional().default(""),
  }),
  billingInformation: z.looseObject({ billingId: Id.optional() }).optional(),
  orderInformation: z.looseObject({
    id: Id,
    orderNo: z.string(),
    orderStatus: OrderStatus,
    operationType: z.string().optional(),
    instanceId: Id.optional(),
    transactionNo: z.string().optional(),
    createTime: z.number().int().optional(),
  }),
  orderSummary: z.looseObject({ serviceList: z.array(z.unknown()).optional() }).optional(),
});
export type OrderDetail = z.infer<typeof OrderDetail>;

/** Price calculation result (inferred shape; the documented result is not visible). */
export const PriceQuote = z.looseObject({
  currencyCode: z.string(),
  totalAmount: z.string(),
  items: z.array(
    z.looseObject({
      pricingId: Id,
      quantity: z.number().int(),
      amount: z.string(),
    }),
  ),
});
export type PriceQuote = z.infer<typeof PriceQuote>;

// ---- Requests ----
// One wire shape for both sides: the client's request types are inferred from these schemas, and the sandbox reads
// each field of a request through them (then applies its own rules, field by field). IDs are decimal strings here;
// the client writes them as bare JSON integers, the sandbox accepts both.

export const OperationType = z.enum([
  "purchase_plan",
  "purchase_service",
  "switch_plan",
  "renew_plan",
  "trial_plan",
  "switchTrial_plan",
]);
export type OperationType = z.infer<typeof OperationType>;

/** A count of extensions, minutes or cycles. */
const Count = z.number().refine(Number.isInteger, "expected an integer");

export const ServiceType = z.enum(["plan", "service"]);
export type ServiceType = z.infer<typeof ServiceType>;
export const BillingCycle = z.enum(BILLING_CYCLES);
export type BillingCycle = z.infer<typeof BillingCycle>;

/** One item of an order's `serviceList`. */
export const ServiceItem = z.object({
  serviceType: ServiceType,
  serviceId: Id,
  connectionPlanId: Id.optional(),
  quantity: Count,
  purchaseType: z.enum(["purchase", "switch", "renew", "trial"]),
  billingModel: z.literal("recurring"),
  billingCycle: BillingCycle,
  multiCycle: Count,
});
export type ServiceItem = z.infer<typeof ServiceItem>;

/** The new PBX of a `purchase_plan` order. */
export const PceSpecialRequest = z.object({
  pbxName: z.string(),
  regionId: Id,
  pbxSubDomainId: Id,
  pbxUrl: z.string(),
});
export type PceSpecialRequest = z.infer<typeof PceSpecialRequest>;

export const OrderRequest = z.object({
  operationType: OperationType,
  productId: z.number().int(),
  productNo: z.string().optional(),
  assignId: z.string().optional(),
  billingId: Id,
  poNumber: z.string().optional(),
  serviceList: z.array(ServiceItem),
  orderPceSpecialRequest: PceSpecialRequest.optional(),
});
export type OrderRequest = z.infer<typeof OrderRequest>;

/** One item of a price request's `serviceList`. */
export const PriceItem = z.object({
  serviceType: ServiceType,
  pricingId: Id,
  quantity: Count,
  billingCycle: BillingCycle,
  connectionPlanId: Id.optional(),
});
export type PriceItem = z.infer<typeof PriceItem>;

export const PriceRequest = z.object({
  productId: z.number().int(),
  productNo: z.string().optional(),
  operationType: OperationType,
  serviceList: z.array(PriceItem),
});
export type PriceRequest = z.infer<typeof PriceRequest>;
