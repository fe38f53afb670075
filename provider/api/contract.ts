/**
 * The resource contract: what every part of the package that sees a PSeriesCloudPbx from outside the engine relies
 * on (the engine, the native plugin, the purchase summary, the policy pack, the chaos checks). Type tokens, the
 * unknown-value marker, the planned orders a preview lists, and the shape of the state. The inputs' schema and
 * the unknown-value marker are beside it (inputs.ts). docs/architecture.md, "Layers".
 */
import { z } from "zod";
import type { PbxInputs } from "./inputs";
import { OperationType } from "./schemas";

// ---------------------------------------------------------------------------------------------- type tokens

/** The Pulumi package name: the native plugin's and the dynamic resource's module. */
export const PACKAGE = "yeastar";

/** The tokens one resource type of this package is registered under. */
export interface ResourceTokens {
  /** The type's name, e.g. "PSeriesCloudPbx". */
  name: string;
  /**
   * The dynamic resource's: `dynamic.Resource` with module "yeastar" registers
   * `pulumi-nodejs:dynamic/yeastar:<name>` (the SDK inserts "dynamic/"; seen in a real preview).
   */
  dynamic: string;
  /** The native provider plugin's (Pulumi YAML programs, `pulumi import`). */
  native: string;
  /** Every token a reader treats as this type: both above and the dynamic spelling without "dynamic/". */
  all: readonly string[];
}

/** The tokens of a resource type of this package; a second resource type is one more call. */
export function resourceTokens(name: string): ResourceTokens {
  const dynamic = `pulumi-nodejs:dynamic/${PACKAGE}:${name}`;
  const native = `${PACKAGE}:index:${name}`;
  return { name, dynamic, native, all: [dynamic, `pulumi-nodejs:${PACKAGE}:${name}`, native] };
}

export const PBX_TOKENS = resourceTokens("PSeriesCloudPbx");
/** The dynamic resource's token (TypeScript programs). */
export const PBX_TYPE = PBX_TOKENS.dynamic;
/** The native plugin's token (Pulumi YAML, imports). */
export const NATIVE_PBX_TYPE = PBX_TOKENS.native;

/** The Customer resource (a subordinate user of the partner account; provider/customer). */
export const CUSTOMER_TOKENS = resourceTokens("Customer");

/** One extension on a PBX, through the PBX's own API (provider/extension). */
export const EXTENSION_TOKENS = resourceTokens("PbxExtension");

/** One inbound route on a PBX, through the PBX's own API (provider/inbound-route). */
export const INBOUND_ROUTE_TOKENS = resourceTokens("PbxInboundRoute");

export function isPbxType(type: string): boolean {
  return PBX_TOKENS.all.includes(type);
}

/** The type token a resource URN names (`urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`). */
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

// ------------------------------------------------------------------------------------------ planned orders

/** Every order a preview may list (the order API's operation types), and an adoption, which orders nothing. */
export const PLANNED_OPERATIONS = [...OperationType.options, "adopt"] as const;
export type PlannedOperation = (typeof PLANNED_OPERATIONS)[number];
export const BILLING_PERIODS = ["month", "year"] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

/** A non-negative decimal amount with at most six decimals, as the price API writes it ("4200.00"). */
export const DECIMAL_AMOUNT = /^(\d+)(?:\.(\d{1,6}))?$/;

/**
 * One order as a preview lists it: a property of the resource (`plannedOrders`, set by `check`) and the input of
 * the purchase summary (provider/cli). `amount`, `currency` and `period` come together, when the price API answered.
 */
export interface PlannedOrderView {
  operation: PlannedOperation;
  item: string;
  quantity: number;
  summary: string;
  price: string;
  amount?: string;
  currency?: string;
  period?: BillingPeriod;
  /**
   * "term-end" when the order charges nothing extra now but sets a new price from the end of the current term (a
   * plan downgrade): `amount` is then the new plan's price per `period` from that date, in place of the current
   * plan's, and `price` says so.
   */
  startsAt?: "term-end";
  /** With `startsAt`: the end of the current term as the portal reports it (`expireDate`), when it does. */
  termEnd?: string;
}

const notString = { error: "not a string" };
const priced = z.object({
  operation: z.enum(PLANNED_OPERATIONS, { error: `not one of ${PLANNED_OPERATIONS.join(", ")}` }),
  item: z.string(notString),
  quantity: z.number({ error: "not a number" }),
  summary: z.string(notString),
  price: z.string(notString),
  amount: z
    .string({ error: 'not a decimal string such as "200.00"' })
    .refine((a) => DECIMAL_AMOUNT.test(a.trim()), { error: 'not a decimal string such as "200.00"' })
    .optional(),
  currency: z.string(notString).optional(),
  period: z.enum(BILLING_PERIODS, { error: 'not "month" or "year"' }).optional(),
  startsAt: z.literal("term-end", { error: 'not "term-end"' }).optional(),
  termEnd: z.string(notString).optional(),
});

/**
 * The schema of one planned order. Without an amount, currency and period are not read (an unpriced order);
 * with one, both must be there. Without `startsAt`, `termEnd` is not read, and an empty one is left out.
 */
export const PlannedOrderViewSchema = z.preprocess(
  (raw) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
    const { currency, period, termEnd, ...o } = raw as Record<string, unknown>;
    return {
      ...o,
      ...(o.amount !== undefined ? { currency: currency ?? "", ...(period !== undefined ? { period } : {}) } : {}),
      ...(o.startsAt !== undefined && termEnd !== undefined && termEnd !== "" ? { termEnd } : {}),
    };
  },
  priced.superRefine((o, ctx) => {
    if (o.amount === undefined) return;
    if (!o.currency) ctx.addIssue({ code: "custom", path: ["currency"], message: "needed with an amount" });
    if (o.period === undefined) ctx.addIssue({ code: "custom", path: ["period"], message: 'not "month" or "year"' });
  }),
);

// The schema and the interface above describe the same object: this line stops compiling when they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.output<typeof PlannedOrderViewSchema>, PlannedOrderView> = true;
void sameShape;

/**
 * Reads `plannedOrders` as a resource reported it: the orders, or one message naming the first bad order and
 * field (`where` names the resource), e.g. `resource hq: plannedOrders[0].amount is "4,000", not a decimal ...`.
 */
export function readPlannedOrders(raw: unknown[], where: string): { orders: PlannedOrderView[] } | { problem: string } {
  const orders: PlannedOrderView[] = [];
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i];
    const at = `${where}: plannedOrders[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) return { problem: `${at} is not an object` };
    const parsed = PlannedOrderViewSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue.path[0] ?? "");
      const value = (item as Record<string, unknown>)[field];
      return { problem: `${at}.${field} is ${JSON.stringify(value) ?? "missing"}, ${issue.message}` };
    }
    orders.push(parsed.data);
  }
  return { orders };
}

// ----------------------------------------------------------------------------------------------------- state

/** Values check resolved against the API; kept in inputs (and as outputs) so later runs need no lookups. */
export interface Resolved {
  regionId: string;
  regionName: string;
  pbxSubDomainId: string;
  domainSuffix: string;
  pbxUrl: string;
  planId: string;
  billingContactId: string;
  assignId: string;
  /** Serial number of a PBX of ours that already holds the URL (found by check); create adopts it. */
  adoptProductNo?: string;
}

/** Inputs as `check` returns them, and as the state stores them. */
export interface CheckedInputs extends PbxInputs {
  resolved?: Resolved;
  priceEstimate?: string;
  /** In a preview: the orders `up` will place, priced (provider/pbx/quotes.ts). Never part of the state's outputs. */
  plannedOrders?: PlannedOrderView[];
  /** The serialized provider (provider/pbx/provider.ts), which the Pulumi host keeps in inputs and state. */
  __provider?: string;
}

/** One order placed for a PBX, as its state lists it (`orders`). */
export interface OrderRecord {
  orderNo: string;
  operationType: string;
  orderStatus: string;
  summary: string;
}

/** State of a PBX: its inputs plus everything the API told us. */
export interface PbxState extends CheckedInputs {
  instanceId: string;
  orderNo: string;
  orderStatus: string;
  productNo: string;
  transactionNo: string;
  pbxUrl: string;
  regionId: string;
  regionName: string;
  domainSuffix: string;
  pbxSubDomainId: string;
  planId: string;
  billingContactId: string;
  assignId: string;
  expireDate: string;
  /** The end of the paid term (or of the trial) as a calendar date, "" when the portal does not say; from `expireDate`. */
  expiresOn?: string;
  /** A trial's last day, "" for a paid PBX (states of earlier releases lack both). */
  trialEndsOn?: string;
  status: string;
  adopted: boolean;
  orders: OrderRecord[];
}
