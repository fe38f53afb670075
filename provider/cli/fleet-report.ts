/**
 * The fleet report, pure: every PBX of the account (the product list) joined with the stacks that manage it, its
 * customer, expiry and cost, with totals and flags; rendered as Markdown, JSON or CSV. `fleet-main.ts` is the shell that
 * reads the portal and the stacks (docs/architecture.md, "Fleet report").
 */
import { PCE_PRODUCT_ID, SERVICES, planNameOf } from "../api/catalog";
import { divideMoney, formatMoney, parseMoney } from "../api/money";
import type { PriceQuote, PriceRequest, ProductInfo, SubordinateUser } from "../api/schemas";
import { dateOf } from "../api/terms";
import type { StackState } from "./stack-export";

/** What a PBX is billed for: one price quote per distinct shape. */
export interface Shape {
  planId: string;
  billingCycle: string;
  extensions: number;
  highAvailability: boolean;
  recordingMinutes: number;
}

export function shapeOf(p: ProductInfo): Shape {
  const services = new Map(p.services.map((s) => [s.serviceId, s.quantity]));
  return {
    planId: p.planId,
    billingCycle: p.billingCycle,
    extensions: p.extensions,
    highAvailability: (services.get(SERVICES.highAvailability) ?? 0) > 0,
    recordingMinutes: services.get(SERVICES.recordingMinutes) ?? 0,
  };
}

export function shapeKey(s: Shape): string {
  return [s.planId, s.billingCycle, s.extensions, s.highAvailability ? "ha" : "", s.recordingMinutes].join("|");
}

/**
 * The price request for one period of a shape: the plan and its services as a purchase of the same size (the price
 * API prices purchases; a renewal of the same shape is assumed to cost the same, docs/api-assumptions.md).
 * Undefined when the billing cycle is not one the API prices.
 */
export function priceRequestOf(s: Shape): PriceRequest | undefined {
  if (s.billingCycle !== "monthly" && s.billingCycle !== "annually") return undefined;
  const cycle: "monthly" | "annually" = s.billingCycle;
  const service = (serviceId: string, quantity: number) => ({
    serviceType: "service" as const,
    pricingId: serviceId,
    quantity,
    billingCycle: cycle,
    connectionPlanId: s.planId,
  });
  return {
    productId: PCE_PRODUCT_ID,
    operationType: "purchase_plan",
    serviceList: [
      { serviceType: "plan", pricingId: s.planId, quantity: s.extensions, billingCycle: cycle },
      ...(s.highAvailability ? [service(SERVICES.highAvailability, s.extensions)] : []),
      ...(s.recordingMinutes > 0 ? [service(SERVICES.recordingMinutes, s.recordingMinutes)] : []),
    ],
  };
}

export const FLAGS = [
  "no-stack",
  "several-stacks",
  "expires-soon",
  "renewal-not-covered",
  "state-behind",
  "unpriced",
  "auto-renew-unknown",
] as const;
export type Flag = (typeof FLAGS)[number];

/** Whether the Partner Portal renews the PBX itself: "?" when its status could not be read (never taken as off). */
export type AutoRenew = "on" | "off" | "?";

/**
 * A PBX left to lapse: it expires within the report's window (or has expired), the portal does not renew it, and
 * no stack that manages it declares `renewThrough` after its expiry. An unknown auto-renewal decides nothing
 * (false): the report flags the failed read instead. Pure.
 */
export function renewalNotCovered(
  expiry: string,
  withinWindow: boolean,
  autoRenew: AutoRenew,
  declared: string | undefined,
): boolean {
  return withinWindow && autoRenew === "off" && !(declared !== undefined && declared > dateOf(expiry));
}

export interface FleetRow {
  pbxUrl: string;
  serialNumber: string;
  pbxName: string;
  status: string;
  plan: string;
  billingCycle: string;
  extensions: number;
  highAvailability: boolean;
  recordingMinutes: number;
  /** Partner id of the customer ("" for none). */
  ownerId: string;
  /** The customer as people read it: email (company), else the partner id, else "(none)". */
  customer: string;
  expireDate: string;
  /** Days from today to the expiry date (negative: expired); undefined when the date cannot be read. */
  daysLeft?: number;
  autoRenew: AutoRenew;
  /** The latest `renewThrough` the stacks holding this PBX declare; absent when none does. */
  renewThrough?: string;
  currency?: string;
  /** Decimal strings, exact. */
  yearly?: string;
  monthly?: string;
  /** The stacks whose state holds this PBX (by `<project>/<stack>`). */
  stacks: string[];
  flags: Flag[];
  /** One line per flag, saying what it means for this PBX. */
  notes: string[];
}

export interface Total {
  key: string;
  pbxs: number;
  currency: string;
  yearly: string;
  monthly: string;
  /** PBXs without a price, not in the sums. */
  unpriced: number;
}

export interface FleetReport {
  today: string;
  expiresWithinDays: number;
  rows: FleetRow[];
  byCustomer: Total[];
  byBillingCycle: Total[];
  total: Total;
  /** Stack resources that name a PBX the account does not have. */
  unknownInStacks: string[];
  counts: Record<Flag, number>;
}

export interface FleetInput {
  products: readonly ProductInfo[];
  users: readonly SubordinateUser[];
  stacks: readonly StackState[];
  quotes: ReadonlyMap<string, PriceQuote | undefined>;
  /** Auto-renewal by serial number, as the portal answered; a PBX missing here (its read failed) shows "?". */
  autoRenew: ReadonlyMap<string, boolean>;
  today: string;
  expiresWithinDays: number;
}

function daysBetween(from: string, to: string): number | undefined {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b) || !/^\d{4}-\d{2}-\d{2}/.test(to)) return undefined;
  return Math.round((b - a) / 86_400_000);
}

/** Why nothing renews a PBX whose auto-renewal is off, and what would; pure. */
function uncovered(expiry: string, stacks: number, declared: string | undefined, trial: boolean): string {
  const why =
    stacks === 0
      ? "no stack manages it to declare a renewal"
      : declared
        ? `the latest renewThrough its stacks declare (${declared}) is not after the expiry`
        : "no stack that manages it declares renewThrough";
  // A trial cannot be renewed (provider/pbx/trial.ts): it is converted first.
  const fix = trial
    ? "convert the trial (trial: false), then declare renewThrough"
    : `declare renewThrough after ${dateOf(expiry)} (then \`pulumi up\`), or autoRenew: true`;
  return `auto-renewal is off and ${why}; ${fix}`;
}

const norm = (url: string) => url.trim().toLowerCase().replace(/\.$/, "");

class Sum {
  pbxs = 0;
  yearly = 0n;
  monthly = 0n;
  unpriced = 0;
  currencies = new Set<string>();
  add(row: FleetRow): void {
    this.pbxs++;
    if (row.yearly === undefined || row.monthly === undefined || !row.currency) {
      this.unpriced++;
      return;
    }
    this.currencies.add(row.currency);
    this.yearly += parseMoney(row.yearly) ?? 0n;
    this.monthly += parseMoney(row.monthly) ?? 0n;
  }
  total(key: string): Total {
    return {
      key,
      pbxs: this.pbxs,
      // Amounts in two currencies are not added up as one: the report says so.
      currency: [...this.currencies].join("+") || "",
      yearly: formatMoney(this.yearly),
      monthly: formatMoney(this.monthly),
      unpriced: this.unpriced,
    };
  }
}

export function buildFleetReport(input: FleetInput): FleetReport {
  const users = new Map(input.users.map((u) => [u.partnerId, u]));
  const stateCustomers = new Map(input.stacks.flatMap((s) => s.customers.map((c) => [c.partnerId, c] as const)));
  const rows: FleetRow[] = [];
  const matched = new Set<string>();
  for (const p of input.products) {
    const shape = shapeOf(p);
    const quote = input.quotes.get(shapeKey(shape));
    const amount = quote ? parseMoney(quote.totalAmount) : undefined;
    let yearly: bigint | undefined;
    let monthly: bigint | undefined;
    if (amount !== undefined) {
      yearly = shape.billingCycle === "monthly" ? amount * 12n : amount;
      // The monthly share of a yearly price, to the cent (half up): what a reseller bills a month.
      monthly = shape.billingCycle === "monthly" ? amount : ((divideMoney(amount, 12n) + 5_000n) / 10_000n) * 10_000n;
    }
    const holders: string[] = [];
    const notes: string[] = [];
    let behind = false;
    let declared: string | undefined;
    for (const stack of input.stacks) {
      for (const s of stack.pbxs) {
        const same = s.productNo ? s.productNo === p.productNo : norm(s.pbxUrl) === norm(p.pbxUrl);
        if (!same) continue;
        matched.add(`${stack.label}\u0000${s.name}`);
        if (!holders.includes(stack.label)) holders.push(stack.label);
        if (s.renewThrough && (declared === undefined || s.renewThrough > declared)) declared = s.renewThrough;
        const plan = planNameOf(p.planId) ?? p.planId;
        const diffs: string[] = [];
        if (s.extensions !== undefined && s.extensions !== shape.extensions)
          diffs.push(`extensions ${s.extensions} in state, ${shape.extensions} in the portal`);
        if (s.plan !== undefined && s.plan !== plan) diffs.push(`plan ${s.plan} in state, ${plan} in the portal`);
        if (s.highAvailability !== undefined && s.highAvailability !== shape.highAvailability)
          diffs.push(`highAvailability ${s.highAvailability} in state, ${shape.highAvailability} in the portal`);
        if (s.recordingMinutes !== undefined && s.recordingMinutes !== shape.recordingMinutes)
          diffs.push(`recordingMinutes ${s.recordingMinutes} in state, ${shape.recordingMinutes} in the portal`);
        if (diffs.length > 0) {
          behind = true;
          notes.push(
            `state behind the portal in ${stack.label} (${s.name}): ${diffs.join("; ")}; run \`pulumi refresh\``,
          );
        }
      }
    }
    const flags: Flag[] = [];
    if (holders.length === 0) {
      flags.push("no-stack");
      notes.push("in no stack: nothing manages it (bring it in with `yeastar-pseries import`)");
    }
    if (holders.length > 1) {
      flags.push("several-stacks");
      notes.push(`in ${holders.length} stacks (${holders.join(", ")}): two programs may order for it; keep it in one`);
    }
    const daysLeft = daysBetween(input.today, p.expireDate);
    if (daysLeft !== undefined && daysLeft <= input.expiresWithinDays) {
      flags.push("expires-soon");
      notes.push(
        daysLeft < 0
          ? `expired ${-daysLeft} days ago (${p.expireDate})`
          : `expires in ${daysLeft} days (${p.expireDate})`,
      );
    }
    if (daysLeft === undefined) notes.push(`expiry date ${JSON.stringify(p.expireDate)} cannot be read`);
    const known = input.autoRenew.get(p.productNo);
    const autoRenew: AutoRenew = known === undefined ? "?" : known ? "on" : "off";
    const withinWindow = daysLeft !== undefined && daysLeft <= input.expiresWithinDays;
    if (renewalNotCovered(p.expireDate, withinWindow, autoRenew, declared)) {
      flags.push("renewal-not-covered");
      notes.push(`renewal not covered: ${uncovered(p.expireDate, holders.length, declared, p.isTrial === true)}`);
    }
    if (behind) flags.push("state-behind");
    if (yearly === undefined) {
      flags.push("unpriced");
      notes.push("no price: the price API did not answer for this PBX's plan and services");
    }
    if (autoRenew === "?") {
      flags.push("auto-renew-unknown");
      notes.push(
        "auto-renewal unknown: the Partner Portal did not answer its status (shown as ?)" +
          (renewalNotCovered(p.expireDate, withinWindow, "off", declared)
            ? `; it expires within ${input.expiresWithinDays} days and no stack declares a renewal after ${dateOf(p.expireDate)}, so it may lapse`
            : ""),
      );
    }
    const user = p.assignId ? users.get(p.assignId) : undefined;
    const fromState = p.assignId ? stateCustomers.get(p.assignId) : undefined;
    const email = user?.email || fromState?.email || "";
    const company = user?.company || fromState?.company || "";
    const customer = p.assignId
      ? email
        ? `${email}${company ? ` (${company})` : ""}`
        : `partner ${p.assignId}`
      : "(none)";
    rows.push({
      pbxUrl: p.pbxUrl,
      serialNumber: p.productNo,
      pbxName: p.pbxName,
      status: p.status,
      plan: planNameOf(p.planId) ?? p.planId,
      billingCycle: p.billingCycle,
      extensions: shape.extensions,
      highAvailability: shape.highAvailability,
      recordingMinutes: shape.recordingMinutes,
      ownerId: p.assignId ?? "",
      customer,
      expireDate: p.expireDate,
      ...(daysLeft !== undefined ? { daysLeft } : {}),
      autoRenew,
      ...(declared !== undefined ? { renewThrough: declared } : {}),
      ...(quote && yearly !== undefined && monthly !== undefined
        ? { currency: quote.currencyCode, yearly: formatMoney(yearly), monthly: formatMoney(monthly) }
        : {}),
      stacks: holders,
      flags,
      notes,
    });
  }
  rows.sort((a, b) => a.customer.localeCompare(b.customer) || a.pbxUrl.localeCompare(b.pbxUrl));
  const unknownInStacks = input.stacks.flatMap((s) =>
    s.pbxs
      .filter((x) => !matched.has(`${s.label}\u0000${x.name}`))
      .map((x) => `${s.label}: ${x.name} (${x.pbxUrl || x.productNo}) is not in the account's product list`),
  );
  const group = (key: (r: FleetRow) => string) => {
    const sums = new Map<string, Sum>();
    for (const r of rows) {
      const k = key(r);
      if (!sums.has(k)) sums.set(k, new Sum());
      sums.get(k)!.add(r);
    }
    return [...sums].map(([k, s]) => s.total(k)).sort((a, b) => a.key.localeCompare(b.key));
  };
  const all = new Sum();
  for (const r of rows) all.add(r);
  const counts = Object.fromEntries(FLAGS.map((f) => [f, 0])) as Record<Flag, number>;
  for (const r of rows) for (const f of r.flags) counts[f]++;
  return {
    today: input.today,
    expiresWithinDays: input.expiresWithinDays,
    rows,
    byCustomer: group((r) => r.customer),
    byBillingCycle: group((r) => r.billingCycle),
    total: all.total("all"),
    unknownInStacks,
    counts,
  };
}
