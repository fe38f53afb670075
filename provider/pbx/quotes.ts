/**
 * What a preview shows a reviewer: every order `up` will place for a PBX, in order, each with the price the
 * price API quotes for it (docs/architecture.md, "Preview: planned orders"). Quotes never block a preview: a
 * failed quote reads "unavailable". Identical order shapes share one quote per provider process.
 */
import { PCE_PRODUCT_ID, planNameOf } from "../api/catalog";
import type { PartnerApi } from "../api/partner-api";
import type { OrderRequest, PriceQuote } from "../api/schemas";
import type { PlannedOrderView } from "../api/contract";
import type { PlannedOrder } from "./order-plan";

const UNAVAILABLE = "unavailable (the price API did not answer)";

const ITEMS: Record<PlannedOrder["field"], string> = {
  extensions: "Extension Expansion",
  highAvailability: "High Availability",
  recordingMinutes: "Recording Minutes",
  plan: "plan switch",
  renewal: "renewal",
  trial: "trial conversion",
};

/** What a free trial's price reads: the purchase summary and the money budget count it as 0. */
export const NO_CHARGE = "no charge";

const quotes = new WeakMap<PartnerApi, Map<string, Promise<PriceQuote | undefined>>>();

/** The price API's quote for an order, shared by identical order shapes; undefined when it failed. */
export function quote(api: PartnerApi, request: OrderRequest): Promise<PriceQuote | undefined> {
  const serviceList = request.serviceList.map((s) => ({
    serviceType: s.serviceType,
    pricingId: s.serviceId,
    quantity: s.quantity,
    billingCycle: s.billingCycle,
    ...(s.connectionPlanId ? { connectionPlanId: s.connectionPlanId } : {}),
  }));
  // A plan switch or a renewal may be priced against the PBX's term, so its shape includes the serial number;
  // services and new PBXs are priced per unit and share one quote across PBXs.
  const perPbx = request.operationType === "switch_plan" || request.operationType === "renew_plan";
  // A PBX not bought yet has no term to renew: its renewals are priced as a purchase of the same shape, as the
  // portal prices a renewal (docs/api-assumptions.md, "Renewals").
  // A trial's conversion buys the PBX's paid shape: it is priced as a purchase of that shape (docs/api-assumptions.md,
  // "Trials").
  const asPurchase =
    (request.operationType === "renew_plan" && !request.productNo) || request.operationType === "switchTrial_plan";
  const operationType = asPurchase ? "purchase_plan" : request.operationType;
  const key = JSON.stringify([operationType, perPbx ? (request.productNo ?? "") : "", serviceList]);
  let cache = quotes.get(api);
  if (!cache) quotes.set(api, (cache = new Map()));
  let pending = cache.get(key);
  if (!pending) {
    pending = api
      .calculatePrice({
        productId: PCE_PRODUCT_ID,
        ...(request.productNo && !asPurchase ? { productNo: request.productNo } : {}),
        operationType,
        serviceList,
      })
      .then(
        (q) => q,
        () => undefined,
      );
    cache.set(key, pending);
  }
  return pending;
}

function period(request: OrderRequest): "month" | "year" {
  return request.serviceList[0]?.billingCycle === "monthly" ? "month" : "year";
}

export function priceText(q: PriceQuote | undefined, per: "month" | "year"): string {
  return q ? `${q.currencyCode} ${q.totalAmount} per ${per}` : UNAVAILABLE;
}

/** A renewal is charged once, for the one term it buys. */
export function termPriceText(q: PriceQuote | undefined, per: "month" | "year"): string {
  return q ? `${q.currencyCode} ${q.totalAmount} for one more ${per}` : UNAVAILABLE;
}

/** When a price starts: "from the end of the current term (2027-06-30)". */
export function termEndText(termEnd?: string): string {
  return `from the end of the current term${termEnd ? ` (${termEnd})` : ""}`;
}

/**
 * The price of a plan downgrade, which is not an extra charge: the new plan's recurring price from the end of the
 * term, in place of the current plan's (docs/money.md, "What costs money").
 */
export function laterPriceText(q: PriceQuote | undefined, per: "month" | "year", plan: string, termEnd?: string) {
  return q
    ? `the ${plan} plan's price ${termEndText(termEnd)}: ${q.currencyCode} ${q.totalAmount} per ${per}, in place of the current plan's`
    : UNAVAILABLE;
}

/** A priced view of one order; `later` for an order whose price applies from the end of the term. */
export async function viewOf(
  api: PartnerApi,
  operation: "purchase_plan" | PlannedOrder["request"]["operationType"],
  item: string,
  summary: string,
  request: OrderRequest,
  later?: { termEnd: string },
): Promise<PlannedOrderView> {
  if (operation === "trial_plan") {
    // A trial is free: nothing to ask the price API.
    return { operation, item, quantity: request.serviceList[0]?.quantity ?? 0, summary, price: NO_CHARGE };
  }
  const per = period(request);
  const q = await quote(api, request);
  const plan = planNameOf(request.serviceList[0]?.serviceId ?? "") ?? "new";
  return {
    operation,
    item,
    quantity: request.serviceList[0]?.quantity ?? 0,
    summary,
    price: later
      ? laterPriceText(q, per, plan, later.termEnd)
      : operation === "renew_plan"
        ? termPriceText(q, per)
        : priceText(q, per),
    ...(q ? { amount: q.totalAmount, currency: q.currencyCode, period: per } : {}),
    ...(later ? { startsAt: "term-end" as const, ...(later.termEnd ? { termEnd: later.termEnd } : {}) } : {}),
  };
}

/** Priced views of follow-up orders, in the order `update` places them; `termEnd` as the portal reports it. */
export function viewsOf(api: PartnerApi, orders: readonly PlannedOrder[], termEnd = ""): Promise<PlannedOrderView[]> {
  return Promise.all(
    orders.map((o) =>
      viewOf(
        api,
        o.request.operationType,
        ITEMS[o.field],
        o.summary,
        o.request,
        o.startsAt === "term-end" ? { termEnd } : undefined,
      ),
    ),
  );
}

export function adoptionView(url: string, productNo: string): PlannedOrderView {
  return {
    operation: "adopt",
    item: "existing PBX",
    quantity: 0,
    summary: `adopt, no order: PBX ${url} (serial ${productNo}) is already in your Partner Portal account`,
    price: "no charge",
  };
}

/** One line per PBX for the preview's diagnostics, so a plain `pulumi preview` shows what will be bought. */
export function planLine(url: string, views: readonly PlannedOrderView[], customer?: string): string {
  const pbx = `PBX ${url}${customer ? ` (customer ${customer})` : ""}`;
  if (views.length === 1 && views[0].operation === "adopt") return `${pbx}: ${views[0].summary}`;
  const parts = views.map((v) => `${v.summary} [${v.price}]`);
  return `${pbx}: \`pulumi up\` will place ${views.length} order${views.length === 1 ? "" : "s"}: ${parts.join("; ")}`;
}

/** How a preview line names the PBX's customer: the owner as the program gives it. */
export const PENDING_CUSTOMER = "created in this update";
